#include "mpi/core/context_agreement_op.h"

#include <algorithm>

#include "mpi/core/p2p.h"
#include "mpi/core/runtime.h"
#include "mpi/core/threads.h"

namespace zmpi::core {
namespace {

constexpr size_t kMsgBytes = (ContextPool::kWindowWords + 4) * sizeof(uint64_t);

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
  constexpr int kW = ContextPool::kWindowWords;
  const uint64_t base = std::max(into[kBaseWord], other[kBaseWord]);
  const uint64_t end = std::min(into[kEndWord], other[kEndWord]);
  uint64_t bits[kW];
  for (int j = 0; j < kW; ++j) {
    const uint64_t w = base + static_cast<uint64_t>(j);
    // Both windows start at or below `base` and cover [their base, their end) with end <=
    // base + kW, so inside [base, end) both index within their kW words.
    bits[j] = w < end ? into[w - into[kBaseWord]] & other[w - other[kBaseWord]] : 0;
  }
  std::copy(bits, bits + kW, into.begin());
  into[kBaseWord] = base;
  into[kEndWord] = end;
  into[kKeyWord] = std::min(into[kKeyWord], other[kKeyWord]);
  into[kHeldWord] = std::min(into[kHeldWord], other[kHeldWord]);
}

int64_t ContextAgreement::LowestExcept(const std::vector<uint64_t>& offer, int64_t taken) {
  uint64_t bits[ContextPool::kWindowWords];
  std::copy(offer.begin(), offer.begin() + ContextPool::kWindowWords, bits);
  const int64_t t = taken / 2 - static_cast<int64_t>(offer[kBaseWord]) * 64;
  if (t >= 0 && t < ContextPool::kWindowWords * 64) bits[t / 64] &= ~(uint64_t{1} << (t % 64));
  const int64_t bit = ContextPool::LowestBit(bits, ContextPool::kWindowWords);
  return bit < 0 ? -1 : 2 * (static_cast<int64_t>(offer[kBaseWord]) * 64 + bit);
}

Status ContextAgreement::BeginRound() {
  ContextPool& pool = Pool();
  if (present_) {
    holding_ = pool.TryHold(key_);
  } else if (round_ == 0 && blocking_ && !Threads::enabled()) {
    holding_ = pool.TryHoldAlone();
  }
  offer_.assign(kMsgWords, 0);
  offer_[kBaseWord] = hint_;
  if (holding_) {
    reserved_ = pool.Offer(hint_);
    pool.Reserve(reserved_);
    std::copy(reserved_.bits.begin(), reserved_.bits.end(), offer_.begin());
    offer_[kBaseWord] = reserved_.base;
  }
  offer_[kEndWord] = offer_[kBaseWord] + ContextPool::kWindowWords;
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
  const int64_t bit = ContextPool::LowestBit(both.data(), ContextPool::kWindowWords);
  int64_t lowest = bit < 0 ? -1 : 2 * (static_cast<int64_t>(both[kBaseWord]) * 64 + bit);
  const bool held = both[kHeldWord] != 0;
  uint64_t hint = hint_;
  result_[1] = -1;
  if (lowest >= 0 && local_too_) {
    // Each group also needs a second id of its own. Both roots check both groups, so they
    // decide alike; without one, look further up (past the common id's word).
    result_[1] = LowestExcept(combined_, lowest);
    if (result_[1] < 0 || LowestExcept(remote_, lowest) < 0) {
      hint = static_cast<uint64_t>(lowest / 2) / 64 + 1;
      lowest = -1;
    }
  } else if (lowest < 0 && held) {
    // Nothing common in [base, end), and the member whose window starts at base has nothing
    // free below it: look from there on.
    hint = std::max(both[kBaseWord], both[kEndWord]);
  }
  result_[0] = lowest >= 0 ? lowest : (held && hint >= ContextPool::kMaxWords ? -2 : -1);
  result_[2] = static_cast<int64_t>(both[kKeyWord]);
  result_[3] = static_cast<int64_t>(hint);
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
  hint_ = static_cast<uint64_t>(result_[3]);
  if (result_[0] >= 0) {  // with local_too_, the root found the local id as well
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
              static_cast<int>(ContextPool::kMaxIds - 3)));
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
