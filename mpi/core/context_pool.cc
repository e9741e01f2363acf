#include "mpi/core/context_pool.h"

#include <algorithm>

namespace zmpi::core {

ContextPool::ContextPool() : used_(kWords, 0), reserved_(kWords, 0) { used_[0] = 0x7; }

ContextPool::Bits ContextPool::Offer() const {
  Bits b(kWords);
  for (int i = 0; i < kWords; ++i) b[i] = ~(used_[i] | reserved_[i]);
  return b;
}

void ContextPool::Reserve(const Bits& bits) {
  for (int i = 0; i < kWords; ++i) reserved_[i] |= bits[i];
}

void ContextPool::Unreserve(const Bits& bits) {
  for (int i = 0; i < kWords; ++i) reserved_[i] &= ~bits[i];
}

void ContextPool::Take(uint32_t context) {
  uint32_t i = context / 2;
  if (i < kBits) used_[i / 64] |= uint64_t{1} << (i % 64);
}

void ContextPool::Release(uint32_t context) {
  uint32_t i = context / 2;
  if (i >= 3 && i < kBits) used_[i / 64] &= ~(uint64_t{1} << (i % 64));
}

void ContextPool::RemovePresent(uint64_t key) {
  auto it = std::find(present_.begin(), present_.end(), key);
  if (it != present_.end()) present_.erase(it);
}

bool ContextPool::TryHold(uint64_t key) {
  if (held_ || present_.empty()) return false;
  if (*std::min_element(present_.begin(), present_.end()) != key) return false;
  held_ = true;
  return true;
}

bool ContextPool::TryHoldAlone() {
  if (held_ || joined_ != 1) return false;
  held_ = true;
  return true;
}

void ContextPool::And(Bits& into, const Bits& other) {
  for (int i = 0; i < kWords; ++i) into[i] &= other[i];
}

int64_t ContextPool::Lowest(const Bits& bits) {
  for (int i = 0; i < kWords; ++i) {
    if (bits[i] != 0) return 2 * (int64_t{i} * 64 + __builtin_ctzll(bits[i]));
  }
  return -1;
}

}  // namespace zmpi::core
