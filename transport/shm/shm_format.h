// Layout of zmpi's shared-memory segments. Every rank creates one segment that holds one
// inbound ring per local rank (including itself); rank s writes into ring[index of s] of
// rank r's segment and only r reads it. Each ring is single-producer single-consumer.
//
//   offset 0                      SegmentHeader
//   offset 64                     AssistHint (own cache line)
//   offset 128                    int32 ranks[num_ranks] (sorted world ranks on this host)
//   ring_offset + i * ring_stride ring i (page aligned):
//       0                         RingControl: tail (consumer -> producer), own cache lines
//       128                       AssistControl: cooperative Read (see assist.h)
//       kRingControlBytes         slot[0 .. ring_slots), slot_size bytes each
//
// A slot: SlotHeader (8 bytes), the frame header at offset 8, the payload right after the
// header rounded up to 8 bytes. A 48-byte frame header with 8 bytes of payload fills exactly
// one cache line, so a small message costs the reader one cache-line transfer.
//
// Publication: the producer fills a slot, then stores seq = (index + 1) mod 2^32 with release;
// the consumer waits for that value with acquire, so it never looks at the head index (no
// second cache line per message). The consumer publishes tail (release) after it has finished
// with a slot; the producer re-reads tail (acquire) only when its cached copy says the ring is
// full. A stale slot from the previous lap carries a seq that differs by ring_slots.
#ifndef ZMPI_TRANSPORT_SHM_SHM_FORMAT_H_
#define ZMPI_TRANSPORT_SHM_SHM_FORMAT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "transport/endpoint.h"

namespace zmpi::transport::shm {

inline constexpr uint32_t kSegmentMagic = 0x7a73686d;  // "zshm"
inline constexpr uint32_t kSegmentVersion = 2;
inline constexpr size_t kCacheLine = 64;
inline constexpr size_t kPageSize = 4096;
// Each control line is followed by an unused one: the adjacent-line prefetcher must not drag
// a neighbour along.
inline constexpr size_t kRingControlBytes = 4 * kCacheLine;
inline constexpr size_t kAssistControlOffset = 2 * kCacheLine;
inline constexpr size_t kAssistHintOffset = 64;
inline constexpr size_t kRanksOffset = 128;
// Payload lengths live in 24 bits of SlotHeader::lengths.
inline constexpr size_t kMaxSlotSize = size_t{1} << 24;

struct SegmentHeader {
  uint32_t magic;
  uint32_t version;
  uint32_t num_ranks;  // entries in the ranks[] array that follows
  int32_t owner_rank;
  uint64_t ring_slots;
  uint64_t slot_size;
  uint64_t ring_offset;  // byte offset of ring 0, page aligned
  uint64_t ring_stride;  // bytes per ring, page aligned
  int64_t owner_pid;
  uint64_t probe_value;  // equals the word at the owner's probe address (single-copy check)
};
static_assert(sizeof(SegmentHeader) == 64, "SegmentHeader is part of the shm format");

struct alignas(kCacheLine) RingControl {
  std::atomic<uint64_t> tail;  // frames the consumer has finished with
};
static_assert(sizeof(RingControl) <= kAssistControlOffset, "RingControl must fit its lines");

// Bumped by a reader that posts a cooperative Read into any of the owner's outbound rings;
// the owner's Poll compares it with the last value it saw (one load of a quiet line).
struct alignas(kCacheLine) AssistHint {
  std::atomic<uint64_t> requests;
};

// A Read of the ring's producer's memory by its consumer, split into chunks that either side
// claims. Written by the consumer (reader), helped by the producer (owner of the source).
struct alignas(kCacheLine) AssistControl {
  std::atomic<uint64_t> claim;  // generation << 32 | next unclaimed chunk
  std::atomic<uint64_t> done;   // chunks finished by either side
  std::atomic<uint64_t> src;    // address in the owner
  std::atomic<uint64_t> dst;    // address in the reader
  std::atomic<uint64_t> len;
  std::atomic<uint64_t> chunk;  // bytes per chunk (the last may be shorter)
  std::atomic<uint32_t> failed;  // the owner could not write a chunk
};
static_assert(sizeof(AssistControl) == kCacheLine, "AssistControl is one cache line");
static_assert(kAssistControlOffset + sizeof(AssistControl) <= kRingControlBytes, "layout");
static_assert(std::atomic<uint64_t>::is_always_lock_free, "need address-free atomics");

struct SlotHeader {
  std::atomic<uint32_t> seq;  // (frame index + 1) mod 2^32 once the slot is filled
  uint32_t lengths;           // header_len << 24 | payload_len
};
static_assert(sizeof(SlotHeader) == 8, "SlotHeader is part of the shm format");
static_assert(std::atomic<uint32_t>::is_always_lock_free, "need address-free atomics");

inline constexpr size_t kSlotOverhead = sizeof(SlotHeader) + kMaxHeader;

inline constexpr size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

}  // namespace zmpi::transport::shm

#endif  // ZMPI_TRANSPORT_SHM_SHM_FORMAT_H_
