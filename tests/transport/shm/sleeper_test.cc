// The doorbell's sleep protocol (transport/shm/sleeper.h) between two threads: a waker finds
// a sleeper, a sleeper that has work does not sleep, the reasons are kept apart, and no wake
// is lost in a long ping-pong where each side sleeps for its turn. (Where the platform cannot
// wait on a word, FinishSleep returns at once and the same loops poll and yield: they pass
// there too.)
#include "transport/shm/sleeper.h"

#include "common/platform/platform.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace zmpi::transport::shm {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

TEST(SleeperTest, NobodyAsleepNobodyWoken) {
  Doorbell bell{};
  WakeIfAsleep(bell, kSleepForFrames);
  WakeIfAsleep(bell, kSleepForRoom);
  EXPECT_EQ(bell.wake.load(), 0u);
  EXPECT_EQ(bell.sleeping.load(), 0u);
}

TEST(SleeperTest, ReadyMeansNoSleep) {
  Doorbell bell{};
  auto start = std::chrono::steady_clock::now();
  uint32_t seen = PrepareSleep(bell, kSleepForFrames);
  EXPECT_EQ(bell.sleeping.load(), kSleepForFrames);
  FinishSleep(bell, seen, /*ready=*/true, /*seconds=*/30);
  EXPECT_LT(Seconds(start), 10.0);
  EXPECT_EQ(bell.sleeping.load(), 0u);
}

TEST(SleeperTest, WakesOnlyForItsReasons) {
  Doorbell bell{};
  PrepareSleep(bell, kSleepForFrames);
  WakeIfAsleep(bell, kSleepForRoom);  // a consumer freeing slots: not what it waits for
  EXPECT_EQ(bell.wake.load(), 0u);
  EXPECT_EQ(bell.sleeping.load(), kSleepForFrames);
  WakeIfAsleep(bell, kSleepForFrames);
  EXPECT_EQ(bell.wake.load(), 1u);
  EXPECT_EQ(bell.sleeping.load(), 0u);  // the waker took the announcement: one wake only
  WakeIfAsleep(bell, kSleepForFrames);
  EXPECT_EQ(bell.wake.load(), 1u);
  PrepareSleep(bell, kSleepForFrames | kSleepForRoom);
  WakeIfAsleep(bell, kSleepForRoom);
  EXPECT_EQ(bell.wake.load(), 2u);
}

// A wake that came between PrepareSleep and the wait ends the wait at once.
TEST(SleeperTest, WakeBeforeTheWaitIsNotLost) {
  Doorbell bell{};
  auto start = std::chrono::steady_clock::now();
  uint32_t seen = PrepareSleep(bell, kSleepForFrames);
  WakeIfAsleep(bell, kSleepForFrames);
  FinishSleep(bell, seen, /*ready=*/false, /*seconds=*/30);
  EXPECT_LT(Seconds(start), 10.0);
}

TEST(SleeperTest, SleeperIsWoken) {
  Doorbell bell{};
  std::atomic<int> frames{0};
  std::thread waker([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    frames.store(1, std::memory_order_release);
    WakeIfAsleep(bell, kSleepForFrames);
  });
  auto start = std::chrono::steady_clock::now();
  while (frames.load(std::memory_order_acquire) == 0 && Seconds(start) < 30) {
    uint32_t seen = PrepareSleep(bell, kSleepForFrames);
    FinishSleep(bell, seen, frames.load(std::memory_order_relaxed) != 0, /*seconds=*/30);
  }
  waker.join();
  EXPECT_EQ(frames.load(), 1);
  EXPECT_LT(Seconds(start), 10.0);  // woken, not timed out after 30 s
}

// Pins the calling thread to `cpu` where the OS lets us choose (both players on one CPU: each
// turn must then go through a sleep and a wake).
void PinTo(int cpu) {
#ifdef __linux__
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
#else
  (void)cpu;
#endif
}

// Two threads take turns through one word, each sleeping until the other's move: a lost
// wake would cost a whole sleep (5 s), so the run's length shows whether any was lost.
TEST(SleeperTest, PingPongLosesNoWake) {
  constexpr int kTurns = 2000;
  constexpr double kSleep = 5;
  Doorbell bells[2]{};
  std::atomic<int> turn{0};
#ifdef __linux__
  const int cpu = std::max(sched_getcpu(), 0);
#else
  const int cpu = 0;
#endif
  auto player = [&](int me) {
    PinTo(cpu);
    for (int t = me; t < 2 * kTurns; t += 2) {
      auto start = std::chrono::steady_clock::now();
      while (turn.load(std::memory_order_acquire) != t && Seconds(start) < 3 * kSleep) {
        uint32_t seen = PrepareSleep(bells[me], kSleepForFrames);
        FinishSleep(bells[me], seen, turn.load(std::memory_order_relaxed) == t, kSleep);
        // Where the platform cannot wait on a word (the portable build) FinishSleep returns at
        // once and a rank yields instead, as ProgressLoop::Pace does there.
        if (!zmpi::platform::CanWaitOnWords()) std::this_thread::yield();
      }
      turn.store(t + 1, std::memory_order_release);
      WakeIfAsleep(bells[1 - me], kSleepForFrames);
    }
  };
  auto start = std::chrono::steady_clock::now();
  std::thread first(player, 0), second(player, 1);  // not this thread: it stays unpinned
  first.join();
  second.join();
  EXPECT_EQ(turn.load(), 2 * kTurns);
  EXPECT_LT(Seconds(start), kSleep);
}

}  // namespace
}  // namespace zmpi::transport::shm
