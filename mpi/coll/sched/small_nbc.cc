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

// The extension of one small collective: its parts in flight and, for Iallreduce, what the
// last part's completion folds together.
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

  void SetReduction(int rank, MPI_Op op, const core::Datatype* base, size_t elements,
                    const void* own, void* out, const char* peer, size_t bytes) {
    reduce_ = true;
    rank_ = rank;
    op_ = op;
    base_ = base;
    elements_ = elements;
    own_ = own;
    out_ = out;
    peer_ = peer;
    bytes_ = bytes;
  }

  // The start's bracket: no part can complete the request before Launched().
  void Begin(Request* self) {
    self_ = self;
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
  void FailDeadPeers() override {
    Request* parts[kMaxParts];
    std::memcpy(parts, parts_, sizeof(parts));  // a failing part may end this object
    core::FailDeadPeers(parts, kMaxParts);
  }

 private:
  static void PartDone(Request* part);
  // One part (or the start) is over; the last one finishes the operation.
  void Release();

  Request* self_ = nullptr;
  Request* parts_[kMaxParts] = {};
  int parts_used_ = 0;
  int pending_ = 0;
  Status error_;

  bool reduce_ = false;
  int rank_ = 0;
  MPI_Op op_ = MPI_OP_NULL;
  const core::Datatype* base_ = nullptr;
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
  if (reduce_ && error_.ok()) {
    // Rank order: the result is (rank 0's vector) op (rank 1's) on both ranks.
    if (rank_ == 0) {
      char* peer = const_cast<char*>(peer_);  // this object's room
      Fail(core::ApplyOp(op_, *base_, own_, peer, elements_));
      std::memcpy(out_, peer, bytes_);
    } else {
      if (own_ != out_) std::memcpy(out_, own_, bytes_);
      Fail(core::ApplyOp(op_, *base_, peer_, out_, elements_));
    }
  }
  self_->error = std::move(error_);
  core::Runtime::Get()->engine().Complete(self_);
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

bool SmallIallreduceFits(const core::Comm& comm, int64_t count, const core::Datatype& type,
                         const core::Datatype& base, MPI_Op op) {
  return !comm.is_inter() && comm.size() == 2 && core::IsPredefinedOp(op) &&
         SmallData(count, type) && &base == &type;  // a predefined type is its own base
}

bool SmallIbcastFits(const core::Comm& comm, int64_t count, const core::Datatype& type) {
  return !comm.is_inter() && comm.size() >= 2 && comm.size() <= kSmallBcastRanks &&
         SmallData(count, type);
}

StatusOr<core::Request*> SmallIallreduce(core::Comm& comm, const void* sendbuf, void* recvbuf,
                                         int64_t count, const core::Datatype& type,
                                         const core::Datatype& base, MPI_Op op) {
  const int tag = comm.NextCollTag();
  const int peer = 1 - comm.rank();
  const size_t bytes = static_cast<size_t>(count) * type.size;
  const void* own = sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
  auto ext = std::make_unique<SmallExt>();
  SmallExt& e = *ext;
  Request* r = core::NewCollective(comm, std::move(ext), false);
  e.Begin(r);
  char* room = e.PeerRoom(bytes);
  e.SetReduction(comm.rank(), op, &base, bytes / base.size, own, recvbuf, room, bytes);
  RecvPart(comm, e, peer, tag, room, bytes);
  // In place the vector leaves from recvbuf: nothing writes there before every part is done.
  SendPart(comm, e, peer, tag, own, bytes);
  e.Launched();
  return r;
}

StatusOr<core::Request*> SmallIbcast(core::Comm& comm, void* buf, int64_t count,
                                     const core::Datatype& type, int root) {
  const int tag = comm.NextCollTag();
  const size_t bytes = static_cast<size_t>(count) * type.size;
  auto ext = std::make_unique<SmallExt>();
  SmallExt& e = *ext;
  Request* r = core::NewCollective(comm, std::move(ext), false);
  e.Begin(r);
  if (comm.rank() == root) {
    // A flat tree: with this few ranks one eager frame each beats a second hop.
    for (int i = 1; i < comm.size(); ++i) {
      SendPart(comm, e, (root + i) % comm.size(), tag, buf, bytes);
    }
  } else {
    RecvPart(comm, e, root, tag, buf, bytes);
  }
  e.Launched();
  return r;
}

}  // namespace zmpi::coll::sched
