// Layout of zmpi's shared-memory segments (version 3; design in endpoint.h).
//
// Every rank creates one segment. Its size is virtual: the object is sparse and only the
// header and the rings its owner has created take memory. The owner is the only producer of
// every ring in its segment; ring i is read by exactly one other rank (or by the owner itself).
//
// Offsets below are in cache lines (L: Geometry::line, 64 or more, read at run time) and
// pages (Geometry::page); the header records both.
//   offset 0                      SegmentHeader
//   offset 1 L                    Doorbell (own cache line): peers bump `rings` after offering
//                                 a ring and `reads` after posting a cooperative Read, and
//                                 wake the owner through `wake` when it sleeps
//   offset 2 L                    int32 ranks[num_ranks] (sorted world ranks on this host)
//   offers_offset                 atomic uint64 offers[num_ranks]: offers[i] != 0 means local
//                                 rank i created a ring for the owner (Offer below), in its own
//                                 segment; written once per pair
//   assist_offset                 AssistControl assist[num_ranks], 2 L apart:
//                                 assist[i] carries local rank i's cooperative Reads of the
//                                 owner's memory (copy_assist.h)
//   ring_area_offset ...          rings, page aligned, allocated by the owner as it needs them:
//       0                         RingControl: tail (consumer -> producer), 4 L (its line and
//                                 an unused one either side of the prefetcher's pairs)
//       4 L                       slot[0 .. slots), slot_size bytes each
//
// A slot: SlotHeader (8 bytes), the frame header at offset 8, the payload right after the
// header rounded up to 8 bytes. A 48-byte frame header with 8 bytes of payload fills exactly
// one cache line, so a small message costs the reader one cache-line transfer.
//
// Publication: the producer fills a slot, then stores seq = (index + 1) mod 2^32 with release;
// the consumer waits for that value with acquire, so it never looks at the head index (no
// second cache line per message). The consumer publishes tail (release) after it has finished
// with a slot; the producer re-reads tail (acquire) only when its cached copy says the ring is
// full. A stale slot from the previous lap carries a seq that differs by ring_slots. Why each
// ordering suffices on a weakly ordered CPU: docs/shm-format.md, "Memory ordering".
//
// Growth: a ring that may grow keeps its last slot for a switch record (header length
// kSwitchMark, payload RingSwitch): "my next frames are in the ring at this offset of my
// segment". The consumer moves to that ring when it pops the record, so frames stay in order.
//
// Lifetime: the owner holds a shared flock(2) on its segment for as long as it lives, taken
// before the object gets its size. A segment of nonzero size whose lock nobody holds belongs
// to a dead process and may be unlinked by anyone (launcher/agent/shm_cleaner.h).
#ifndef ZMPI_TRANSPORT_SHM_SHM_FORMAT_H_
#define ZMPI_TRANSPORT_SHM_SHM_FORMAT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "common/contract.h"
#include "transport/endpoint.h"

namespace zmpi::transport::shm {

inline constexpr uint32_t kSegmentMagic = 0x7a73686d;  // "zshm"
// 4: line and page in the header; 5: the doorbell's sleep words (`sleeping`, `wake`); 6: the
// copy assist's claim word holds a front and a back chunk index.
inline constexpr uint32_t kSegmentVersion = 6;
static_assert(kSegmentMagic == contract::kShmLockedMagic &&
                  kSegmentVersion >= contract::kShmLockedMinVersion,
              "segments follow the lock convention of common/contract.h");
// The alignment the format's structures are declared with, and the smallest line spacing.
inline constexpr size_t kCacheLine = 64;

// Offsets and strides that depend on this host's cache line and page size, read at run time
// (common/platform/memory_sizes.h): 64-byte lines and 4 KiB pages on x86-64; 64 or 128 and
// 4, 16 or 64 KiB on aarch64. Every process of one host computes the same values; a segment
// records `line` and `page` in its header and a peer with other values is refused (ranks of
// another architecture on an emulated host talk over the network transport instead).
struct Geometry {
  size_t line;           // spacing of independently written words (>= kCacheLine, power of 2)
  size_t page;           // rings and the ring area are page aligned (madvise needs it)
  size_t ring_control;   // RingControl's lines at the start of a ring: 4 lines
  size_t doorbell;       // offset of the Doorbell: 1 line
  size_t ranks;          // offset of ranks[]: 2 lines
  size_t assist_stride;  // AssistControl spacing: 2 lines
  static Geometry For(size_t line, size_t page) {
    return Geometry{line, page, 4 * line, line, 2 * line, 2 * line};
  }
  // This host's, read once.
  static const Geometry& Host();
};
// Header length of a switch record (real frame headers are at most kMaxHeader bytes).
inline constexpr size_t kSwitchMark = 255;
// Payload lengths live in 24 bits of SlotHeader::lengths.
inline constexpr size_t kMaxSlotSize = size_t{1} << 24;

struct SegmentHeader {
  uint32_t magic;
  uint32_t version;
  uint32_t num_ranks;  // entries in ranks[], offers[] and assist[]
  int32_t owner_rank;
  uint32_t max_ring_slots;  // largest ring any pair grows to
  uint32_t slot_size;       // bytes per slot, the same in every ring of the job
  uint32_t offers_offset;
  uint32_t assist_offset;
  uint64_t ring_area_offset;  // page aligned; the segment's size bounds the area
  int64_t owner_pid;
  uint64_t probe_value;  // equals the word at the owner's probe address (single-copy check)
  uint32_t line;         // Geometry::line of the owner's host
  uint32_t page;         // Geometry::page of the owner's host
};
static_assert(sizeof(SegmentHeader) == 64, "SegmentHeader is part of the shm format");

struct alignas(kCacheLine) RingControl {
  std::atomic<uint64_t> tail;  // frames the consumer has finished with
};
static_assert(sizeof(RingControl) <= 4 * kCacheLine, "RingControl must fit its lines");

// The owner's Poll loads `any` and compares it with the last value it saw (one load of a quiet
// line); only then does it look at what changed. Peers bump `rings` (after writing an offer)
// or `reads` (after posting a cooperative Read), then `any`.
//
// Sleeping (only on hosts where ranks outnumber CPUs, Options::wake_sleepers): an owner with
// nothing to do sets `sleeping` (kSleepForFrames, | kSleepForRoom when it also waits for room
// in a full ring), then checks its rings once more and waits on the futex word `wake` for the
// value it read before setting `sleeping`. A producer, after publishing a frame, and a
// consumer, after freeing slots of a sleeper waiting for room, read `sleeping`; if it asks for
// them they clear it, bump `wake` and FUTEX_WAKE it. Both sides put a sequentially consistent
// fence between their store and their load, so either the sleeper sees the frame (or room) or
// the other side sees `sleeping` (docs/shm-format.md, "Sleeping ranks").
struct alignas(kCacheLine) Doorbell {
  std::atomic<uint64_t> any;
  std::atomic<uint64_t> rings;
  std::atomic<uint64_t> reads;
  std::atomic<uint32_t> sleeping;  // 0, or kSleepFor* bits: written by the owner, cleared by wakers
  std::atomic<uint32_t> wake;      // futex word: bumped by each waker
};
inline constexpr uint32_t kSleepForFrames = 1;
inline constexpr uint32_t kSleepForRoom = 2;
static_assert(sizeof(Doorbell) == kCacheLine, "the Doorbell is one line of the shm format");

// offers[i]: byte offset of the ring in local rank i's segment | log2(its slots) (< 32; the
// offset is page aligned, so its low 5 bits are free whatever the page size). 0: no ring yet.
inline constexpr uint64_t kOfferSlotsMask = 31;
inline constexpr uint64_t MakeOffer(uint64_t offset, uint32_t log2_slots) {
  return offset | log2_slots;
}

// The payload of a switch record.
struct RingSwitch {
  uint64_t offset;  // of the new ring in the producer's segment
  uint64_t slots;
};

// A Read of the ring's producer's memory by its consumer, split into chunks that either side
// claims. Written by the consumer (reader), helped by the producer (owner of the source).
struct alignas(kCacheLine) AssistControl {
  std::atomic<uint64_t> claim;  // generation << 32 | next unclaimed chunk
  std::atomic<uint64_t> done;   // chunks finished by either side
  std::atomic<uint64_t> src;    // address in the owner
  std::atomic<uint64_t> dst;    // address in the reader
  std::atomic<uint64_t> len;
  std::atomic<uint64_t> chunk;   // bytes per chunk (the last may be shorter)
  std::atomic<uint32_t> failed;  // the owner could not write a chunk
};
static_assert(sizeof(AssistControl) == kCacheLine, "AssistControl is one cache line");
static_assert(sizeof(AssistControl) <= 2 * kCacheLine, "layout");
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
