// Context ids of this process: which are in use by a communicator, and which are reserved
// by an agreement still in flight (a communicator constructor, blocking or not). Context id 2*i
// (and 2*i+1, its collective context) is bit i. Communicators agree on a context by AND-ing
// every member's offer (free and not reserved) and taking the lowest common bit
// (context_agreement.h).
//
// An offer is a window of kWindowWords words (4096 ids) starting at the lowest word that has
// a free id, at or after a hint the agreement carries from round to round, so a message stays
// 4 KiB-bit small whatever the number of live communicators (up to kMaxIds), and finding the
// window costs O(1) amortized (the lowest word with a free id is remembered).
#ifndef ZMPI_MPI_CORE_CONTEXT_POOL_H_
#define ZMPI_MPI_CORE_CONTEXT_POOL_H_

#include <cstdint>
#include <vector>

namespace zmpi::core {

class ContextPool {
 public:
  static constexpr int kWindowWords = 64;  // an offer: 4096 ids
  // Ids per process: contexts stay below 2^23 (matching's queues are indexed by context and
  // stop at 2^24). kMaxIds - 3 live communicators per process.
  static constexpr uint64_t kMaxWords = (uint64_t{1} << 22) / 64;
  static constexpr uint64_t kMaxIds = kMaxWords * 64;
  using Bits = std::vector<uint64_t>;  // kWindowWords words

  // Ids base*64 + i for bit i of `bits`.
  struct Window {
    uint64_t base = 0;
    Bits bits;
  };

  // Bits 0, 1, 2 (world, self, the runtime's internal world communicator) are in use.
  ContextPool();

  // Free and not reserved ids in the window starting at the lowest word at or after `from`
  // that has one (every id of the words in between is taken or reserved here). Words from
  // kMaxWords on offer nothing.
  Window Offer(uint64_t from = 0);
  void Reserve(const Window& w);
  void Unreserve(const Window& w);
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
  // Index of the lowest set bit, or -1.
  static int64_t LowestBit(const uint64_t* bits, int words);
  static int64_t LowestBit(const Bits& bits) {
    return LowestBit(bits.data(), static_cast<int>(bits.size()));
  }
  // The context id of the lowest id of `w`, or -1.
  static int64_t Lowest(const Window& w) {
    int64_t bit = LowestBit(w.bits);
    return bit < 0 ? -1 : 2 * (static_cast<int64_t>(w.base) * 64 + bit);
  }

 private:
  static bool Test(const Bits& b, uint64_t i) {
    return i / 64 < b.size() && ((b[i / 64] >> (i % 64)) & 1);
  }
  static uint64_t Word(const Bits& b, uint64_t w) { return w < b.size() ? b[w] : 0; }
  Bits used_;
  Bits reserved_;
  uint64_t low_ = 0;  // no word below it has an id not in use (reservations aside)
  std::vector<uint64_t> present_;
  int joined_ = 0;
  bool held_ = false;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_CONTEXT_POOL_H_
