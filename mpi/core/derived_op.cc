#include "mpi/core/derived_op.h"

#include <cstring>

#include "mpi/core/comm.h"
#include "mpi/core/request.h"
#include "mpi/core/runtime.h"
#include "mpi/datatype/external32.h"
#include "mpi/datatype/layout.h"

namespace zmpi::core {
namespace {

int64_t Bytes(int64_t count, const Datatype& t) { return count * static_cast<int64_t>(t.size); }

// Blocking sends up to this size pack into a buffer on the stack (no allocation).
constexpr size_t kSmallStaging = 2048;

std::unique_ptr<char[]> Staging(int64_t bytes) {
  return std::unique_ptr<char[]>(new char[bytes > 0 ? static_cast<size_t>(bytes) : 1]);
}

}  // namespace

namespace {

// Freed DerivedOps of this thread, reused by the next ones (at most kKeep). Ops freed after
// the thread's list is gone (static destructors at exit) go straight back to the heap.
struct FreeOps {
  static constexpr size_t kKeep = 64;
  void* blocks[kKeep];
  size_t n = 0;
  bool gone = false;
  ~FreeOps() {
    while (n > 0) ::operator delete(blocks[--n]);
    gone = true;
  }
};
thread_local FreeOps free_ops;

}  // namespace

void* DerivedOp::operator new(size_t bytes) {
  if (bytes == sizeof(DerivedOp) && free_ops.n > 0) return free_ops.blocks[--free_ops.n];
  return ::operator new(bytes);
}

void DerivedOp::operator delete(void* p) {
  if (p == nullptr) return;
  if (free_ops.n < FreeOps::kKeep && !free_ops.gone) {
    free_ops.blocks[free_ops.n++] = p;
    return;
  }
  ::operator delete(p);
}

void PackTyped(const void* buf, int64_t count, const Datatype& t, void* packed) {
  const int64_t n = Bytes(count, t);
  if (n == 0) return;
  if (t.contiguous) {
    memcpy(packed, static_cast<const char*>(buf) + t.true_lb, static_cast<size_t>(n));
    return;
  }
  datatype::Pack(t.type->layout(), t.type->extent(), buf, count, 0, n, packed);
}

void UnpackTyped(const void* packed, int64_t bytes, void* buf, int64_t count, const Datatype& t) {
  int64_t n = std::min(bytes, Bytes(count, t));
  if (n <= 0) return;
  if (t.contiguous) {
    memcpy(static_cast<char*>(buf) + t.true_lb, packed, static_cast<size_t>(n));
    return;
  }
  datatype::Unpack(t.type->layout(), t.type->extent(), buf, count, 0, n, packed);
}

namespace {

// Most runs a layout RTS carries (its payload must fit one frame and stay cheap to walk).
constexpr uint32_t kMaxLayoutRuns = 64;

// The lazy form of a send (kRts with the layout, packing only if the receiver cannot read our
// memory), or nullptr when the plain staging copy is the better deal: small messages (eager),
// small pieces, long layouts.
std::unique_ptr<DerivedOp> LazySend(const void* buf, int64_t count, const Datatype& t,
                                    const SendArgs& a) {
  Runtime* rt = Runtime::Get();
  const Config& config = rt->config();
  const datatype::Layout& layout = t.type->layout();
  const int peer = a.comm->WorldRank(a.dest);
  const size_t payload = sizeof(LayoutHeader) + layout.runs().size() * sizeof(LayoutRun);
  // From the rendezvous size up (not single_copy_min): the receiver reads a derived message
  // in one copy wherever it can (Engine::StartRendezvousRecv).
  if (!config.single_copy || a.bytes <= rt->engine().EagerLimit(peer) ||
      layout.runs().size() > kMaxLayoutRuns ||
      layout.pieces() == 0 || layout.size() / layout.pieces() < kDirectMinPiece ||
      payload > rt->engine().MaxPayload(peer)) {
    return nullptr;
  }
  auto op = std::make_unique<DerivedOp>();
  op->type = datatype::TypeRef(t.type);
  op->user_buf = const_cast<void*>(buf);
  op->count = count;
  op->lazy = true;
  op->rts.reset(new char[payload]);
  op->rts_len = payload;
  LayoutHeader h{t.type->extent(),
                 count,
                 layout.reps(),
                 layout.rep_stride(),
                 static_cast<uint32_t>(layout.runs().size()),
                 0};
  memcpy(op->rts.get(), &h, sizeof(h));
  char* at = op->rts.get() + sizeof(h);
  for (const datatype::Run& r : layout.runs()) {
    LayoutRun w{r.offset, r.len, r.count0, r.stride0, r.count1, r.stride1};
    memcpy(at, &w, sizeof(w));
    at += sizeof(w);
  }
  return op;
}

// A send's state when it packs as its data leave (no layout RTS).
std::unique_ptr<DerivedOp> SendState(const void* buf, int64_t count, const Datatype& t) {
  auto op = std::make_unique<DerivedOp>();
  op->type = datatype::TypeRef(t.type);
  op->user_buf = const_cast<void*>(buf);
  op->count = count;
  return op;
}

}  // namespace

void PackDerivedSend(Request* r) {
  DerivedOp& op = *r->derived;
  if (op.staging) return;
  const datatype::Type& t = *op.type;
  op.staging = Staging(op.count * t.size());
  datatype::Pack(t.layout(), t.extent(), op.user_buf, op.count, 0, op.count * t.size(),
                 op.staging.get());
  r->send_buf = op.staging.get();
}

void WritePacked(void* source, void* to, size_t len) {
  const PackSource& s = *static_cast<const PackSource*>(source);
  datatype::Pack(s.type->layout(), s.type->extent(), s.buf, s.count, s.pos,
                 static_cast<int64_t>(len), to);
}

void UnpackAt(const DerivedOp& op, int64_t pos, const void* from, size_t n) {
  if (n == 0) return;
  const datatype::Type& t = *op.type;
  datatype::Unpack(t.layout(), t.extent(), op.user_buf, op.count, pos, static_cast<int64_t>(n),
                   from);
}

char* RecvStaging(DerivedOp& op) {
  if (!op.staging) op.staging = Staging(static_cast<int64_t>(Capacity(op)));
  return op.staging.get();
}

Status ReadFromLayout(transport::Endpoint& endpoint, int peer, const FrameHeader& header,
                      const void* payload, size_t len, Request* r, size_t bytes) {
  LayoutHeader h;
  if (len < sizeof(h)) return Error(Code::kIntern, "layout RTS of %zu bytes", len);
  memcpy(&h, payload, sizeof(h));
  if (len != sizeof(h) + h.runs * sizeof(LayoutRun)) {
    return Error(Code::kIntern, "layout RTS of %zu bytes for %u runs", len, h.runs);
  }
  std::vector<datatype::Run> runs(h.runs);
  const char* at = static_cast<const char*>(payload) + sizeof(h);
  for (datatype::Run& run : runs) {
    LayoutRun w;
    memcpy(&w, at, sizeof(w));
    at += sizeof(w);
    run = datatype::Run{w.offset, w.len, w.count0, w.stride0, w.count1, w.stride1};
  }
  const datatype::Layout remote = datatype::Layout::FromRuns(std::move(runs), h.reps, h.rep_stride);
  const void* remote_buf = reinterpret_cast<const void*>(header.addr);
  // Local side: the receive's own layout when it reads direct, else its (staging) buffer.
  DerivedOp* op = r->derived;
  const bool direct = op != nullptr && op->direct;
  constexpr size_t kBatch = 64;
  iovec liov[kBatch], riov[kBatch];
  const int64_t end = static_cast<int64_t>(bytes);
  int64_t pos = 0;
  while (pos < end) {
    int64_t rpos = pos;
    size_t nr =
        datatype::Segments(remote, h.extent, remote_buf, h.count, &rpos, end - pos, riov, kBatch);
    size_t nl = 1;
    if (direct) {
      const datatype::Type& t = *op->type;
      int64_t lpos = pos;
      nl = datatype::Segments(t.layout(), t.extent(), op->user_buf, op->count, &lpos, rpos - pos,
                              liov, kBatch);
      if (lpos < rpos) {  // the local list filled first: cut the remote one to match
        rpos = pos;
        nr = datatype::Segments(remote, h.extent, remote_buf, h.count, &rpos, lpos - pos, riov,
                                kBatch);
      }
    } else {
      liov[0].iov_base = static_cast<char*>(r->recv_buf) + pos;
      liov[0].iov_len = static_cast<size_t>(rpos - pos);
    }
    if (nr == 0 || rpos == pos) break;
    ZMPI_RETURN_IF_ERROR(endpoint.ReadVV(peer, liov, nl, riov, nr));
    pos = rpos;
  }
  if (direct) op->landed = true;
  return OkStatus();
}

StatusOr<Request*> IsendTyped(const void* buf, int64_t count, const Datatype& t, SendArgs a) {
  a.type = nullptr;  // from here on the args describe bytes
  a.bytes = static_cast<size_t>(Bytes(count, t));
  if (t.contiguous || a.dest == MPI_PROC_NULL || a.bytes == 0) {
    a.buf = static_cast<const char*>(buf) + t.true_lb;
    return Isend(a);
  }
  std::unique_ptr<DerivedOp> op = LazySend(buf, count, t, a);
  if (!op) op = SendState(buf, count, t);
  a.buf = nullptr;  // no packed bytes yet: Engine::StartSendTyped packs as the data leave
  StatusOr<Request*> r = IsendDerived(a, op.get());
  if (r.ok()) op.release();  // the request owns it (Engine::Complete frees it)
  return r;
}

Status SendTyped(const void* buf, int64_t count, const Datatype& t, SendArgs a) {
  a.type = nullptr;  // from here on the args describe bytes
  a.bytes = static_cast<size_t>(Bytes(count, t));
  if (t.contiguous || a.dest == MPI_PROC_NULL || a.bytes == 0) {
    a.buf = static_cast<const char*>(buf) + t.true_lb;
    return Send(a);
  }
  Runtime* rt = Runtime::Get();
  const int peer = a.comm->WorldRank(a.dest);
  if (a.mode != SendMode::kSync && a.bytes <= rt->engine().EagerLimit(peer)) {
    // Packed straight into the transport's frame, no request, when it takes it now.
    const Comm& comm = *a.comm;
    PackSource source{t.type, buf, count, 0};
    transport::PayloadWriter writer{WritePacked, &source};
    ZMPI_ASSIGN_OR_RETURN(
        bool sent, rt->engine().TrySendWritten(
                       peer, a.channel == Channel::kUser ? comm.p2p_context() : comm.coll_context(),
                       comm.rank(), a.tag, a.bytes, writer));
    if (sent) return OkStatus();
  } else {
    // A rendezvous (or synchronous) send: through a request that packs as the data leave.
    std::unique_ptr<DerivedOp> op = LazySend(buf, count, t, a);
    if (!op) op = SendState(buf, count, t);
    a.buf = nullptr;
    StatusOr<Request*> r = IsendDerived(a, op.get());
    if (!r.ok()) return r.status();
    op.release();
    return Wait(*r, nullptr);
  }
  // No room in the transport now: small messages pack on the stack and queue as any send.
  alignas(16) char small[kSmallStaging];
  std::unique_ptr<char[]> staging;
  char* to = small;
  if (a.bytes > sizeof(small)) {
    staging = Staging(static_cast<int64_t>(a.bytes));
    to = staging.get();
  }
  PackTyped(buf, count, t, to);
  a.buf = to;
  return Send(a);
}

std::unique_ptr<DerivedOp> RecvState(void* buf, int64_t count, const Datatype& t) {
  auto op = std::make_unique<DerivedOp>();
  op->type = datatype::TypeRef(t.type);
  op->user_buf = buf;
  op->count = count;
  const datatype::Layout& layout = t.type->layout();
  op->direct = layout.pieces() > 0 && layout.size() / layout.pieces() >= kDirectMinPiece;
  return op;
}

StatusOr<Request*> IrecvTyped(void* buf, int64_t count, const Datatype& t, RecvArgs a) {
  a.type = nullptr;  // from here on the args describe bytes
  a.bytes = static_cast<size_t>(Bytes(count, t));
  a.type_size = t.size > 0 ? t.size : 1;
  if (t.contiguous || a.source == MPI_PROC_NULL || a.bytes == 0) {
    a.buf = static_cast<char*>(buf) + t.true_lb;
    return Irecv(a);
  }
  std::unique_ptr<DerivedOp> op = RecvState(buf, count, t);
  a.buf = nullptr;
  a.bytes = 0;  // the capacity lives in `op`: every nonempty message takes the cold branch
  StatusOr<Request*> r = IrecvDerived(a, op.get());
  if (r.ok()) op.release();  // the request owns it now (Engine::Complete frees it)
  return r;
}

namespace {
datatype::TypeRef EngineType(const Datatype& t) {
  return Runtime::Get()->datatypes().TypeOf(t.handle);
}
}  // namespace

int64_t External32Bytes(int64_t count, const Datatype& t) {
  return count * EngineType(t)->external_size();
}

Status PackExternal32(const void* buf, int64_t count, const Datatype& t, void* out) {
  datatype::TypeRef type = EngineType(t);
  std::unique_ptr<char[]> native = Staging(Bytes(count, t));
  PackTyped(buf, count, t, native.get());
  if (!datatype::ToExternal32(*type, count, native.get(), out)) {
    return Error(Code::kConversion, "datatype 0x%x has no external32 representation", t.handle);
  }
  return OkStatus();
}

Status UnpackExternal32(const void* in, int64_t count, const Datatype& t, void* buf) {
  datatype::TypeRef type = EngineType(t);
  std::unique_ptr<char[]> native = Staging(Bytes(count, t));
  if (!datatype::FromExternal32(*type, count, in, native.get())) {
    return Error(Code::kConversion, "datatype 0x%x has no external32 representation", t.handle);
  }
  UnpackTyped(native.get(), Bytes(count, t), buf, count, t);
  return OkStatus();
}

Status ReadIntoLayout(transport::Endpoint& endpoint, int peer, uint64_t remote_addr, Request* r,
                      size_t bytes) {
  DerivedOp& op = *r->derived;
  const datatype::Type& t = *op.type;
  constexpr size_t kBatch = 64;  // iovecs per read
  iovec iov[kBatch];
  int64_t pos = 0;
  const int64_t end = static_cast<int64_t>(bytes);
  while (pos < end) {
    const int64_t from = pos;
    size_t n = datatype::Segments(t.layout(), t.extent(), op.user_buf, op.count, &pos, end - pos,
                                  iov, kBatch);
    if (n == 0) break;
    ZMPI_RETURN_IF_ERROR(endpoint.ReadV(peer, remote_addr + static_cast<uint64_t>(from), iov, n));
  }
  op.landed = true;
  return OkStatus();
}

void FinishDerived(Request* r) {
  std::unique_ptr<DerivedOp> op(r->derived);
  r->derived = nullptr;
  if (r->kind != RequestKind::kRecv || !op->type || r->cancelled || op->landed || !op->staging) {
    return;
  }
  const datatype::Type& t = *op->type;
  int64_t n = std::min<int64_t>(static_cast<int64_t>(r->status_bytes), op->count * t.size());
  if (n > 0)
    datatype::Unpack(t.layout(), t.extent(), op->user_buf, op->count, 0, n, op->staging.get());
}

}  // namespace zmpi::core
