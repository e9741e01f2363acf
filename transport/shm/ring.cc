#include "transport/shm/ring.h"

#include <cstring>

#include "common/platform/memory_sizes.h"

namespace zmpi::transport::shm {

const Geometry& Geometry::Host() {
  static const Geometry host = For(platform::CacheLineSize(), platform::PageSize());
  return host;
}

RingControl Ring::detached_control_{};

size_t Ring::BytesFor(size_t slots, size_t slot_size) {
  const Geometry& g = Geometry::Host();
  return RoundUp(g.ring_control + slots * slot_size, g.page);
}

bool Ring::ValidGeometry(size_t slots, size_t slot_size) {
  return slots >= 2 && (slots & (slots - 1)) == 0 && slot_size >= 2 * kCacheLine &&
         slot_size % kCacheLine == 0 && slot_size <= kMaxSlotSize && slots <= (size_t{1} << 20);
}

Ring::Ring(void* base, size_t slots, size_t slot_size)
    : control_(static_cast<RingControl*>(base)),
      slots_(static_cast<char*>(base) + Geometry::Host().ring_control),
      mask_(slots - 1),
      limit_(slots),
      slot_size_(slot_size),
      max_payload_(MaxPayloadFor(slot_size)) {
  ZMPI_CHECK(ValidGeometry(slots, slot_size));
  ZMPI_CHECK(reinterpret_cast<uintptr_t>(base) % kCacheLine == 0);
}

size_t Ring::InFlight() {
  cached_tail_ = control_->tail.load(std::memory_order_acquire);
  return static_cast<size_t>(head_ - cached_tail_);
}

bool Ring::PushSwitch(const RingSwitch& next) {
  if (head_ - control_->tail.load(std::memory_order_acquire) > mask_) return false;
  SlotHeader* slot = SlotAt(head_);
  // The record sits where a frame header would (a slot has room for 120 bytes there).
  slot->lengths = static_cast<uint32_t>(kSwitchMark << 24);
  memcpy(reinterpret_cast<char*>(slot + 1), &next, sizeof(next));
  ++head_;
  slot->seq.store(static_cast<uint32_t>(head_), std::memory_order_release);
  return true;
}

}  // namespace zmpi::transport::shm
