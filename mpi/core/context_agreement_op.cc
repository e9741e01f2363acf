#include "mpi/core/context_agreement_op.h"

#include <algorithm>

#include "mpi/core/p2p.h"
#include "mpi/core/runtime.h"
#include "mpi/core/threads.h"

namespace zmpi::core {
namespace {

constexpr size_t kMsgBytes = (ContextPool::kWords + 2) * sizeof(uint64_t);

ContextPool& Pool() { return Runtime::Get()->contexts(); }

}  // namespace

ContextAgreement::ContextAgreement(const Party& party, const Bridge* bridge, bool local_too,
                                   bool blocking)
    : party_(party),
      has_bridge_(bridge != nullptr),
      local_too_(local_too),
      blocking_(blocking),
      key_((uint64_t{party.comm->p2p_context()} << 32) | static_cast<uint32_t>(party.tag)) {
  if (bridge != nullptr) bridge_ = *bridge;
}

ContextAgreement::~ContextAgreement() {
  if (Runtime::Get() == nullptr) return;
  EndHold();
  if (present_) Pool().RemovePresent(key_);
  if (joined_) Pool().Leave();
}

void ContextAgreement::Start() {
  Pool().Join();
  joined_ = true;
  error_ = BeginRound();
  Advance();
}

Status ContextAgreement::Track(StatusOr<Request*> r) {
  if (!r.ok()) return r.status();
  pending_.push_back(*r);
  return OkStatus();
}

void ContextAgreement::Combine(std::vector<uint64_t>& into, const uint64_t* other) {
  for (int i = 0; i < ContextPool::kWords; ++i) into[i] &= other[i];
  into[kKeyWord] = std::min(into[kKeyWord], other[kKeyWord]);
  into[kHeldWord] = std::min(into[kHeldWord], other[kHeldWord]);
}

Status ContextAgreement::BeginRound() {
  ContextPool& pool = Pool();
  if (present_) {
    holding_ = pool.TryHold(key_);
  } else if (round_ == 0 && blocking_ && !Threads::enabled()) {
    holding_ = pool.TryHoldAlone();
  }
  offer_.assign(kMsgWords, 0);
  if (holding_) {
    reserved_ = pool.Offer();
    pool.Reserve(reserved_);
    std::copy(reserved_.begin(), reserved_.end(), offer_.begin());
  }
  offer_[kKeyWord] = key_;
  offer_[kHeldWord] = holding_ ? 1 : 0;
  result_[0] = result_[1] = -1;
  Comm* comm = party_.comm;
  const int tag = party_.tag;
  if (!IsRoot()) {
    phase_ = Phase::kResult;
    const int root = party_.members[0];
    ZMPI_RETURN_IF_ERROR(Track(
        Isend({offer_.data(), kMsgBytes, root, tag, comm, SendMode::kStandard, Channel::kColl})));
    return Track(Irecv({result_, sizeof(result_), root, tag, comm, Channel::kColl, 1}));
  }
  phase_ = Phase::kGather;
  const size_t n = party_.members.size();
  offers_.assign((n - 1) * kMsgWords, 0);
  for (size_t i = 1; i < n; ++i) {
    ZMPI_RETURN_IF_ERROR(Track(Irecv({&offers_[(i - 1) * kMsgWords], kMsgBytes, party_.members[i],
                                      tag, comm, Channel::kColl, 1})));
  }
  return OkStatus();
}

// The root's next step once the current phase's messages are done.
Status ContextAgreement::Step() {
  if (phase_ == Phase::kGather) {
    combined_ = offer_;
    for (size_t i = 1; i < party_.members.size(); ++i) {
      Combine(combined_, &offers_[(i - 1) * kMsgWords]);
    }
    remote_ = combined_;
    if (has_bridge_) {
      phase_ = Phase::kBridge;
      ZMPI_RETURN_IF_ERROR(Track(Irecv({remote_.data(), kMsgBytes, bridge_.peer, bridge_.tag,
                                        bridge_.comm, Channel::kColl, 1})));
      return Track(Isend({combined_.data(), kMsgBytes, bridge_.peer, bridge_.tag, bridge_.comm,
                          SendMode::kStandard, Channel::kColl}));
    }
  }
  // Both groups' ANDs are known (or there is one group): decide and tell the party. Both roots
  // of a bridge decide alike from the same two ANDs, except for the local ids.
  std::vector<uint64_t> both = combined_;
  Combine(both, remote_.data());
  ContextPool::Bits bits(both.begin(), both.begin() + ContextPool::kWords);
  const int64_t lowest = ContextPool::Lowest(bits);
  result_[0] = lowest >= 0 ? lowest : (both[kHeldWord] != 0 ? -2 : -1);
  result_[1] = -1;
  result_[2] = static_cast<int64_t>(both[kKeyWord]);
  if (lowest >= 0 && local_too_) {
    // Any common id means every member held and offered all it has free, so no local id
    // left is a full pool on this side.
    ContextPool::Bits rest(combined_.begin(), combined_.begin() + ContextPool::kWords);
    rest[(lowest / 2) / 64] &= ~(uint64_t{1} << ((lowest / 2) % 64));
    result_[1] = ContextPool::Lowest(rest);
  }
  phase_ = Phase::kResult;
  for (size_t i = 1; i < party_.members.size(); ++i) {
    ZMPI_RETURN_IF_ERROR(Track(Isend({result_, sizeof(result_), party_.members[i], party_.tag,
                                      party_.comm, SendMode::kStandard, Channel::kColl})));
  }
  return OkStatus();
}

Status ContextAgreement::FinishPending() {
  Status error;
  for (Request* r : pending_) {
    Status s = Finish(r, nullptr);
    if (error.ok()) error = std::move(s);
  }
  pending_.clear();
  return error;
}

void ContextAgreement::FailDeadPeers() {
  if (!pending_.empty())
    zmpi::core::FailDeadPeers(pending_.data(), static_cast<int>(pending_.size()));
}

void ContextAgreement::EndHold() {
  if (!holding_) return;
  Pool().Unreserve(reserved_);
  Pool().EndHold();
  holding_ = false;
}

void ContextAgreement::End(Status s) {
  EndHold();
  ContextPool& pool = Pool();
  if (present_) pool.RemovePresent(key_);
  present_ = false;
  if (joined_) pool.Leave();
  joined_ = false;
  status_ = std::move(s);
  phase_ = Phase::kDone;
}

bool ContextAgreement::Conclude() {
  EndHold();
  ContextPool& pool = Pool();
  if (!present_) {
    key_ = static_cast<uint64_t>(result_[2]);
    pool.AddPresent(key_);
    present_ = true;
  }
  if (result_[0] >= 0) {
    if (local_too_ && result_[1] < 0) {
      End(Error(Code::kIntern,
                "no context id is left for the local group (%d live "
                "communicators per process at most)",
                ContextPool::kBits - 3));
      return true;
    }
    context_ = static_cast<uint32_t>(result_[0]);
    pool.Take(context_);
    if (local_too_) {
      local_context_ = static_cast<uint32_t>(result_[1]);
      pool.Take(local_context_);
    }
    End(OkStatus());
    return true;
  }
  if (result_[0] == -2) {
    End(Error(Code::kIntern,
              "no communicator context id is free on every member (%d live communicators "
              "per process at most)",
              ContextPool::kBits - 3));
    return true;
  }
  ++round_;
  return false;
}

bool ContextAgreement::Advance() {
  while (phase_ != Phase::kDone) {
    for (Request* r : pending_) {
      if (!r->complete) return false;
    }
    Status s = FinishPending();
    while (s.ok() && error_.ok() && pending_.empty() && phase_ != Phase::kResult) s = Step();
    if (!s.ok() && error_.ok()) error_ = std::move(s);
    if (!pending_.empty()) continue;  // messages in flight must end before their buffers go
    if (!error_.ok()) {
      End(std::move(error_));
      return true;
    }
    if (Conclude()) return true;
    // Another round, started now but advanced at the next call: the caller progresses (and
    // lets other threads run) in between. Rounds of a lone member end at once, so looping
    // here would spin with the library lock held while the reservation's holder needs it.
    error_ = BeginRound();
    if (error_.ok()) return false;
  }
  return true;
}

}  // namespace zmpi::core
