// MPI_Comm_idup: the context agreement of DupComm as a PendingOp that advances during
// progress, so the call returns at once and the request completes while the program does
// other work. One round: every member offers its free ids and sends the offer to the root
// (rank 0 of the communicator, or of the local group of an intercommunicator), which ANDs the
// offers; an intercommunicator's two roots swap their ANDs over the intercommunicator itself.
// The root sends back the lowest common id (and, for an intercommunicator, the lowest other
// id of its group for the new local communicator). A member offers (and reserves, so no other
// agreement of this process takes those ids meanwhile) only while it holds the pool's
// reservation (ContextPool::TryHold: the pending agreement with the lowest key); otherwise it
// offers nothing. An empty result releases and starts another round.
#include "mpi/core/comm_ops.h"
#include "mpi/core/context_agreement.h"
#include "mpi/core/p2p.h"
#include "mpi/core/pending_op.h"
#include "mpi/core/request.h"
#include "mpi/core/runtime.h"

namespace zmpi::core {
namespace {

constexpr size_t kBitsBytes = ContextPool::kWords * sizeof(uint64_t);

class IdupOp final : public PendingOp {
 public:
  IdupOp(Comm& parent, const Info* info, MPI_Comm* out, Request* request)
      : parent_(parent),
        group_(parent.is_inter() ? *parent.local_comm() : parent),
        out_(out),
        request_(request),
        tag_(group_.NextCollTag()),
        bridge_tag_(parent.is_inter() ? parent.NextCollTag() : tag_),
        key_((uint64_t{parent.p2p_context()} << 32) | static_cast<uint32_t>(bridge_tag_)) {
    if (info != nullptr) {
      info_ = *info;
      has_info_ = true;
    }
    Runtime::Get()->contexts().AddPending(key_);
  }
  ~IdupOp() override {
    Runtime* rt = Runtime::Get();
    if (rt == nullptr) return;
    if (holding_) {
      rt->contexts().Unreserve(offer_);
      rt->contexts().EndHold();
    }
    rt->contexts().RemovePending(key_);
  }

  Status StartRound() {
    ContextPool& pool = Runtime::Get()->contexts();
    holding_ = pool.TryHold(key_);
    if (holding_) {
      offer_ = pool.Offer();
      pool.Reserve(offer_);
    } else {
      offer_.assign(ContextPool::kWords, 0);
    }
    const int n = group_.size();
    result_[0] = result_[1] = -1;
    if (group_.rank() != 0) {
      phase_ = Phase::kResult;
      ZMPI_RETURN_IF_ERROR(Start(Isend(
          {offer_.data(), kBitsBytes, 0, tag_, &group_, SendMode::kStandard, Channel::kColl})));
      return Start(Irecv({result_, sizeof(result_), 0, tag_, &group_, Channel::kColl, 1}));
    }
    phase_ = Phase::kGather;
    offers_.assign(static_cast<size_t>(n) * ContextPool::kWords, 0);
    for (int r = 1; r < n; ++r) {
      ZMPI_RETURN_IF_ERROR(Start(Irecv(
          {&offers_[r * ContextPool::kWords], kBitsBytes, r, tag_, &group_, Channel::kColl, 1})));
    }
    return OkStatus();
  }

  bool Advance() override {
    for (Request* r : pending_) {
      if (!r->complete) return false;
    }
    Status error = FinishPending();
    while (error.ok() && pending_.empty() && phase_ != Phase::kResult) error = Step();
    if (error.ok() && !pending_.empty()) return false;
    ContextPool& pool = Runtime::Get()->contexts();
    if (holding_) {
      pool.Unreserve(offer_);
      pool.EndHold();
      holding_ = false;
    }
    if (error.ok() && result_[0] < 0) {
      error = StartRound();
      if (error.ok()) return false;
    }
    if (error.ok() && parent_.is_inter() && result_[1] < 0) {
      error = Error(Code::kIntern, "no context id left for the local group");
    }
    if (error.ok()) {
      pool.Take(static_cast<uint32_t>(result_[0]));
      if (parent_.is_inter()) pool.Take(static_cast<uint32_t>(result_[1]));
      Comm* dup =
          MakeDup(parent_, static_cast<uint32_t>(result_[0]),
                  static_cast<uint32_t>(std::max(result_[1], 0)), has_info_ ? &info_ : nullptr);
      *out_ = dup->handle();
    }
    request_->error = std::move(error);
    Runtime::Get()->engine().Complete(request_);
    return true;
  }

 private:
  // kGather: the root waits for its group's offers; kBridge: for the other root's AND;
  // kResult: members wait for (and the root sends) the result.
  enum class Phase { kGather, kBridge, kResult };

  Status Start(StatusOr<Request*> r) {
    if (!r.ok()) return r.status();
    pending_.push_back(*r);
    return OkStatus();
  }

  Status FinishPending() {
    Status error;
    for (Request* r : pending_) {
      Status s = Finish(r, nullptr);
      if (error.ok()) error = std::move(s);
    }
    pending_.clear();
    return error;
  }

  // The root's next step once the current phase's messages are done.
  Status Step() {
    if (phase_ == Phase::kGather) {
      group_and_ = offer_;
      for (int r = 1; r < group_.size(); ++r) {
        ContextPool::Bits theirs(offers_.begin() + r * ContextPool::kWords,
                                 offers_.begin() + (r + 1) * ContextPool::kWords);
        ContextPool::And(group_and_, theirs);
      }
      if (parent_.is_inter()) {
        phase_ = Phase::kBridge;
        remote_and_.assign(ContextPool::kWords, 0);
        ZMPI_RETURN_IF_ERROR(Start(
            Irecv({remote_and_.data(), kBitsBytes, 0, bridge_tag_, &parent_, Channel::kColl, 1})));
        return Start(Isend({group_and_.data(), kBitsBytes, 0, bridge_tag_, &parent_,
                            SendMode::kStandard, Channel::kColl}));
      }
      remote_and_ = group_and_;
    }
    // kBridge done (or an intracommunicator): decide and tell the group.
    ContextPool::Bits both = group_and_;
    ContextPool::And(both, remote_and_);
    result_[0] = static_cast<int>(ContextPool::Lowest(both));
    if (result_[0] >= 0 && parent_.is_inter()) {
      ContextPool::Bits rest = group_and_;
      rest[(result_[0] / 2) / 64] &= ~(uint64_t{1} << ((result_[0] / 2) % 64));
      result_[1] = static_cast<int>(ContextPool::Lowest(rest));
    }
    phase_ = Phase::kResult;
    for (int r = 1; r < group_.size(); ++r) {
      ZMPI_RETURN_IF_ERROR(Start(Isend(
          {result_, sizeof(result_), r, tag_, &group_, SendMode::kStandard, Channel::kColl})));
    }
    return OkStatus();
  }

  Comm& parent_;
  Comm& group_;  // the parent, or an intercommunicator's local group
  MPI_Comm* out_;
  Request* request_;
  const int tag_;         // on group_'s collective context
  const int bridge_tag_;  // between the roots, on the intercommunicator's
  const uint64_t key_;
  bool holding_ = false;
  Info info_;
  bool has_info_ = false;
  Phase phase_ = Phase::kGather;
  ContextPool::Bits offer_;
  std::vector<uint64_t> offers_;  // root: every member's offer
  ContextPool::Bits group_and_, remote_and_;
  std::vector<Request*> pending_;
  int result_[2] = {-1, -1};  // the new context, and an intercommunicator's local one
};

}  // namespace

StatusOr<MPI_Request> IdupComm(Comm& parent, const Info* info, MPI_Comm* out) {
  Runtime& rt = *Runtime::Get();
  Request* request = rt.requests().Allocate(RequestKind::kSend);
  request->comm = &parent;
  auto op = std::make_unique<IdupOp>(parent, info, out, request);
  Status s = op->StartRound();
  if (!s.ok()) {
    rt.requests().Release(request);
    return s;
  }
  rt.engine().AddPendingOp(std::move(op));
  return RequestPool::ToHandle(request);
}

}  // namespace zmpi::core
