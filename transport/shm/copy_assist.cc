#include "transport/shm/copy_assist.h"

#include <sched.h>
#include <time.h>

#include <algorithm>

#include "common/cpu_relax.h"

namespace zmpi::transport::shm {
namespace {

constexpr uint64_t kChunkMask = 0xffffffffu;

uint64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

size_t CopyAssist::ChunkFor(size_t len) {
  // Enough chunks that the two sides finish close together, few enough that syscall and
  // claim costs stay small next to the copy.
  return std::max(size_t{32} << 10, RoundUp(len / 16, Geometry::Host().page));
}

bool CopyAssist::NextReadAssisted() const {
  if (cost_[1] == 0) return true;
  if (cost_[0] == 0) return false;
  const bool assisted_cheaper = cost_[1] < cost_[0];
  return (reads_ + 1) % kExplorePeriod == 0 ? !assisted_cheaper : assisted_cheaper;
}

Status CopyAssist::Read(PeerProcess& owner, uint64_t src, void* dst, size_t len) {
  const bool assisted = NextReadAssisted();
  ++reads_;
  const uint64_t start = NowNs();
  Status status = assisted ? ReadAssisted(owner, src, dst, len) : owner.Read(src, dst, len);
  const double cost = static_cast<double>(NowNs() - start) / static_cast<double>(len);
  double& average = cost_[assisted ? 1 : 0];
  average = average == 0 ? cost : 0.75 * average + 0.25 * cost;
  return status;
}

Status CopyAssist::ReadAssisted(PeerProcess& owner, uint64_t src, void* dst, size_t len) {
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
  control_->claim.store(uint64_t{generation_} << 32, std::memory_order_release);
  owner_hint_->fetch_add(1, std::memory_order_release);

  Status status;
  for (;;) {
    const uint64_t c = control_->claim.fetch_add(1, std::memory_order_acq_rel) & kChunkMask;
    if (c >= chunks) break;
    const uint64_t off = c * chunk;
    // After a failure keep claiming (and skipping) so the owner is not left the rest.
    if (status.ok()) status = owner.Read(src + off, out + off, std::min(chunk, len - off));
    control_->done.fetch_add(1, std::memory_order_release);
  }
  // The owner may still be writing chunks it claimed into dst: wait for them.
  for (uint32_t spins = 1; control_->done.load(std::memory_order_acquire) < chunks; ++spins) {
    if (spins % 65536 == 0 && !owner.Alive()) {
      return Error(Code::kProcAborted, "shm: process %d died during a read",
                   static_cast<int>(owner.pid()));
    }
    // A chunk takes tens of microseconds; past that the owner has probably lost its core
    // (more runnable processes than cores): give it ours.
    if (spins > 4096) sched_yield();
    CpuRelax();
  }
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
    const uint64_t c = claim & kChunkMask;
    if (chunk == 0 || c >= (len + chunk - 1) / chunk) return copied;
    if (!control_->claim.compare_exchange_weak(claim, claim + 1, std::memory_order_acq_rel,
                                               std::memory_order_acquire)) {
      continue;  // `claim` now holds the current value
    }
    const uint64_t off = c * chunk;
    Status s = reader.Write(reinterpret_cast<const void*>(src + off), dst + off,
                            std::min(chunk, len - off));
    if (!s.ok()) control_->failed.store(1, std::memory_order_relaxed);
    control_->done.fetch_add(1, std::memory_order_release);
    ++copied;
    claim = control_->claim.load(std::memory_order_acquire);
  }
}

}  // namespace zmpi::transport::shm
