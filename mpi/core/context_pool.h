// Context ids of this process: which are in use by a communicator, and which are reserved
// by an agreement still in flight (MPI_Comm_idup). Context id 2*i (and 2*i+1, its
// collective context) is bit i. Communicators agree on a context by AND-ing every member's
// offer (free and not reserved) and taking the lowest common bit (context_agreement.h).
#ifndef ZMPI_MPI_CORE_CONTEXT_POOL_H_
#define ZMPI_MPI_CORE_CONTEXT_POOL_H_

#include <cstdint>
#include <vector>

namespace zmpi::core {

class ContextPool {
 public:
  static constexpr int kBits = 4096;  // live communicators per process
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

  // Non-blocking agreements (MPI_Comm_idup) in flight, each named by a key that every member
  // computes alike ((parent context << 32) | tag). Only one reserves at a time: the one with
  // the lowest key, when no other holds the reservation at the start of its round; the others
  // offer nothing and try again. Every process ranks the keys the same way, so the globally
  // lowest pending agreement gets full offers from all its members within a round or two
  // (no two agreements can keep spoiling each other's rounds).
  void AddPending(uint64_t key) { pending_.push_back(key); }
  void RemovePending(uint64_t key);
  // True if `key` may reserve now (then it holds the reservation until EndHold).
  bool TryHold(uint64_t key);
  void EndHold() { held_ = false; }

  static void And(Bits& into, const Bits& other);
  // Context id of the lowest set bit, or -1.
  static int64_t Lowest(const Bits& bits);

 private:
  static bool Test(const Bits& b, uint32_t i) { return (b[i / 64] >> (i % 64)) & 1; }
  Bits used_;
  Bits reserved_;
  std::vector<uint64_t> pending_;
  bool held_ = false;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_CONTEXT_POOL_H_
