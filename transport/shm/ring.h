// One single-producer single-consumer ring in shared memory (layout in shm_format.h).
//
// A Ring object is a view over the ring's memory plus the private state of one end: the
// producer's head and cached tail, the consumer's tail. A process uses an object as one end
// only (a unit test may use both ends of one object from one thread). No locks, syscalls or
// allocation; acquire/release atomics only. Not thread-safe per end.
#ifndef ZMPI_TRANSPORT_SHM_RING_H_
#define ZMPI_TRANSPORT_SHM_RING_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "common/check.h"
#include "common/copy.h"
#include "transport/endpoint.h"
#include "transport/shm/shm_format.h"

namespace zmpi::transport::shm {

class Ring {
 public:
  // Bytes one ring occupies (control lines + slots, rounded up to a page).
  static size_t BytesFor(size_t slots, size_t slot_size);
  // Largest payload a slot of `slot_size` bytes carries with any header up to kMaxHeader.
  static size_t MaxPayloadFor(size_t slot_size) { return slot_size - kSlotOverhead; }
  // Whether (slots, slot_size) is a valid geometry; slots a power of two, slot_size a multiple
  // of a cache line in [128, kMaxSlotSize].
  static bool ValidGeometry(size_t slots, size_t slot_size);

  Ring() = default;
  // `base` is BytesFor(slots, slot_size) bytes, zeroed when the ring was created.
  Ring(void* base, size_t slots, size_t slot_size);

  // Producer: copies the frame into the next slot. false = ring full (nothing written).
  // Caller guarantees header_len <= kMaxHeader and payload_len <= MaxPayloadFor(slot_size).
  inline bool TryPush(const void* header, size_t header_len, const void* payload,
                      size_t payload_len);
  // Producer: as TryPush, but `writer` writes the payload straight into the slot.
  inline bool TryPushWritten(const void* header, size_t header_len, size_t payload_len,
                             const PayloadWriter& writer);
  // Producer: a ring that may grow keeps its last slot for a switch record, and TryPush
  // reports it full (false) the `full_before_grow`-th time it finds it full, even if the
  // consumer has made room meanwhile: the pair is busy, time to grow. Not growable: all
  // slots carry frames and TryPush is false only when they really are all in flight.
  // full_before_grow = kOnlyWhenFull: growable, but false only when really full.
  static constexpr uint32_t kOnlyWhenFull = 0;
  void SetGrowable(bool growable, uint32_t full_before_grow = kOnlyWhenFull) {
    limit_ = growable ? mask_ : mask_ + 1;
    fulls_left_ = growable && full_before_grow != kOnlyWhenFull ? full_before_grow : UINT64_MAX;
  }
  // Producer: pushes a switch record (shm_format.h) into the reserved slot; false = the ring
  // is entirely full, which cannot happen right after TryPush returned false.
  bool PushSwitch(const RingSwitch& next);
  // Consumer: whether a frame from Peek is a switch record; `header` points at a RingSwitch.
  static bool IsSwitch(const Frame& frame) { return frame.header_len == kSwitchMark; }
  size_t slots() const { return mask_ + 1; }
  // Whether this object is attached to ring memory.
  bool attached() const { return slots_ != nullptr; }

  // Consumer: the oldest unconsumed frame, if one has arrived. Pointers stay valid until Pop.
  inline bool Peek(Frame* frame);
  // Consumer: releases the frame returned by the last successful Peek.
  inline void Pop();

  // Consumer: whether a frame (or switch record) waits, without taking it (Peek's first load).
  bool Ready() const {
    return SlotAt(tail_)->seq.load(std::memory_order_acquire) == static_cast<uint32_t>(tail_ + 1);
  }
  // Producer: whether a push would find a free slot now (re-reads the tail; growth aside).
  bool HasRoom() const {
    return attached() && head_ - control_->tail.load(std::memory_order_acquire) < limit_;
  }

  // Producer: frames pushed and not yet known consumed (re-reads the tail). For tests.
  size_t InFlight();

 private:
  SlotHeader* SlotAt(uint64_t index) const {
    return reinterpret_cast<SlotHeader*>(slots_ + (index & mask_) * slot_size_);
  }

  // A detached ring (default constructed) reads as always full, so a first TryPush goes to
  // the caller's slow path without a test of its own on the fast one.
  static RingControl detached_control_;
  RingControl* control_ = &detached_control_;
  char* slots_ = nullptr;
  uint64_t mask_ = 0;
  uint64_t limit_ = 0;                // frames in flight that TryPush allows
  uint64_t fulls_left_ = UINT64_MAX;  // TryPush fails when this reaches 0 (SetGrowable)
  size_t slot_size_ = 0;
  size_t max_payload_ = 0;
  // Producer end.
  uint64_t head_ = 0;
  uint64_t cached_tail_ = 0;
  // Consumer end.
  uint64_t tail_ = 0;
};

inline bool Ring::TryPush(const void* header, size_t header_len, const void* payload,
                          size_t payload_len) {
  if (head_ - cached_tail_ >= limit_) {
    if (--fulls_left_ == 0) return false;
    cached_tail_ = control_->tail.load(std::memory_order_acquire);
    if (head_ - cached_tail_ >= limit_) return false;
  }
  SlotHeader* slot = SlotAt(head_);
  char* data = reinterpret_cast<char*>(slot + 1);
  slot->lengths = static_cast<uint32_t>(header_len << 24 | payload_len);
  CopyBytes(data, header, header_len);
  CopyBytes(data + RoundUp(header_len, 8), payload, payload_len);
  ++head_;
  slot->seq.store(static_cast<uint32_t>(head_), std::memory_order_release);
  return true;
}

inline bool Ring::TryPushWritten(const void* header, size_t header_len, size_t payload_len,
                                 const PayloadWriter& writer) {
  if (head_ - cached_tail_ >= limit_) {
    if (--fulls_left_ == 0) return false;
    cached_tail_ = control_->tail.load(std::memory_order_acquire);
    if (head_ - cached_tail_ >= limit_) return false;
  }
  SlotHeader* slot = SlotAt(head_);
  char* data = reinterpret_cast<char*>(slot + 1);
  slot->lengths = static_cast<uint32_t>(header_len << 24 | payload_len);
  CopyBytes(data, header, header_len);
  if (payload_len > 0) writer.write(writer.ctx, data + RoundUp(header_len, 8), payload_len);
  ++head_;
  slot->seq.store(static_cast<uint32_t>(head_), std::memory_order_release);
  return true;
}

inline bool Ring::Peek(Frame* frame) {
  SlotHeader* slot = SlotAt(tail_);
  if (slot->seq.load(std::memory_order_acquire) != static_cast<uint32_t>(tail_ + 1)) return false;
  const uint32_t lengths = slot->lengths;
  const size_t header_len = lengths >> 24;
  const size_t payload_len = lengths & 0xffffff;
  // The producer is our own code in another process; garbage here is a zmpi bug.
  ZMPI_CHECK((header_len <= kMaxHeader || header_len == kSwitchMark) &&
             payload_len <= max_payload_);
  const char* data = reinterpret_cast<const char*>(slot + 1);
  frame->header = data;
  frame->header_len = header_len;
  frame->payload = data + RoundUp(header_len, 8);
  frame->payload_len = payload_len;
  return true;
}

inline void Ring::Pop() {
  ++tail_;
  control_->tail.store(tail_, std::memory_order_release);
}

}  // namespace zmpi::transport::shm

#endif  // ZMPI_TRANSPORT_SHM_RING_H_
