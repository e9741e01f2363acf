// The library lock of MPI_THREAD_MULTIPLE (mpi/core/threads.h): recursion, mutual exclusion,
// hand-over between waiting loops, a waiter that watches its request's flag outside it, and a
// waiting loop that gives up its CPU without the lock.
#include "mpi/core/threads.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "mpi/include/mpi.h"

namespace zmpi::core {
namespace {

// Grant turns the lock on only while the library does not run: once it runs without the
// lock, another thread may be inside an unlocked call, so MULTIPLE becomes SERIALIZED.
TEST(ThreadsTest, GrantClampsAndEnablesOnlyForMultipleWhileNotRunning) {
  EXPECT_EQ(Threads::Grant(-4, false), MPI_THREAD_SINGLE);
  EXPECT_EQ(Threads::Grant(MPI_THREAD_FUNNELED, false), MPI_THREAD_FUNNELED);
  EXPECT_EQ(Threads::Grant(MPI_THREAD_SERIALIZED, true), MPI_THREAD_SERIALIZED);
  EXPECT_FALSE(Threads::enabled());
  EXPECT_EQ(Threads::Grant(MPI_THREAD_MULTIPLE, true), MPI_THREAD_SERIALIZED);
  EXPECT_FALSE(Threads::enabled());
  EXPECT_EQ(Threads::Grant(MPI_THREAD_MULTIPLE + 5, false), MPI_THREAD_MULTIPLE);
  EXPECT_TRUE(Threads::enabled());
  // On already: a later model that asks gets it, running or not; lower asks stay lower.
  EXPECT_EQ(Threads::Grant(MPI_THREAD_MULTIPLE, true), MPI_THREAD_MULTIPLE);
  EXPECT_EQ(Threads::Grant(MPI_THREAD_FUNNELED, true), MPI_THREAD_FUNNELED);
}

TEST(ThreadsTest, IsRecursiveAndOwned) {
  EXPECT_FALSE(Threads::HeldByMe());
  Threads::Lock();
  Threads::Lock();
  EXPECT_TRUE(Threads::HeldByMe());
  std::thread other([] { EXPECT_FALSE(Threads::HeldByMe()); });
  other.join();
  Threads::Unlock();
  EXPECT_TRUE(Threads::HeldByMe());
  Threads::Unlock();
  EXPECT_FALSE(Threads::HeldByMe());
  Threads::UnlockIfHeld();  // not held: nothing happens
  EXPECT_FALSE(Threads::HeldByMe());
}

TEST(ThreadsTest, ExcludesOtherThreads) {
  constexpr int kThreads = 4, kRounds = 20000;
  long counter = 0;  // plain: only the lock protects it
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < kRounds; ++i) {
        AnytimeLock hold;
        counter = counter + 1;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter, long{kThreads} * kRounds);
}

// A thread spinning in a wait loop (lock held, Yield between passes) must let another
// thread in; without the hand-over the second thread would wait until the loop ends.
TEST(ThreadsTest, YieldLetsAWaiterIn) {
  std::atomic<bool> entered{false};
  Threads::Lock();
  std::thread other([&entered] {
    AnytimeLock hold;
    entered = true;
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!entered && std::chrono::steady_clock::now() < deadline) Threads::Yield();
  EXPECT_TRUE(entered);
  EXPECT_TRUE(Threads::HeldByMe());
  Threads::Unlock();
  other.join();
}

// A nested hold (a callback inside a call) keeps the lock through Yield.
TEST(ThreadsTest, NestedHoldIsNotReleasedByYield) {
  std::atomic<bool> entered{false};
  Threads::Lock();
  Threads::Lock();
  std::thread other([&entered] {
    AnytimeLock hold;
    entered = true;
  });
  for (int i = 0; i < 1000; ++i) Threads::Yield();
  EXPECT_FALSE(entered);
  Threads::Unlock();
  Threads::Unlock();
  other.join();
  EXPECT_TRUE(entered);
}

// Two waiting loops: the one that hands the lock over waits outside it for its flag, which
// the other (now progressing) sets; it returns holding the lock.
TEST(ThreadsTest, YieldWithFlagWaitsOutsideUntilDone) {
  bool done = false;
  std::atomic<bool> flag_set{false};
  Threads::Lock();
  std::thread progressor([&] {
    AnytimeLock hold;
    MarkComplete(&done);  // as Engine::Complete does, under the lock
    flag_set = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE) && std::chrono::steady_clock::now() < deadline) {
    Threads::Yield(&done);
  }
  EXPECT_TRUE(done);
  EXPECT_TRUE(flag_set);
  EXPECT_TRUE(Threads::HeldByMe());
  Threads::Unlock();
  progressor.join();
}

// A waiting loop that gives up the CPU lets the lock go meanwhile (a thread entering the
// library gets in) and holds it again when it returns.
TEST(ThreadsTest, YieldCpuLetsTheLockGo) {
  std::atomic<bool> entered{false};
  Threads::Lock();
  std::thread other([&entered] {
    AnytimeLock hold;
    entered = true;
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int i = 0; !entered && std::chrono::steady_clock::now() < deadline; ++i) {
    Threads::YieldCpu(i % 8 == 7);
    EXPECT_TRUE(Threads::HeldByMe());
  }
  EXPECT_TRUE(entered);
  Threads::Unlock();
  other.join();
  EXPECT_FALSE(Threads::HeldByMe());
}

// A nested hold (a callback inside a call) keeps the lock through YieldCpu, as through Yield.
TEST(ThreadsTest, YieldCpuKeepsANestedHold) {
  std::atomic<bool> entered{false};
  Threads::Lock();
  Threads::Lock();
  std::thread other([&entered] {
    AnytimeLock hold;
    entered = true;
  });
  for (int i = 0; i < 200; ++i) Threads::YieldCpu(false);
  EXPECT_FALSE(entered);
  Threads::Unlock();
  Threads::Unlock();
  other.join();
  EXPECT_TRUE(entered);
}

// Threads that give up their CPU inside their holds (the lock goes to others meanwhile) still
// exclude each other before and after: no increment is lost.
TEST(ThreadsTest, YieldCpuKeepsExclusion) {
  constexpr int kThreads = 4, kRounds = 2000;
  long counter = 0;  // plain: only the lock protects it
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < kRounds; ++i) {
        AnytimeLock hold;
        counter = counter + 1;
        Threads::YieldCpu(false);
        counter = counter + 1;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter, 2L * kThreads * kRounds);
}

TEST(ThreadsTest, MainThreadIsTheOneThatInitialized) {
  Threads::SetWorld(MPI_THREAD_MULTIPLE);
  EXPECT_EQ(Threads::world_level(), MPI_THREAD_MULTIPLE);
  EXPECT_TRUE(Threads::IsMainThread());
  bool other_is_main = true;
  std::thread other([&other_is_main] { other_is_main = Threads::IsMainThread(); });
  other.join();
  EXPECT_FALSE(other_is_main);
}

}  // namespace
}  // namespace zmpi::core
