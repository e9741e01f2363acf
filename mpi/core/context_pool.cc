#include "mpi/core/context_pool.h"

#include <algorithm>

namespace zmpi::core {

ContextPool::ContextPool() : used_(1, 0x7) {}

ContextPool::Window ContextPool::Offer(uint64_t from) {
  while (low_ < used_.size() && used_[low_] == ~uint64_t{0}) ++low_;
  Window w;
  w.base = std::max(from, low_);
  while (w.base < kMaxWords && (Word(used_, w.base) | Word(reserved_, w.base)) == ~uint64_t{0}) {
    ++w.base;
  }
  w.bits.assign(kWindowWords, 0);
  for (int i = 0; i < kWindowWords && w.base + i < kMaxWords; ++i) {
    w.bits[i] = ~(Word(used_, w.base + i) | Word(reserved_, w.base + i));
  }
  return w;
}

void ContextPool::Reserve(const Window& w) {
  const uint64_t end = std::min<uint64_t>(w.base + kWindowWords, kMaxWords);
  if (reserved_.size() < end) reserved_.resize(end, 0);
  for (uint64_t i = w.base; i < end; ++i) reserved_[i] |= w.bits[i - w.base];
}

void ContextPool::Unreserve(const Window& w) {
  const uint64_t end = std::min<uint64_t>(w.base + kWindowWords, reserved_.size());
  for (uint64_t i = w.base; i < end; ++i) reserved_[i] &= ~w.bits[i - w.base];
}

void ContextPool::Take(uint32_t context) {
  const uint64_t i = context / 2;
  if (i >= kMaxIds) return;
  if (used_.size() <= i / 64) used_.resize(i / 64 + 1, 0);
  used_[i / 64] |= uint64_t{1} << (i % 64);
}

void ContextPool::Release(uint32_t context) {
  const uint64_t i = context / 2;
  if (i < 3 || i / 64 >= used_.size()) return;
  used_[i / 64] &= ~(uint64_t{1} << (i % 64));
  low_ = std::min(low_, i / 64);
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
  for (size_t i = 0; i < into.size() && i < other.size(); ++i) into[i] &= other[i];
}

int64_t ContextPool::LowestBit(const uint64_t* bits, int words) {
  for (int i = 0; i < words; ++i) {
    if (bits[i] != 0) return int64_t{i} * 64 + __builtin_ctzll(bits[i]);
  }
  return -1;
}

}  // namespace zmpi::core
