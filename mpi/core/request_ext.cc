#include "mpi/core/request_ext.h"

#include <utility>

#include "mpi/core/bsend.h"
#include "mpi/core/coll_request.h"
#include "mpi/core/partitioned.h"
#include "mpi/core/runtime.h"
#include "mpi/core/threads.h"

namespace zmpi::core {
namespace {

struct PersistentExt final : RequestExtension {
  PersistentMode mode = PersistentMode::kStandard;
  Channel channel = Channel::kUser;
};

struct CompoundExt final : RequestExtension {
  std::unique_ptr<char[]> owned;  // MPI_Isendrecv_replace's copy of the outgoing data
  int pending = 0;                // parts not yet complete
};

struct GeneralizedExt final : RequestExtension {
  MPI_Grequest_query_function* query_fn = nullptr;
  MPI_Grequest_free_function* free_fn = nullptr;
  MPI_Grequest_cancel_function* cancel_fn = nullptr;
  void* extra_state = nullptr;
};

// FillStatus as for a plain request of `kind` (kSend: no source/tag/count).
void FillStatusAs(Request* r, RequestKind kind, MPI_Status* status) {
  RequestKind real = r->kind;
  r->kind = kind == RequestKind::kRecv ? RequestKind::kRecv : RequestKind::kSend;
  FillStatus(r, status);
  r->kind = real;
}

GeneralizedExt& Gen(Request* r) { return static_cast<GeneralizedExt&>(*r->ext); }

Status FromCode(int code, const char* what) {
  if (code == MPI_SUCCESS) return OkStatus();
  Code c = code > 0 && code <= MPI_ERR_VALUE_TOO_LARGE ? static_cast<Code>(code) : Code::kOther;
  return Error(c, "%s returned error %d", what, code);
}

// The standard's order: query_fn fills the status, then free_fn; the first error wins.
Status FinishGeneralized(Request* r, MPI_Status* status) {
  GeneralizedExt& g = Gen(r);
  MPI_Status local;
  MPI_Status* st = status == MPI_STATUS_IGNORE || status == nullptr ? &local : status;
  EmptyStatus(st);
  Status q = FromCode(g.query_fn(g.extra_state, st), "MPI_Grequest_query_function");
  Status f = FromCode(g.free_fn(g.extra_state), "MPI_Grequest_free_function");
  // A failed callback's error is this request's: multi-completion calls report it in the
  // status (MPI_ERR_IN_STATUS).
  if (!q.ok() || !f.ok()) st->MPI_ERROR = static_cast<int>((q.ok() ? f : q).code());
  Runtime::Get()->requests().Release(r);
  return q.ok() ? f : q;
}

// Generalized requests freed by the user before MPI_Grequest_complete: free_fn runs at
// completion (Engine::Complete then releases the request).
void GeneralizedCompleted(Request* r) {
  if (!r->user_freed) return;
  GeneralizedExt& g = Gen(r);
  g.free_fn(g.extra_state);  // nobody is left to report an error to
}

void CompoundPartDone(Request* child) {
  Request* parent = child->parent;
  if (child->kind == RequestKind::kRecv) {
    parent->status_source = child->status_source;
    parent->status_tag = child->status_tag;
    parent->status_bytes = child->status_bytes;
    parent->cancelled = child->cancelled;
  }
  if (!child->error.ok() && parent->error.ok()) parent->error = child->error;
  auto& ext = static_cast<CompoundExt&>(*parent->ext);
  if (--ext.pending == 0) Runtime::Get()->engine().Complete(parent);
}

// Clears a persistent request's results from its last round and makes it active.
void Rearm(Request* r) {
  r->generation++;  // ids of the last round's frames no longer name this request
  r->complete = false;
  r->cancelled = false;
  r->active = true;
  r->error = Status();
  r->status_source = MPI_ANY_SOURCE;
  r->status_tag = MPI_ANY_TAG;
  r->status_bytes = 0;
  r->received = 0;
}

Status StartSendRound(Request* r) {
  auto& ext = static_cast<PersistentExt&>(*r->ext);
  Runtime* rt = Runtime::Get();
  if (ext.mode == PersistentMode::kBuffered) {
    // The message is copied into the attached buffer and leaves from there: the request
    // itself completes at once (local completion, as MPI_Ibsend).
    SendArgs a{r->send_buf, r->bytes, r->rank, r->tag, r->comm, SendMode::kStandard, ext.channel};
    ZMPI_RETURN_IF_ERROR(rt->bsend().For(*r->comm).Send(a));
    rt->engine().Complete(r);
    return OkStatus();
  }
  if (r->rank == MPI_PROC_NULL) {
    rt->engine().Complete(r);
    return OkStatus();
  }
  r->peer = r->comm->WorldRank(r->rank);
  return rt->engine().StartSend(r, ext.mode == PersistentMode::kSync);
}

Status StartRecvRound(Request* r) {
  Runtime* rt = Runtime::Get();
  if (r->rank == MPI_PROC_NULL) {
    r->status_source = MPI_PROC_NULL;
    rt->engine().Complete(r);
    return OkStatus();
  }
  r->peer = r->rank >= 0 ? r->comm->WorldRank(r->rank) : -1;
  return rt->engine().StartRecv(r);
}

Request* NewPersistent(RequestKind kind, Comm* comm, Channel channel, int rank, int tag,
                       size_t bytes) {
  Request* r = Runtime::Get()->requests().Allocate(kind);
  r->special = true;
  r->persistent = true;
  r->complete = true;  // inactive: a wait returns at once
  r->comm = comm;
  r->context = channel == Channel::kUser ? comm->p2p_context() : comm->coll_context();
  r->rank = rank;
  r->tag = tag;
  r->bytes = bytes;
  return r;
}

}  // namespace

Request* SendInit(const SendArgs& a, PersistentMode mode) {
  Request* r = NewPersistent(RequestKind::kSend, a.comm, a.channel, a.dest, a.tag, a.bytes);
  r->send_buf = a.buf;
  auto ext = std::make_unique<PersistentExt>();
  ext->mode = mode;
  ext->channel = a.channel;
  r->ext = std::move(ext);
  return r;
}

Request* RecvInit(const RecvArgs& a) {
  Request* r = NewPersistent(RequestKind::kRecv, a.comm, a.channel, a.source, a.tag, a.bytes);
  r->recv_buf = a.buf;
  r->type_size = a.type_size;
  return r;
}

Status Start(Request* r) {
  if (!r->persistent) {
    return Error(Code::kRequest, "MPI_Start of a request that is not persistent");
  }
  if (r->active) return Error(Code::kRequest, "MPI_Start of a request that is already active");
  Rearm(r);
  Status s;
  switch (r->kind) {
    case RequestKind::kSend:
      s = StartSendRound(r);
      break;
    case RequestKind::kRecv:
      s = StartRecvRound(r);
      break;
    case RequestKind::kPartSend:
    case RequestKind::kPartRecv:
      s = PartitionedStart(r);
      break;
    case RequestKind::kCollective:
      StartCollective(r);  // errors come through the request
      break;
    default:
      s = Error(Code::kRequest, "MPI_Start of a request that is not persistent");
  }
  if (!s.ok()) {
    r->active = false;
    MarkComplete(&r->complete);
  }
  return s;
}

void Adopt(Request* child, Request* parent, uint32_t part, void (*hook)(Request*)) {
  child->parent = parent;
  child->part = part;
  child->on_complete = hook;
  if (child->complete) {
    hook(child);
    Runtime::Get()->requests().Release(child);
  } else {
    child->user_freed = true;
  }
}

StatusOr<Request*> Isendrecv(const SendArgs& send, const RecvArgs& recv,
                             std::unique_ptr<char[]> owned) {
  Runtime* rt = Runtime::Get();
  Request* r = rt->requests().Allocate(RequestKind::kCompound);
  r->special = true;
  r->comm = recv.comm;
  r->type_size = recv.type_size;
  auto ext = std::make_unique<CompoundExt>();
  ext->owned = std::move(owned);
  ext->pending = 3;  // the receive, the send, and this call (so no part completes r early)
  CompoundExt& e = *ext;
  r->ext = std::move(ext);
  StatusOr<Request*> rr = Irecv(recv);
  if (!rr.ok()) {
    rt->requests().Release(r);
    return rr.status();
  }
  Adopt(*rr, r, 0, CompoundPartDone);
  StatusOr<Request*> sr = Isend(send);
  if (!sr.ok()) {
    // The receive is posted and owned by r: the error surfaces when r completes.
    r->error = sr.status();
    --e.pending;
  } else {
    Adopt(*sr, r, 1, CompoundPartDone);
  }
  if (--e.pending == 0) rt->engine().Complete(r);
  return r;
}

Request* GrequestStart(MPI_Grequest_query_function* query_fn, MPI_Grequest_free_function* free_fn,
                       MPI_Grequest_cancel_function* cancel_fn, void* extra_state) {
  Request* r = Runtime::Get()->requests().Allocate(RequestKind::kGeneralized);
  r->special = true;
  auto ext = std::make_unique<GeneralizedExt>();
  ext->query_fn = query_fn;
  ext->free_fn = free_fn;
  ext->cancel_fn = cancel_fn;
  ext->extra_state = extra_state;
  r->ext = std::move(ext);
  r->on_complete = GeneralizedCompleted;
  return r;
}

Request* FindGeneralized(MPI_Request handle) {
  Request* r = Runtime::Get()->requests().FromHandle(handle);
  return r != nullptr && r->kind == RequestKind::kGeneralized ? r : nullptr;
}

Status GrequestComplete(Request* r) {
  if (r->kind != RequestKind::kGeneralized) {
    return Error(Code::kRequest, "MPI_Grequest_complete of a request that is not generalized");
  }
  if (r->complete) {
    return Error(Code::kRequest, "MPI_Grequest_complete called twice on one request");
  }
  Runtime::Get()->engine().Complete(r);
  return OkStatus();
}

Status FinishSpecial(Request* r, MPI_Status* status) {
  if (r->kind == RequestKind::kCollective) {
    if (Inactive(r)) {
      EmptyStatus(status);
      return OkStatus();
    }
    return FinishCollective(r, status);
  }
  if (r->persistent) {
    if (!r->active) {
      EmptyStatus(status);
      return OkStatus();
    }
    FillStatusAs(r, r->kind == RequestKind::kPartRecv ? RequestKind::kRecv : r->kind, status);
    r->active = false;
    return std::exchange(r->error, Status());
  }
  switch (r->kind) {
    case RequestKind::kGeneralized:
      return FinishGeneralized(r, status);
    default:
      FillStatusAs(r, r->kind == RequestKind::kCompound ? RequestKind::kRecv : r->kind, status);
      Status error = std::move(r->error);
      Runtime::Get()->requests().Release(r);
      return error;
  }
}

Status GetStatus(Request* r, bool* flag, MPI_Status* status) {
  if (!r->complete) Runtime::Get()->engine().Progress();
  *flag = r->complete;
  if (!r->complete) return OkStatus();
  if (Inactive(r)) {
    EmptyStatus(status);
    return OkStatus();
  }
  if (r->kind == RequestKind::kGeneralized) {
    GeneralizedExt& g = Gen(r);
    MPI_Status local;
    MPI_Status* st = status == MPI_STATUS_IGNORE || status == nullptr ? &local : status;
    EmptyStatus(st);
    return FromCode(g.query_fn(g.extra_state, st), "MPI_Grequest_query_function");
  }
  if (r->kind == RequestKind::kCollective) {
    CollectiveStatus(status, r->status_bytes);
    return r->error;
  }
  RequestKind kind = r->kind;
  FillStatusAs(
      r,
      kind == RequestKind::kCompound || kind == RequestKind::kPartRecv ? RequestKind::kRecv : kind,
      status);
  return r->error;
}

Status FreeRequest(Request* r) {
  Runtime* rt = Runtime::Get();
  if (r->kind == RequestKind::kGeneralized) {
    if (r->complete) {
      GeneralizedExt& g = Gen(r);
      Status f = FromCode(g.free_fn(g.extra_state), "MPI_Grequest_free_function");
      rt->requests().Release(r);
      return f;
    }
    r->user_freed = true;  // free_fn runs at MPI_Grequest_complete
    return OkStatus();
  }
  if (r->complete) {
    rt->requests().Release(r);
  } else {
    r->user_freed = true;  // released by the engine when it completes
  }
  return OkStatus();
}

Status Cancel(Request* r) {
  Runtime* rt = Runtime::Get();
  switch (r->kind) {
    case RequestKind::kGeneralized: {
      GeneralizedExt& g = Gen(r);
      return FromCode(g.cancel_fn(g.extra_state, r->complete ? 1 : 0),
                      "MPI_Grequest_cancel_function");
    }
    case RequestKind::kCollective:
      return Error(Code::kRequest, "MPI_Cancel of a collective request");
    case RequestKind::kRecv:
      // Receives not yet matched are withdrawn; sends are never cancelled (MPI 4.1
      // deprecates it), which the standard allows: MPI_Test_cancelled then reports false.
      if (!r->complete && rt->engine().CancelRecv(r)) {
        r->cancelled = true;
        rt->engine().Complete(r);
      }
      return OkStatus();
    default:
      return OkStatus();
  }
}

}  // namespace zmpi::core
