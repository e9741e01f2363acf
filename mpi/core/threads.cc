#include "mpi/core/threads.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "common/check.h"
#include "common/cpu_relax.h"
#include "common/platform/platform.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {
namespace {

// The lock word (0 free, 1 held), how many threads wait to take it, who holds it and the CPU
// it ran on when it took the lock. `depth` belongs to the holder (read and written only under
// the lock).
std::atomic<int> held{0};
std::atomic<int> waiters{0};
std::atomic<pthread_t> owner{pthread_t{}};
std::atomic<int> holder_cpu{-1};
std::atomic<int> waiter_cpu{-1};  // the CPU of the thread that last began to wait for the lock
int depth = 0;

std::atomic<bool> main_known{false};
pthread_t main_thread{};

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Whether the other thread (the lock's holder, or the thread waiting for it) was last seen on
// the CPU we run on: then it is not running now (we are), and spinning only keeps it off the
// CPU. With more busy threads than cores (2+2 threads of latency_mt on 2 cores) this is the
// common case, and 128 spins cost ~5 us each time (a `pause` takes ~40 ns on this Xeon).
bool OnMyCpu(const std::atomic<int>& cpu_of_other) {
  int cpu = cpu_of_other.load(std::memory_order_relaxed);
  return cpu >= 0 && cpu == platform::CurrentCpu();
}

// Waiting without the lock: spins briefly (a hand-over between running threads takes well
// under a microsecond), then yields the CPU (the holder may share our core; at once when it
// is known to), and after 20 ms naps 50 us per turn, as ProgressLoop does for a waiting rank.
class Backoff {
 public:
  void Pause(bool yield_now = false) {
    ++turns_;
    if (turns_ < kSpins && !yield_now) {
      CpuRelax();
      return;
    }
    if ((turns_ & 255) == 0) {
      double now = Now();
      if (since_ == 0) since_ = now;
      elapsed_ = now - since_;
    }
    if (elapsed_ < kYieldSeconds) {
      sched_yield();
      return;
    }
    timespec pause{0, 50 * 1000};
    nanosleep(&pause, nullptr);
  }
  int turns() const { return turns_; }
  double elapsed() const { return elapsed_; }

 private:
  static constexpr int kSpins = 128;
  static constexpr double kYieldSeconds = 0.02;
  int turns_ = 0;
  double since_ = 0;
  double elapsed_ = 0;
};

bool TryAcquire() {
  return held.load(std::memory_order_relaxed) == 0 &&
         held.exchange(1, std::memory_order_acquire) == 0;
}

void Acquire() {
  if (!TryAcquire()) [[unlikely]] {
    waiters.fetch_add(1, std::memory_order_relaxed);
    waiter_cpu.store(platform::CurrentCpu(), std::memory_order_relaxed);
    Backoff backoff;
    while (!TryAcquire()) backoff.Pause(OnMyCpu(holder_cpu));
    waiters.fetch_sub(1, std::memory_order_relaxed);
  }
  holder_cpu.store(platform::CurrentCpu(), std::memory_order_relaxed);
}

// Makes the calling thread the holder at depth 1 (it has just acquired the word).
void Own(pthread_t self) {
  owner.store(self, std::memory_order_relaxed);
  depth = 1;
}

void Release() {
  owner.store(pthread_t{}, std::memory_order_relaxed);
  held.store(0, std::memory_order_release);
}

// After Release with a waiter: gives it the chance to take the lock before we compete again
// (without this the releasing thread, whose cache holds the lock word, usually wins).
void LetWaiterIn() {
  Backoff backoff;
  while (held.load(std::memory_order_relaxed) == 0 && waiters.load(std::memory_order_relaxed) > 0 &&
         backoff.turns() < 512) {
    backoff.Pause(OnMyCpu(waiter_cpu));
  }
}

}  // namespace

bool Threads::enabled_ = false;
int Threads::world_level_ = MPI_THREAD_SINGLE;

int Threads::Grant(int required, bool running) {
  int provided = required < MPI_THREAD_SINGLE     ? MPI_THREAD_SINGLE
                 : required > MPI_THREAD_MULTIPLE ? MPI_THREAD_MULTIPLE
                                                  : required;
  if (provided != MPI_THREAD_MULTIPLE || enabled_) return provided;
  if (running) return MPI_THREAD_SERIALIZED;
  enabled_ = true;
  return provided;
}

void Threads::SetWorld(int provided) {
  world_level_ = provided;
  main_thread = pthread_self();
  main_known.store(true, std::memory_order_release);
}

bool Threads::IsMainThread() {
  if (!main_known.load(std::memory_order_acquire)) return true;
  return pthread_equal(main_thread, pthread_self()) != 0;
}

void Threads::Lock() {
  pthread_t self = pthread_self();
  // Only this thread stores its own id into `owner`, and clears it before releasing.
  if (pthread_equal(owner.load(std::memory_order_relaxed), self)) {
    ++depth;
    return;
  }
  Acquire();
  Own(self);
}

void Threads::Unlock() {
  ZMPI_DCHECK(HeldByMe());
  if (--depth > 0) return;
  Release();
}

void Threads::UnlockIfHeld() {
  if (HeldByMe()) Unlock();
}

bool Threads::HeldByMe() {
  return held.load(std::memory_order_relaxed) != 0 &&
         pthread_equal(owner.load(std::memory_order_relaxed), pthread_self());
}

void Threads::Yield(const bool* done) {
  // A wait loop without the lock would race every structure it touches: a missing lock in
  // some entry point shows here, in the first wait of a multi-threaded run.
  ZMPI_CHECK(HeldByMe());
  if (depth != 1 || waiters.load(std::memory_order_relaxed) == 0) return;
  const pthread_t self = pthread_self();
  Release();
  LetWaiterIn();
  if (done != nullptr) {
    // Someone else progresses now; our request completes through their progress. Watch it,
    // and take over when the lock is free (the holder left MPI). After a second, go back to
    // our own loop anyway: it checks for dead peers.
    Backoff backoff;
    while (!__atomic_load_n(done, __ATOMIC_ACQUIRE) && held.load(std::memory_order_relaxed) != 0 &&
           backoff.elapsed() < 1.0) {
      backoff.Pause();
    }
  }
  Acquire();
  Own(self);
}

void Threads::YieldCpu(bool nap) {
  // Only the outermost hold is let go, as in Yield.
  const bool release = HeldByMe() && depth == 1;
  const pthread_t self = pthread_self();
  if (release) Release();
  if (nap) {
    timespec pause{0, 50 * 1000};
    nanosleep(&pause, nullptr);
  } else {
    sched_yield();
  }
  if (release) {
    Acquire();
    Own(self);
  }
}

}  // namespace zmpi::core
