// One context-id agreement as a state machine that advances without blocking: MPI_Comm_idup
// runs it during progress, every blocking constructor (AgreeContext) runs it to its end.
//
// Rounds. In each round every member of the party sends the root its offer (free context ids,
// as a bit set, plus its key and whether it holds the reservation); the root ANDs them, a
// bridge (intercommunicators: the two roots) ANDs the two roots' results, and the root sends
// every member the round's result: the lowest common id, "none yet" or "exhausted". A member
// offers ids (and reserves them) only while it holds the pool's reservation
// (ContextPool::TryHold), otherwise it offers nothing.
//
// Round 0 establishes presence: once it ends, every member has started the agreement, so later
// rounds end in bounded time and the agreement may hold the reservation (ContextPool's rule).
// Round 0 also agrees the key (the minimum of the members' keys: the two groups of
// MPI_Intercomm_create name it by different communicators). Only a blocking agreement of a
// process that is alone in agreeing and not MPI_THREAD_MULTIPLE offers in round 0, so a lone
// MPI_Comm_dup still takes one round.
//
// Offers are windows of ContextPool::kWindowWords words, each starting at the member's lowest
// word with a free id at or after the round's hint (0 at first). The root ANDs them where they
// overlap. A round where every member held and nothing was common moves the hint past what was
// compared (every id below it is taken on some member), so the next round looks further up;
// the hint travels with the result.
//
// "Exhausted" is only said when every member held the reservation in that round and the hint
// reached ContextPool::kMaxWords: a round failing for a reservation held elsewhere is never
// mistaken for a full pool.
#ifndef ZMPI_MPI_CORE_CONTEXT_AGREEMENT_OP_H_
#define ZMPI_MPI_CORE_CONTEXT_AGREEMENT_OP_H_

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "mpi/core/context_agreement.h"
#include "mpi/core/context_pool.h"
#include "mpi/core/request.h"

namespace zmpi::core {

class ContextAgreement {
 public:
  // `bridge` may be null. `local_too`: each group also takes a second id common to its own
  // party only (an intercommunicator's local communicator). `blocking`: the caller waits for
  // the end (allows offering in round 0).
  ContextAgreement(const Party& party, const Bridge* bridge, bool local_too, bool blocking);
  // Gives back a reservation still held. An unfinished agreement must not be destroyed while
  // the runtime lives (its messages are in flight).
  ~ContextAgreement();
  ContextAgreement(const ContextAgreement&) = delete;
  ContextAgreement& operator=(const ContextAgreement&) = delete;

  // Starts round 0 and advances as far as it can (a lone member may be done at once). An error
  // ends the agreement (status()).
  void Start();
  // Advances as far as it can without waiting; true once finished.
  bool Advance();
  // Fails the messages whose peer died (for waiting loops, about once a second).
  void FailDeadPeers();

  bool done() const { return phase_ == Phase::kDone; }
  const Status& status() const { return status_; }
  uint32_t context() const { return context_; }
  uint32_t local_context() const { return local_context_; }

 private:
  // kGather: the root waits for its party's offers; kBridge: for the other root's AND;
  // kResult: members wait for (and the root sends) the round's result.
  enum class Phase { kGather, kBridge, kResult, kDone };
  // An offer or an AND of offers: the window's bits, its first word, the end of the words it
  // speaks for (bits from there on are 0), the agreement's key, whether all held.
  static constexpr int kBaseWord = ContextPool::kWindowWords;
  static constexpr int kEndWord = ContextPool::kWindowWords + 1;
  static constexpr int kKeyWord = ContextPool::kWindowWords + 2;
  static constexpr int kHeldWord = ContextPool::kWindowWords + 3;
  static constexpr int kMsgWords = ContextPool::kWindowWords + 4;

  bool IsRoot() const { return party_.members[0] == party_.comm->rank(); }
  Status BeginRound();
  Status Step();
  Status FinishPending();
  // The round's result has arrived: true if the agreement ended.
  bool Conclude();
  void EndHold();
  void End(Status s);
  Status Track(StatusOr<Request*> r);
  // ANDs `other` into `into` (both kMsgWords): commutative and associative, so every root of
  // a bridge gets the same result whatever the order.
  static void Combine(std::vector<uint64_t>& into, const uint64_t* other);
  // The lowest id set in `offer` other than context `taken`, as a context id, or -1.
  static int64_t LowestExcept(const std::vector<uint64_t>& offer, int64_t taken);

  Party party_;
  bool has_bridge_;
  Bridge bridge_{};
  const bool local_too_;
  const bool blocking_;
  uint64_t key_;
  int round_ = 0;
  bool joined_ = false;
  bool present_ = false;
  bool holding_ = false;
  Phase phase_ = Phase::kGather;
  std::vector<uint64_t> offer_;      // kMsgWords
  ContextPool::Window reserved_;     // what this round reserved
  uint64_t hint_ = 0;                // windows start at or after this word
  std::vector<uint64_t> offers_;     // root: the other members' offers
  std::vector<uint64_t> combined_;   // root: the party's AND
  std::vector<uint64_t> remote_;     // root: the other party's AND
  // context (-1 none yet, -2 exhausted), local, key, the next round's hint
  int64_t result_[4] = {-1, -1, 0, 0};
  std::vector<Request*> pending_;
  Status error_;  // the first error of a round; ends the agreement once nothing is in flight
  Status status_;
  uint32_t context_ = 0;
  uint32_t local_context_ = 0;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_CONTEXT_AGREEMENT_OP_H_
