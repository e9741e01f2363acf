// Completion of requests (wait/test families), probe, cancel, free; starting persistent
// requests; generalized requests.
#include <vector>

#include "mpi/abi/entry.h"
#include "mpi/abi/p2p_args.h"
#include "mpi/core/p2p.h"
#include "mpi/core/request.h"
#include "mpi/core/request_ext.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::core::Comm;
using zmpi::core::ProgressLoop;
using zmpi::core::Request;
using zmpi::core::Runtime;

namespace {

using zmpi::core::EmptyStatus;

// Looks up a request handle; MPI_REQUEST_NULL gives nullptr with OK.
Status Lookup(MPI_Request handle, Request** out) {
  *out = nullptr;
  if (handle == MPI_REQUEST_NULL) return zmpi::OkStatus();
  *out = Runtime::Get()->requests().FromHandle(handle);
  if (*out == nullptr || (*out)->user_freed) {
    return zmpi::Error(Code::kRequest, "invalid request handle 0x%x", handle);
  }
  return zmpi::OkStatus();
}

// Looks up the requests of a multi-completion call; inactive persistent requests come back
// as nullptr, since these calls treat them as null handles.
Status LookupAll(int count, MPI_Request* handles, std::vector<Request*>* out) {
  if (count < 0) return zmpi::Error(Code::kCount, "negative count %d", count);
  if (count > 0 && handles == nullptr) {
    return zmpi::Error(Code::kArg, "null array of requests with count %d", count);
  }
  out->resize(count);
  for (int i = 0; i < count; ++i) {
    Request*& r = (*out)[i];
    ZMPI_RETURN_IF_ERROR(Lookup(handles[i], &r));
    if (r != nullptr && zmpi::core::Inactive(r)) r = nullptr;
  }
  return zmpi::OkStatus();
}

// Finishes request i of a multi-completion call; returns its error code. `set_error`: the call
// returns several statuses (Waitall, Waitsome, ...), so the status's MPI_ERROR gets the code;
// single-status calls leave that field alone (MPI-4.1 3.2.5).
Status FinishOne(Request* r, MPI_Request* handle, MPI_Status* status, Comm** comm,
                 bool set_error) {
  *comm = r->comm;
  bool persistent = r->persistent;
  Status s = zmpi::core::Finish(r, status);
  if (!persistent) *handle = MPI_REQUEST_NULL;
  if (set_error && status != MPI_STATUS_IGNORE) status->MPI_ERROR = static_cast<int>(s.code());
  return s;
}

// The MPI_ERR_IN_STATUS error of a multiple completion, naming its first failed request (the
// fatal handler's line then says why, e.g. MPI_ERR_PROC_ABORTED for a dead peer).
class FirstFailure {
 public:
  void Note(int index, const Status& s) {
    if (s.ok() || !first_.ok()) return;
    index_ = index;
    first_ = s;
  }
  bool failed() const { return !first_.ok(); }
  Status InStatus() const {
    return zmpi::Error(Code::kInStatus, "request %d failed with %s", index_,
                       first_.ToString().c_str());
  }

 private:
  int index_ = -1;
  Status first_;
};

MPI_Status* StatusAt(MPI_Status* statuses, int i) {
  return statuses == MPI_STATUSES_IGNORE ? MPI_STATUS_IGNORE : &statuses[i];
}

}  // namespace

ZMPI_API int PMPI_Wait(MPI_Request* request, MPI_Status* status) {
  ZMPI_ENTER("MPI_Wait");
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Wait", Lookup(*request, &r));
  if (r == nullptr) {
    EmptyStatus(status);
    return MPI_SUCCESS;
  }
  Comm* c = r->comm;
  if (!r->persistent) [[likely]] {
    *request = MPI_REQUEST_NULL;
  }
  return zmpi::abi::Report(c, "MPI_Wait", zmpi::core::Wait(r, status));
}

ZMPI_API int PMPI_Test(MPI_Request* request, int* flag, MPI_Status* status) {
  ZMPI_ENTER("MPI_Test");
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Test", Lookup(*request, &r));
  if (r == nullptr) {
    *flag = 1;
    EmptyStatus(status);
    return MPI_SUCCESS;
  }
  Comm* c = r->comm;
  bool persistent = r->persistent;
  bool done = false;
  Status s = zmpi::core::Test(r, &done, status);
  *flag = done;
  if (done && !persistent) *request = MPI_REQUEST_NULL;
  return zmpi::abi::Report(c, "MPI_Test", s);
}

ZMPI_API int PMPI_Waitall(int count, MPI_Request requests[], MPI_Status statuses[]) {
  ZMPI_ENTER("MPI_Waitall");
  std::vector<Request*> rs;
  ZMPI_CHECK_ARG(nullptr, "MPI_Waitall", LookupAll(count, requests, &rs));
  ProgressLoop loop;
  zmpi::core::Engine& engine = Runtime::Get()->engine();
  for (int i = 0; i < count; ++i) {
    Request* r = rs[i];
    // WaitComplete's loop, except that a liveness check covers every request still waited
    // for: requests to a dead peer all fail at the first check, not one per period.
    while (r != nullptr && !r->complete) {
      int events = engine.Progress();
      if (r->complete) {
        loop.Reset();
        break;
      }
      loop.Pace(events, &r->complete);
      if (loop.Every(1.0)) zmpi::core::FailDeadPeers(rs.data() + i, count - i);
    }
  }
  FirstFailure failure;
  Comm* comm = nullptr;
  for (int i = 0; i < count; ++i) {
    if (rs[i] == nullptr) {
      EmptyStatus(StatusAt(statuses, i));
      continue;
    }
    failure.Note(i, FinishOne(rs[i], &requests[i], StatusAt(statuses, i), &comm, true));
  }
  if (!failure.failed()) return MPI_SUCCESS;
  return zmpi::abi::Report(comm, "MPI_Waitall", failure.InStatus());
}

ZMPI_API int PMPI_Testall(int count, MPI_Request requests[], int* flag, MPI_Status statuses[]) {
  ZMPI_ENTER("MPI_Testall");
  std::vector<Request*> rs;
  ZMPI_CHECK_ARG(nullptr, "MPI_Testall", LookupAll(count, requests, &rs));
  Runtime::Get()->engine().Progress();
  *flag = 1;
  for (Request* r : rs) {
    if (r != nullptr && !r->complete) *flag = 0;
  }
  if (!*flag) return MPI_SUCCESS;
  return PMPI_Waitall(count, requests, statuses);
}

// Index of a complete request among rs (after one progress pass), MPI_UNDEFINED if all are
// null, or -1 if none is complete yet.
static int FindComplete(const std::vector<Request*>& rs) {
  bool any = false;
  for (size_t i = 0; i < rs.size(); ++i) {
    if (rs[i] == nullptr) continue;
    any = true;
    if (rs[i]->complete) return static_cast<int>(i);
  }
  return any ? -1 : MPI_UNDEFINED;
}

static int CompleteAny(const char* fn, int count, MPI_Request requests[], int* index, int* flag,
                       MPI_Status* status, bool block) {
  std::vector<Request*> rs;
  ZMPI_CHECK_ARG(nullptr, fn, LookupAll(count, requests, &rs));
  ProgressLoop loop;
  int i = FindComplete(rs);
  while (i == -1) {
    loop.Turn();
    if (loop.Every(1.0)) zmpi::core::FailDeadPeers(rs.data(), count);
    i = FindComplete(rs);
    if (!block) break;
  }
  *flag = i != -1;
  *index = i == -1 ? MPI_UNDEFINED : i;
  if (i == MPI_UNDEFINED) EmptyStatus(status);
  if (i < 0) return MPI_SUCCESS;
  Comm* comm = nullptr;
  Status s = FinishOne(rs[i], &requests[i], status, &comm, false);
  return zmpi::abi::Report(comm, fn, s);
}

ZMPI_API int PMPI_Waitany(int count, MPI_Request requests[], int* index, MPI_Status* status) {
  ZMPI_ENTER("MPI_Waitany");
  int flag = 0;
  return CompleteAny("MPI_Waitany", count, requests, index, &flag, status, true);
}

ZMPI_API int PMPI_Testany(int count, MPI_Request requests[], int* index, int* flag,
                          MPI_Status* status) {
  ZMPI_ENTER("MPI_Testany");
  return CompleteAny("MPI_Testany", count, requests, index, flag, status, false);
}

static int CompleteSome(const char* fn, int incount, MPI_Request requests[], int* outcount,
                        int indices[], MPI_Status statuses[], bool block) {
  std::vector<Request*> rs;
  ZMPI_CHECK_ARG(nullptr, fn, LookupAll(incount, const_cast<MPI_Request*>(requests), &rs));
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckPointer(outcount, "outcount"));
  if (incount > 0) ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckPointer(indices, "indices"));
  if (FindComplete(rs) == -1) Runtime::Get()->engine().Progress();
  ProgressLoop loop;
  while (block && FindComplete(rs) == -1) {
    loop.Turn();
    if (loop.Every(1.0)) zmpi::core::FailDeadPeers(rs.data(), incount);
  }
  if (FindComplete(rs) == MPI_UNDEFINED) {
    *outcount = MPI_UNDEFINED;
    return MPI_SUCCESS;
  }
  int n = 0;
  FirstFailure failure;
  Comm* comm = nullptr;
  for (int i = 0; i < incount; ++i) {
    if (rs[i] == nullptr || !rs[i]->complete) continue;
    indices[n] = i;
    failure.Note(i, FinishOne(rs[i], &requests[i], StatusAt(statuses, n), &comm, true));
    ++n;
  }
  *outcount = n;
  if (!failure.failed()) return MPI_SUCCESS;
  return zmpi::abi::Report(comm, fn, failure.InStatus());
}

ZMPI_API int PMPI_Waitsome(int incount, MPI_Request requests[], int* outcount, int indices[],
                           MPI_Status statuses[]) {
  ZMPI_ENTER("MPI_Waitsome");
  return CompleteSome("MPI_Waitsome", incount, requests, outcount, indices, statuses, true);
}

ZMPI_API int PMPI_Testsome(int incount, MPI_Request requests[], int* outcount, int indices[],
                           MPI_Status statuses[]) {
  ZMPI_ENTER("MPI_Testsome");
  return CompleteSome("MPI_Testsome", incount, requests, outcount, indices, statuses, false);
}

ZMPI_API int PMPI_Request_get_status(MPI_Request request, int* flag, MPI_Status* status) {
  ZMPI_ENTER("MPI_Request_get_status");
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Request_get_status", Lookup(request, &r));
  ZMPI_CHECK_ARG(nullptr, "MPI_Request_get_status", zmpi::abi::CheckPointer(flag, "flag"));
  if (r == nullptr) {
    *flag = 1;
    EmptyStatus(status);
    return MPI_SUCCESS;
  }
  bool done = false;
  Status s = zmpi::core::GetStatus(r, &done, status);
  *flag = done;
  return zmpi::abi::Report(r->comm, "MPI_Request_get_status", s);
}

// MPI-4.1's non-destructive multi-request tests (Request_get_status_all/any/some): as
// Testall/Testany/Testsome, but no request is freed or made inactive. Null and inactive
// requests count as complete with an empty status (all) or are skipped (any, some).
static void StatusOf(Request* r, MPI_Status* status) {
  bool done = false;
  if (r == nullptr) {
    EmptyStatus(status);
  } else {
    zmpi::core::GetStatus(r, &done, status).IgnoreError();  // the status carries the error
  }
}

static void ProgressOnce() { Runtime::Get()->engine().Progress(); }

ZMPI_API int PMPI_Request_get_status_all(int count, const MPI_Request requests[], int* flag,
                                         MPI_Status statuses[]) {
  const char* fn = "MPI_Request_get_status_all";
  ZMPI_ENTER(fn);
  std::vector<Request*> rs;
  ZMPI_CHECK_ARG(nullptr, fn, LookupAll(count, const_cast<MPI_Request*>(requests), &rs));
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckPointer(flag, "flag"));
  ProgressOnce();
  bool all = true;
  for (Request* r : rs) all = all && (r == nullptr || r->complete);
  *flag = all;
  if (!all || statuses == MPI_STATUSES_IGNORE) return MPI_SUCCESS;
  for (int i = 0; i < count; ++i) StatusOf(rs[i], &statuses[i]);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Request_get_status_any(int count, const MPI_Request requests[], int* index,
                                         int* flag, MPI_Status* status) {
  const char* fn = "MPI_Request_get_status_any";
  ZMPI_ENTER(fn);
  std::vector<Request*> rs;
  ZMPI_CHECK_ARG(nullptr, fn, LookupAll(count, const_cast<MPI_Request*>(requests), &rs));
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckPointer(index, "index"));
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckPointer(flag, "flag"));
  ProgressOnce();
  int i = FindComplete(rs);
  if (i == MPI_UNDEFINED) {  // no active request
    *flag = 1;
    *index = MPI_UNDEFINED;
    EmptyStatus(status);
  } else if (i < 0) {
    *flag = 0;
    *index = MPI_UNDEFINED;
  } else {
    *flag = 1;
    *index = i;
    StatusOf(rs[i], status);
  }
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Request_get_status_some(int incount, const MPI_Request requests[], int* outcount,
                                          int indices[], MPI_Status statuses[]) {
  const char* fn = "MPI_Request_get_status_some";
  ZMPI_ENTER(fn);
  std::vector<Request*> rs;
  ZMPI_CHECK_ARG(nullptr, fn, LookupAll(incount, const_cast<MPI_Request*>(requests), &rs));
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckPointer(outcount, "outcount"));
  ProgressOnce();
  int n = 0;
  bool any_active = false;
  for (int i = 0; i < incount; ++i) {
    if (rs[i] == nullptr) continue;
    any_active = true;
    if (!rs[i]->complete) continue;
    if (indices != nullptr) indices[n] = i;
    if (statuses != MPI_STATUSES_IGNORE) StatusOf(rs[i], &statuses[n]);
    ++n;
  }
  *outcount = any_active ? n : MPI_UNDEFINED;
  return MPI_SUCCESS;
}

static int DoProbe(const char* fn, int source, int tag, MPI_Comm comm, int* flag,
                   MPI_Status* status, bool block) {
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckRecvRank(*c, source));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckRecvTag(tag));
  if (source == MPI_PROC_NULL) {
    *flag = 1;
    if (status != MPI_STATUS_IGNORE) {  // MPI_ERROR untouched (MPI-4.1 3.2.5)
      int error = status->MPI_ERROR;
      EmptyStatus(status);
      status->MPI_SOURCE = MPI_PROC_NULL;
      status->MPI_ERROR = error;
    }
    return MPI_SUCCESS;
  }
  zmpi::core::Engine& engine = Runtime::Get()->engine();
  int src = 0, t = 0;
  size_t bytes = 0;
  ProgressLoop loop;
  engine.Progress();
  bool found = engine.Probe(c->p2p_context(), source, tag, &src, &t, &bytes);
  while (!found && block) {
    loop.Turn();
    found = engine.Probe(c->p2p_context(), source, tag, &src, &t, &bytes);
  }
  *flag = found;
  if (found && status != MPI_STATUS_IGNORE) {
    status->MPI_SOURCE = src;
    status->MPI_TAG = t;  // MPI_ERROR untouched (MPI-4.1 3.2.5)
    status->count_lo = static_cast<int>(bytes & 0xffffffffu);
    status->count_hi_and_cancelled = static_cast<int>((static_cast<uint64_t>(bytes) >> 32) << 1);
  }
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status* status) {
  ZMPI_ENTER("MPI_Probe");
  int flag = 0;
  return DoProbe("MPI_Probe", source, tag, comm, &flag, status, true);
}

ZMPI_API int PMPI_Iprobe(int source, int tag, MPI_Comm comm, int* flag, MPI_Status* status) {
  ZMPI_ENTER("MPI_Iprobe");
  return DoProbe("MPI_Iprobe", source, tag, comm, flag, status, false);
}

ZMPI_API int PMPI_Request_free(MPI_Request* request) {
  ZMPI_ENTER("MPI_Request_free");
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Request_free", Lookup(*request, &r));
  if (r == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Request_free",
                             zmpi::Error(Code::kRequest, "MPI_REQUEST_NULL cannot be freed"));
  }
  Comm* c = r->comm;
  Status s = zmpi::core::FreeRequest(r);
  *request = MPI_REQUEST_NULL;
  return zmpi::abi::Report(c, "MPI_Request_free", s);
}

ZMPI_API int PMPI_Cancel(MPI_Request* request) {
  ZMPI_ENTER("MPI_Cancel");
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Cancel", Lookup(*request, &r));
  if (r == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Cancel",
                             zmpi::Error(Code::kRequest, "MPI_REQUEST_NULL cannot be cancelled"));
  }
  return zmpi::abi::Report(r->comm, "MPI_Cancel", zmpi::core::Cancel(r));
}

ZMPI_API int PMPI_Test_cancelled(const MPI_Status* status, int* flag) {
  *flag = status->count_hi_and_cancelled & 1;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Start(MPI_Request* request) {
  ZMPI_ENTER("MPI_Start");
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Start", zmpi::abi::CheckPointer(request, "request"));
  ZMPI_CHECK_ARG(nullptr, "MPI_Start", Lookup(*request, &r));
  if (r == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Start",
                             zmpi::Error(Code::kRequest, "MPI_REQUEST_NULL cannot be started"));
  }
  return zmpi::abi::Report(r->comm, "MPI_Start", zmpi::core::Start(r));
}

// Every request is checked before any is started, so a bad handle starts nothing.
ZMPI_API int PMPI_Startall(int count, MPI_Request requests[]) {
  ZMPI_ENTER("MPI_Startall");
  if (count < 0) {
    return zmpi::abi::Report(nullptr, "MPI_Startall",
                             zmpi::Error(Code::kCount, "negative count %d", count));
  }
  if (count > 0) {
    ZMPI_CHECK_ARG(nullptr, "MPI_Startall", zmpi::abi::CheckPointer(requests, "request array"));
  }
  std::vector<Request*> rs(count);
  for (int i = 0; i < count; ++i) {
    ZMPI_CHECK_ARG(nullptr, "MPI_Startall", Lookup(requests[i], &rs[i]));
    if (rs[i] == nullptr || !rs[i]->persistent || rs[i]->active) {
      return zmpi::abi::Report(rs[i] ? rs[i]->comm : nullptr, "MPI_Startall",
                               zmpi::Error(Code::kRequest, "request %d is %s", i,
                                           rs[i] == nullptr     ? "MPI_REQUEST_NULL"
                                           : !rs[i]->persistent ? "not persistent"
                                                                : "already active"));
    }
  }
  for (int i = 0; i < count; ++i) {
    ZMPI_CHECK_ARG(rs[i]->comm, "MPI_Startall", zmpi::core::Start(rs[i]));
  }
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Grequest_start(MPI_Grequest_query_function* query_fn,
                                 MPI_Grequest_free_function* free_fn,
                                 MPI_Grequest_cancel_function* cancel_fn, void* extra_state,
                                 MPI_Request* request) {
  ZMPI_ENTER("MPI_Grequest_start");
  if (query_fn == nullptr || free_fn == nullptr || cancel_fn == nullptr || request == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Grequest_start",
                             zmpi::Error(Code::kArg, "a callback or the request is null"));
  }
  Request* r = zmpi::core::GrequestStart(query_fn, free_fn, cancel_fn, extra_state);
  *request = zmpi::core::RequestPool::ToHandle(r);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Grequest_complete(MPI_Request request) {
  ZMPI_ENTER("MPI_Grequest_complete");
  Request* r = zmpi::core::FindGeneralized(request);
  if (r == nullptr) {
    return zmpi::abi::Report(
        nullptr, "MPI_Grequest_complete",
        zmpi::Error(Code::kRequest, "0x%x is not a generalized request", request));
  }
  return zmpi::abi::Report(nullptr, "MPI_Grequest_complete", zmpi::core::GrequestComplete(r));
}

#include "mpi/abi/request_aliases.inc"
