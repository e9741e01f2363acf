#include "transport/shm/copy_assist.h"

#include <sched.h>
#include <time.h>

#include <algorithm>

#include "common/cpu_relax.h"

namespace zmpi::transport::shm {
namespace {

// claim = generation << 32 | front << 16 | back: chunks [front, back) are unclaimed.
constexpr unsigned kFrontShift = 16;
constexpr uint64_t kHalfMask = 0xffff;

constexpr uint64_t MakeClaim(uint32_t generation, uint64_t front, uint64_t back) {
  return uint64_t{generation} << 32 | front << kFrontShift | back;
}
constexpr uint64_t FrontOf(uint64_t claim) { return (claim >> kFrontShift) & kHalfMask; }
constexpr uint64_t BackOf(uint64_t claim) { return claim & kHalfMask; }

uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

// Halves: measured against 4, 8 and 16 chunks (bw 64 KiB-1 MiB, docs/benchmarks.md), each
// chunk costs a system call and a chunk that changes sides moves its lines between the caches.
size_t CopyAssist::ChunkFor(size_t len) {
  const size_t page = Geometry::Host().page;
  // At most kHalfMask chunks, whatever the length (a claim holds 16-bit chunk indices).
  return std::max(std::min(kMaxChunk, RoundUp((len + 1) / 2, page)),
                  RoundUp(len / kHalfMask + 1, page));
}

Status CopyAssist::Read(PeerProcess& owner, uint64_t src, void* dst, size_t len) {
  if (alone_left_ > 0) {
    --alone_left_;
    return owner.Read(src, dst, len);
  }
  bool missed = false;
  Status status = ReadAssisted(owner, src, dst, len, &missed);
  if (!missed) {
    misses_ = 0;
    back_off_ = kMinBackOff;
  } else if (++misses_ >= kMissesToBackOff) {
    misses_ = 0;
    alone_left_ = back_off_;
    back_off_ = std::min(2 * back_off_, kMaxBackOff);
  }
  return status;
}

Status CopyAssist::ReadAssisted(PeerProcess& owner, uint64_t src, void* dst, size_t len,
                                bool* missed) {
  const uint64_t chunk = ChunkFor(len);
  const uint64_t chunks = (len + chunk - 1) / chunk;
  char* out = static_cast<char*>(dst);
  if (++generation_ == 0) generation_ = 1;
  control_->done.store(0, std::memory_order_relaxed);
  control_->failed.store(0, std::memory_order_relaxed);
  control_->src.store(src, std::memory_order_relaxed);
  control_->dst.store(reinterpret_cast<uint64_t>(dst), std::memory_order_relaxed);
  control_->len.store(len, std::memory_order_relaxed);
  control_->chunk.store(chunk, std::memory_order_relaxed);
  control_->claim.store(MakeClaim(generation_, 0, chunks), std::memory_order_release);
  owner_hint_->fetch_add(1, std::memory_order_release);

  const uint64_t start = NowNs();
  Status status;
  uint64_t claim = control_->claim.load(std::memory_order_relaxed);
  for (;;) {
    const uint64_t front = FrontOf(claim);
    if (front >= BackOf(claim)) break;
    if (!control_->claim.compare_exchange_weak(claim, claim + (uint64_t{1} << kFrontShift),
                                               std::memory_order_acq_rel,
                                               std::memory_order_relaxed)) {
      continue;  // the owner took one from the back: `claim` holds the new value
    }
    const uint64_t off = front * chunk;
    // After a failure keep claiming (and skipping) so the owner is not left the rest.
    if (status.ok()) status = owner.Read(src + off, out + off, std::min(chunk, len - off));
    control_->done.fetch_add(1, std::memory_order_release);
    claim = control_->claim.load(std::memory_order_relaxed);
  }
  // The owner may still be writing chunks it claimed into dst: wait for them.
  const uint64_t copied = NowNs();
  for (uint32_t spins = 1; control_->done.load(std::memory_order_acquire) < chunks; ++spins) {
    if (spins % 65536 == 0 && !owner.Alive()) {
      return Error(Code::kProcAborted, "shm: process %d died during a read",
                   static_cast<int>(owner.pid()));
    }
    // A chunk takes a few to tens of microseconds; past that the owner has probably lost its
    // core (more runnable processes than cores): give it ours.
    if (spins > 4096) sched_yield();
    CpuRelax();
  }
  *missed = NowNs() - copied > copied - start;
  ZMPI_RETURN_IF_ERROR(status);
  if (control_->failed.load(std::memory_order_relaxed) != 0) {
    return owner.Read(src, dst, len);  // the owner could not write its part: do it all
  }
  return OkStatus();
}

int CopyAssist::Help(PeerProcess& reader) {
  int copied = 0;
  uint64_t claim = control_->claim.load(std::memory_order_acquire);
  for (;;) {
    // These belong to claim's generation only if the CAS below succeeds: the reader does not
    // rewrite them before every chunk of that generation is done, and an unclaimed chunk
    // cannot be done.
    const uint64_t src = control_->src.load(std::memory_order_relaxed);
    const uint64_t dst = control_->dst.load(std::memory_order_relaxed);
    const uint64_t len = control_->len.load(std::memory_order_relaxed);
    const uint64_t chunk = control_->chunk.load(std::memory_order_relaxed);
    const uint64_t back = BackOf(claim);
    if (chunk == 0 || FrontOf(claim) >= back) return copied;
    if (!control_->claim.compare_exchange_weak(claim, claim - 1, std::memory_order_acq_rel,
                                               std::memory_order_acquire)) {
      continue;  // `claim` now holds the current value
    }
    const uint64_t off = (back - 1) * chunk;
    Status s = reader.Write(reinterpret_cast<const void*>(src + off), dst + off,
                            std::min(chunk, len - off));
    if (!s.ok()) control_->failed.store(1, std::memory_order_relaxed);
    control_->done.fetch_add(1, std::memory_order_release);
    ++copied;
    claim = control_->claim.load(std::memory_order_acquire);
  }
}

}  // namespace zmpi::transport::shm
