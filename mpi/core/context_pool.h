// Context ids of this process: which are in use by a communicator, and which are reserved
// by an agreement still in flight (a communicator constructor, blocking or not). Context id 2*i
// (and 2*i+1, its collective context) is bit i. Communicators agree on a context by AND-ing every
// member's offer (free and not reserved) and taking the lowest common bit (context_agreement.h).
#ifndef ZMPI_MPI_CORE_CONTEXT_POOL_H_
#define ZMPI_MPI_CORE_CONTEXT_POOL_H_

#include <cstdint>
#include <vector>

namespace zmpi::core {

class ContextPool {
 public:
  static constexpr int kBits = 4096;  // ids; kBits - 3 live communicators per process
  static constexpr int kWords = kBits / 64;
  using Bits = std::vector<uint64_t>;  // kWords words

  // Bits 0, 1, 2 (world, self, the runtime's internal world communicator) are in use.
  ContextPool();

  // Free and not reserved.
  Bits Offer() const;
  void Reserve(const Bits& bits);
  void Unreserve(const Bits& bits);
  void Take(uint32_t context);
  void Release(uint32_t context);
  bool InUse(uint32_t context) const { return Test(used_, context / 2); }

  // Agreements in flight (context_agreement_op.h). Joined: started on this process.
  // Present: every member of its party has started it (its first round ended), so its rounds
  // end in bounded time. Each is named by a key every member agrees on in the first round.
  // Only one agreement reserves (offers ids) at a time: a present one with the lowest key,
  // when no other holds the reservation at the start of its round; the others offer nothing
  // and try again. An agreement never holds the reservation while some member may not have
  // started it (that member could be waiting for another agreement of this process, which
  // would then wait for the reservation forever). Every process ranks present agreements
  // the same way, so the globally lowest present one gets full offers from all its members
  // within a round or two, whatever other agreements are in flight.
  void Join() { ++joined_; }
  void Leave() { --joined_; }
  void AddPresent(uint64_t key) { present_.push_back(key); }
  void RemovePresent(uint64_t key);
  // True if present `key` may reserve now (then it holds the reservation until EndHold).
  bool TryHold(uint64_t key);
  // True if the caller's agreement is the only one joined and nothing holds: it may reserve
  // before the others of its party are known to have started (a blocking agreement of a
  // process that is not MPI_THREAD_MULTIPLE: nothing of this process can need ids before it
  // ends).
  bool TryHoldAlone();
  void EndHold() { held_ = false; }

  static void And(Bits& into, const Bits& other);
  // Context id of the lowest set bit, or -1.
  static int64_t Lowest(const Bits& bits);

 private:
  static bool Test(const Bits& b, uint32_t i) { return (b[i / 64] >> (i % 64)) & 1; }
  Bits used_;
  Bits reserved_;
  std::vector<uint64_t> present_;
  int joined_ = 0;
  bool held_ = false;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_CONTEXT_POOL_H_
