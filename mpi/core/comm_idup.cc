// MPI_Comm_idup: the context agreement of DupComm as a PendingOp that advances during
// progress, so the call returns at once and the request completes while the program does
// other work. One round: every member offers its free ids and sends the offer to rank 0, which
// ANDs the offers and sends back the lowest common id. A member offers (and reserves, so no
// other agreement of this process takes those ids meanwhile) only while it holds the pool's
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
        out_(out),
        request_(request),
        tag_(parent.NextCollTag()),
        key_((uint64_t{parent.p2p_context()} << 32) | static_cast<uint32_t>(tag_)) {
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
    const int n = parent_.size();
    if (parent_.rank() == 0) {
      offers_.assign(static_cast<size_t>(n) * ContextPool::kWords, 0);
      for (int r = 1; r < n; ++r) {
        ZMPI_ASSIGN_OR_RETURN(Request * q, Irecv({&offers_[r * ContextPool::kWords], kBitsBytes, r,
                                                  tag_, &parent_, Channel::kColl, 1}));
        pending_.push_back(q);
      }
      if (n == 1) return Decide();
    } else {
      ZMPI_ASSIGN_OR_RETURN(Request * s, Isend({offer_.data(), kBitsBytes, 0, tag_, &parent_,
                                                SendMode::kStandard, Channel::kColl}));
      ZMPI_ASSIGN_OR_RETURN(
          Request * q, Irecv({&result_, sizeof(result_), 0, tag_, &parent_, Channel::kColl, 1}));
      pending_.push_back(s);
      pending_.push_back(q);
    }
    deciding_ = parent_.rank() == 0;
    return OkStatus();
  }

  bool Advance() override {
    for (Request* r : pending_) {
      if (!r->complete) return false;
    }
    Status error;
    for (Request* r : pending_) {
      Status s = Finish(r, nullptr);
      if (error.ok()) error = std::move(s);
    }
    pending_.clear();
    if (error.ok() && deciding_) {
      deciding_ = false;
      error = Decide();
      if (error.ok() && !pending_.empty()) return false;
    }
    ContextPool& pool = Runtime::Get()->contexts();
    if (holding_) {
      pool.Unreserve(offer_);
      pool.EndHold();
      holding_ = false;
    }
    if (error.ok() && result_ < 0) {
      error = StartRound();
      if (error.ok()) return false;
    }
    if (error.ok()) {
      pool.Take(static_cast<uint32_t>(result_));
      *out_ = MakeDup(parent_, static_cast<uint32_t>(result_), 0, has_info_ ? &info_ : nullptr)
                  ->handle();
    }
    request_->error = std::move(error);
    Runtime::Get()->engine().Complete(request_);
    return true;
  }

 private:
  // Rank 0 with every offer in: the lowest common id (or -1) to everyone.
  Status Decide() {
    ContextPool::Bits all = offer_;
    for (int r = 1; r < parent_.size(); ++r) {
      ContextPool::Bits theirs(offers_.begin() + r * ContextPool::kWords,
                               offers_.begin() + (r + 1) * ContextPool::kWords);
      ContextPool::And(all, theirs);
    }
    result_ = static_cast<int>(ContextPool::Lowest(all));
    for (int r = 1; r < parent_.size(); ++r) {
      ZMPI_ASSIGN_OR_RETURN(Request * s, Isend({&result_, sizeof(result_), r, tag_, &parent_,
                                                SendMode::kStandard, Channel::kColl}));
      pending_.push_back(s);
    }
    return OkStatus();
  }

  Comm& parent_;
  MPI_Comm* out_;
  Request* request_;
  const int tag_;
  const uint64_t key_;
  bool holding_ = false;
  Info info_;
  bool has_info_ = false;
  ContextPool::Bits offer_;
  std::vector<uint64_t> offers_;  // rank 0: every member's offer
  std::vector<Request*> pending_;
  int result_ = -1;
  bool deciding_ = false;
};

}  // namespace

StatusOr<MPI_Request> IdupComm(Comm& parent, const Info* info, MPI_Comm* out) {
  Runtime& rt = *Runtime::Get();
  Request* request = rt.requests().Allocate(RequestKind::kSend);
  request->comm = &parent;
  if (parent.is_inter()) {
    // Intercommunicators agree across both groups through their leaders (blocking).
    StatusOr<Comm*> dup = DupComm(parent, info);
    if (!dup.ok()) {
      rt.requests().Release(request);
      return dup.status();
    }
    *out = (*dup)->handle();
    rt.engine().Complete(request);
    return RequestPool::ToHandle(request);
  }
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
