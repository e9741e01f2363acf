// Ordering stress for the ring protocol (docs/shm-format.md, "Memory ordering"): a producer
// and a consumer in two processes, sharing memory the way two ranks do, push a hundred
// thousand frames through small rings that wrap every few frames and grow through switch
// records. Every frame's header, length and every payload word are checked, so a consumer
// that read a slot before the producer's writes reached it (missing release/acquire on seq),
// a producer that overwrote a slot the consumer was still reading (missing release on tail),
// or a switch record that published a ring before its memory, shows as a wrong word.
// Runs natively and under qemu-user (tools/cross-aarch64.sh). qemu on an x86-64 host keeps
// the host's strong ordering, so there it checks the protocol, not the barriers; on real
// aarch64 hardware it checks both.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/cpu_relax.h"
#include "tests/transport/shm/fork_job.h"
#include "transport/shm/ring.h"
#include "transport/shm/shm_format.h"

namespace zmpi::transport::shm {
namespace {

using testing::Deadline;

constexpr size_t kSlotSize = 256;
constexpr int kRings = 6;  // 2, 4, ... 64 slots: the producer switches up through all of them
constexpr uint64_t kFrames = 100000;

uint64_t Word(uint64_t frame, size_t i) { return (frame << 20 | i) * 0x9E3779B97F4A7C15ULL; }

// Payload length of frame `f`: every length from 0 to the slot's maximum, in a scattered order.
size_t PayloadLen(uint64_t f) { return (f * 7919) % (Ring::MaxPayloadFor(kSlotSize) / 8 + 1) * 8; }

// Spin a little, then give the core away: the test must not depend on two free cores.
void Backoff(uint32_t* spins) {
  if (++*spins % 64 == 0) {
    sched_yield();
  } else {
    CpuRelax();
  }
}

size_t RingBytes(int r) { return Ring::BytesFor(size_t{2} << r, kSlotSize); }

struct SharedRings {
  explicit SharedRings() {
    for (int r = 0; r < kRings; ++r) offset[r] = total, total += RingBytes(r);
    base = static_cast<char*>(
        mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  }
  ~SharedRings() {
    if (base != MAP_FAILED) munmap(base, total);
  }
  Ring At(int r) const { return Ring(base + offset[r], size_t{2} << r, kSlotSize); }
  size_t offset[kRings] = {};
  size_t total = 0;
  char* base = static_cast<char*>(MAP_FAILED);
};

// The producer (a child process): 0 on success.
int Produce(const SharedRings& shared, uint64_t frames) {
  int r = 0;
  Ring ring = shared.At(r);
  ring.SetGrowable(r + 1 < kRings, /*full_before_grow=*/3);
  std::vector<uint64_t> payload(Ring::MaxPayloadFor(kSlotSize) / 8);
  Deadline deadline(120);
  uint32_t spins = 0;
  for (uint64_t f = 0; f < frames;) {
    if (deadline.Expired()) return 2;
    const size_t len = PayloadLen(f);
    for (size_t i = 0; i < len / 8; ++i) payload[i] = Word(f, i);
    if (ring.TryPush(&f, sizeof(f), payload.data(), len)) {
      ++f;
      continue;
    }
    Backoff(&spins);
    if (r + 1 < kRings) {  // busy: grow into the next ring, as the endpoint does
      ++r;
      if (!ring.PushSwitch(RingSwitch{shared.offset[r], size_t{2} << r})) return 3;
      ring = shared.At(r);
      ring.SetGrowable(r + 1 < kRings, 3);
    }
  }
  return 0;
}

TEST(RingStressTest, FramesArriveWholeAndInOrderAcrossProcesses) {
  SharedRings shared;
  ASSERT_NE(shared.base, MAP_FAILED);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(Produce(shared, kFrames));

  int r = 0;
  Ring ring = shared.At(0);
  uint64_t next = 0, bad = 0, switches = 0;
  uint32_t spins = 0;
  Deadline deadline(120);
  while (next < kFrames && !deadline.Expired() && bad == 0) {
    Frame frame;
    if (!ring.Peek(&frame)) {
      Backoff(&spins);
      continue;
    }
    if (Ring::IsSwitch(frame)) {
      RingSwitch to;
      memcpy(&to, frame.header, sizeof(to));
      ring.Pop();
      ++r, ++switches;
      ASSERT_LT(r, kRings);
      ASSERT_EQ(to.offset, shared.offset[r]);
      ASSERT_EQ(to.slots, size_t{2} << r);
      ring = shared.At(r);
      continue;
    }
    uint64_t f = ~uint64_t{0};
    if (frame.header_len == sizeof(f)) memcpy(&f, frame.header, sizeof(f));
    if (f != next || frame.payload_len != PayloadLen(next)) {
      ADD_FAILURE() << "frame " << next << ": got header " << f << ", payload "
                    << frame.payload_len << " bytes (expected " << PayloadLen(next) << ")";
      ++bad;
      break;
    }
    const auto* words = static_cast<const uint64_t*>(frame.payload);
    for (size_t i = 0; i < frame.payload_len / 8; ++i) {
      uint64_t w;
      memcpy(&w, words + i, sizeof(w));
      if (w != Word(next, i)) {
        ADD_FAILURE() << "frame " << next << " word " << i << " is stale or torn";
        ++bad;
        break;
      }
    }
    ring.Pop();
    ++next;
  }
  if (next < kFrames) kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_EQ(next, kFrames) << "consumer stopped early (deadline or bad frame)";
  EXPECT_EQ(bad, 0u);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "producer status " << status;
  EXPECT_EQ(switches, uint64_t{kRings - 1});  // a busy pair grew all the way
}

}  // namespace
}  // namespace zmpi::transport::shm
