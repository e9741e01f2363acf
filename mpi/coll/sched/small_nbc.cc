#include "mpi/coll/sched/small_nbc.h"

#include <cstring>
#include <memory>
#include <new>
#include <utility>

#include "mpi/core/coll_request.h"
#include "mpi/core/engine.h"
#include "mpi/core/op.h"
#include "mpi/core/p2p.h"
#include "mpi/core/request_ext.h"
#include "mpi/core/runtime.h"

namespace zmpi::coll::sched {
namespace {

using core::Request;

// The extension of one small collective: what the fold needs (Iallreduce), and the parts in
// flight when a send could not leave at once.
//
// Two ways to run. Direct (the usual one): every send left at the start, so the only thing
// to wait for is the peer's frame, and the collective request itself is the posted receive
// (matched on its context, rank and tag like any receive, into the room here or the user's
// buffer); its on_complete hook (DirectDone) folds and the request is done. No second request,
// no part to adopt and release. With parts: a send went out as an Isend (the peer's ring was
// full, a backlog, another transport); then the receive is a part too, and the last part to
// complete folds and completes the request.
class SmallExt final : public core::CollectiveExt {
 public:
  static constexpr int kMaxParts = kSmallBcastRanks;  // the root of a bcast: a send per peer
  static constexpr size_t kInlineBytes = 256;

  // Blocks of freed extensions are kept for the next start, so a start allocates nothing but
  // what core's request pool already holds. Entry points hold the library lock under
  // MPI_THREAD_MULTIPLE (threads.h), so a plain list is enough.
  static void* operator new(size_t size);
  static void operator delete(void* block);

  // Room for the peer's vector (Iallreduce).
  char* PeerRoom(size_t bytes) {
    if (bytes <= kInlineBytes) return inline_;
    heap_.reset(new char[bytes]);
    return heap_.get();
  }

  void SetReduction(int rank, core::ReduceFn fn, size_t elements, const void* own, void* out,
                    const char* peer, size_t bytes) {
    fn_ = fn;
    rank_ = rank;
    elements_ = elements;
    own_ = own;
    out_ = out;
    peer_ = peer;
    bytes_ = bytes;
  }

  // Direct: `self` waits for one message from world rank `peer` into `buf`.
  void PostDirect(Request* self, const core::Comm& comm, int rank, int peer, int tag, void* buf,
                  size_t bytes);
  // With parts: the start's bracket, so no part can complete the request before Launched().
  void BeginParts(Request* self) {
    self_ = self;
    with_parts_ = true;
    pending_ = 1;
  }
  // A posted send or receive: the request waits for it (the hook may run at once).
  void AddPart(StatusOr<Request*> part);
  // An error at start (nothing was posted for it).
  void Fail(Status error) {
    if (error_.ok()) error_ = std::move(error);
  }
  void Launched() { Release(); }

  bool Advance(Status* error) override {
    if (pending_ > 0) return false;
    *error = error_;
    return true;
  }
  void Rewind() override {}  // never persistent
  void FailDeadPeers() override;

 private:
  static void PartDone(Request* part);
  static void DirectDone(Request* self);
  // One part (or the start) is over; the last one finishes the operation.
  void Release();
  // Rank order: the result is (rank 0's vector) op (rank 1's) on both ranks.
  void Fold() {
    if (fn_ == nullptr) return;  // a bcast
    if (rank_ == 0) {
      char* peer = const_cast<char*>(peer_);  // this object's room
      fn_(own_, peer, elements_);
      std::memcpy(out_, peer, bytes_);
    } else {
      if (own_ != out_) std::memcpy(out_, own_, bytes_);
      fn_(peer_, out_, elements_);
    }
  }

  Request* self_ = nullptr;
  bool with_parts_ = false;
  Request* parts_[kMaxParts] = {};
  int parts_used_ = 0;
  int pending_ = 0;
  Status error_;

  core::ReduceFn fn_ = nullptr;  // Iallreduce's fold; nullptr for a bcast
  int rank_ = 0;
  size_t elements_ = 0;
  const void* own_ = nullptr;
  void* out_ = nullptr;
  const char* peer_ = nullptr;
  size_t bytes_ = 0;
  std::unique_ptr<char[]> heap_;
  alignas(std::max_align_t) char inline_[kInlineBytes];
};

struct FreeBlock {
  FreeBlock* next;
};
FreeBlock* g_free_blocks = nullptr;
int g_free_count = 0;
constexpr int kKeptBlocks = 16;

void* SmallExt::operator new(size_t size) {
  if (g_free_blocks != nullptr && size <= sizeof(SmallExt)) {
    FreeBlock* b = g_free_blocks;
    g_free_blocks = b->next;
    --g_free_count;
    return b;
  }
  return ::operator new(size);
}

void SmallExt::operator delete(void* block) {
  if (g_free_count < kKeptBlocks) {
    g_free_blocks = new (block) FreeBlock{g_free_blocks};
    ++g_free_count;
    return;
  }
  ::operator delete(block);
}

void SmallExt::AddPart(StatusOr<Request*> part) {
  if (!part.ok()) {
    Fail(part.status());
    return;
  }
  const int i = parts_used_++;
  parts_[i] = *part;
  ++pending_;
  core::Adopt(*part, self_, static_cast<uint32_t>(i), PartDone);
}

void SmallExt::PartDone(Request* part) {
  auto& e = static_cast<SmallExt&>(*part->parent->ext);
  e.parts_[part->part] = nullptr;
  if (!part->error.ok()) e.Fail(part->error);
  e.Release();
}

// Runs inside progress (maybe inside a transport callback): the fold is a predefined op, no
// MPI call. Completing the request is the last thing: a request the user freed is released
// by it, with this object.
void SmallExt::Release() {
  if (--pending_ > 0) return;
  if (error_.ok()) Fold();
  self_->error = std::move(error_);
  core::Runtime::Get()->engine().Complete(self_);
}

void SmallExt::PostDirect(Request* self, const core::Comm& comm, int rank, int peer, int tag,
                          void* buf, size_t bytes) {
  self_ = self;
  self->context = comm.coll_context();
  self->rank = rank;
  self->tag = tag;
  self->peer = peer;
  self->recv_buf = buf;
  self->bytes = bytes;
  self->on_complete = DirectDone;
  // A message already here completes the request (and folds) at once.
  Status posted = core::Runtime::Get()->engine().StartRecv(self);
  if (!posted.ok()) {
    self->error = std::move(posted);
    core::Runtime::Get()->engine().Complete(self);
  }
}

// The hook of a direct request, inside Engine::Complete (after `complete` is set, before a
// request the user freed is released): the message is in, the fold is all that is left.
void SmallExt::DirectDone(Request* self) {
  self->status_bytes = 0;  // a collective's status is empty
  if (self->error.ok()) static_cast<SmallExt&>(*self->ext).Fold();
}

void SmallExt::FailDeadPeers() {
  if (with_parts_) {
    Request* parts[kMaxParts];
    std::memcpy(parts, parts_, sizeof(parts));  // a failing part may end this object
    core::FailDeadPeers(parts, kMaxParts);
    return;
  }
  core::Engine& engine = core::Runtime::Get()->engine();
  if (self_ == nullptr || self_->complete || engine.PeerAlive(self_->peer)) return;
  engine.CancelRecv(self_);
  self_->error = Error(Code::kProcAborted, "rank %d (world) died", self_->peer);
  engine.Complete(self_);
}

// An eager frame of the call's tag to `peer`: at once without a request when the endpoint
// takes it, else an Isend that becomes a part.
void SendPart(core::Comm& comm, SmallExt& e, int peer, int tag, const void* buf, size_t bytes) {
  core::Engine& engine = core::Runtime::Get()->engine();
  StatusOr<bool> sent =
      engine.TrySendNow(comm.WorldRank(peer), comm.coll_context(), comm.rank(), tag, buf, bytes);
  if (!sent.ok()) {
    e.Fail(sent.status());
    return;
  }
  if (*sent) return;
  core::SendArgs a{buf, bytes, peer, tag, &comm};
  a.channel = core::Channel::kColl;
  e.AddPart(core::Isend(a));
}

void RecvPart(core::Comm& comm, SmallExt& e, int peer, int tag, void* buf, size_t bytes) {
  core::RecvArgs a{buf, bytes, peer, tag, &comm};
  a.channel = core::Channel::kColl;
  e.AddPart(core::Irecv(a));
}

// A predefined type (derived ones, even contiguous, take the general path) of plain bytes.
bool SmallData(int64_t count, const core::Datatype& type) {
  return type.type == nullptr && type.contiguous && type.true_lb == 0 && count > 0 &&
         static_cast<size_t>(count) <= kSmallBytes / (type.size > 0 ? type.size : 1);
}

}  // namespace

core::ReduceFn SmallIallreduceFits(const core::Comm& comm, int64_t count,
                                   const core::Datatype& type, const core::Datatype& base,
                                   MPI_Op op) {
  if (comm.is_inter() || comm.size() != 2 || &base != &type || !SmallData(count, type)) {
    return nullptr;  // a predefined type is its own base
  }
  return core::FindReduceFn(op, type);
}

bool SmallIbcastFits(const core::Comm& comm, int64_t count, const core::Datatype& type) {
  return !comm.is_inter() && comm.size() >= 2 && comm.size() <= kSmallBcastRanks &&
         SmallData(count, type);
}

StatusOr<core::Request*> SmallIallreduce(core::Comm& comm, const void* sendbuf, void* recvbuf,
                                         int64_t count, const core::Datatype& type,
                                         core::ReduceFn fold) {
  const int tag = comm.NextCollTag();
  const int peer = 1 - comm.rank();
  const size_t bytes = static_cast<size_t>(count) * type.size;
  const void* own = sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
  auto ext = std::make_unique<SmallExt>();
  SmallExt& e = *ext;
  char* room = e.PeerRoom(bytes);
  e.SetReduction(comm.rank(), fold, static_cast<size_t>(count), own, recvbuf, room, bytes);
  Request* r = core::NewCollective(comm, std::move(ext), false);
  // The frame leaves first, so the peer waits the least. In place it leaves from recvbuf:
  // nothing writes there before the peer's vector is in.
  core::Engine& engine = core::Runtime::Get()->engine();
  const int world_peer = comm.WorldRank(peer);
  StatusOr<bool> sent =
      engine.TrySendNow(world_peer, comm.coll_context(), comm.rank(), tag, own, bytes);
  if (sent.ok() && *sent) [[likely]] {
    e.PostDirect(r, comm, peer, world_peer, tag, room, bytes);
    return r;
  }
  e.BeginParts(r);
  if (!sent.ok()) {
    e.Fail(sent.status());
  } else {
    SendPart(comm, e, peer, tag, own, bytes);
  }
  RecvPart(comm, e, peer, tag, room, bytes);
  e.Launched();
  return r;
}

StatusOr<core::Request*> SmallIbcast(core::Comm& comm, void* buf, int64_t count,
                                     const core::Datatype& type, int root) {
  const int tag = comm.NextCollTag();
  const size_t bytes = static_cast<size_t>(count) * type.size;
  core::Engine& engine = core::Runtime::Get()->engine();
  const int size = comm.size();
  if (comm.rank() != root) {
    auto ext = std::make_unique<SmallExt>();
    SmallExt& e = *ext;
    Request* r = core::NewCollective(comm, std::move(ext), false);
    e.PostDirect(r, comm, root, comm.WorldRank(root), tag, buf, bytes);
    return r;
  }
  // A flat tree: with this few ranks one eager frame each beats a second hop. When every
  // frame left at once the request is done at the start and needs no extension.
  int i = 1;
  Status error;
  for (; i < size; ++i) {
    const int peer = (root + i) % size;
    StatusOr<bool> sent =
        engine.TrySendNow(comm.WorldRank(peer), comm.coll_context(), comm.rank(), tag, buf, bytes);
    if (!sent.ok()) {
      error = sent.status();
      ++i;  // nothing more goes to that peer
      break;
    }
    if (!*sent) break;
  }
  if (i == size && error.ok()) {
    Request* r = core::NewCollective(comm, nullptr, false);
    engine.Complete(r);
    return r;
  }
  auto ext = std::make_unique<SmallExt>();
  SmallExt& e = *ext;
  Request* r = core::NewCollective(comm, std::move(ext), false);
  e.BeginParts(r);
  if (!error.ok()) e.Fail(std::move(error));
  for (; i < size; ++i) SendPart(comm, e, (root + i) % size, tag, buf, bytes);
  e.Launched();
  return r;
}

}  // namespace zmpi::coll::sched
