#include "mpi/core/threads.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <cstdint>

#include "common/check.h"
#include "common/cpu_relax.h"
#include "common/platform/platform.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {
namespace {

// The lock word (0 free, 1 held), how many threads wait to take it, and who holds it. `depth`
// belongs to the holder (read and written only under the lock).
std::atomic<uint32_t> held{0};
std::atomic<int> waiters{0};
std::atomic<pthread_t> owner{pthread_t{}};
int depth = 0;

// Where the platform can block on a word (Linux: a futex), a thread that waits for the lock
// or for its request's flag longer than a short spin sleeps on `wake` instead of yielding the
// CPU: under MPI_THREAD_MULTIPLE a process often has more threads in MPI than it has cores,
// and a thread that sched_yields among busy threads gets the CPU back only after theirs
// (milliseconds on a loaded host), while a woken sleeper runs at once. `sleepers` counts the
// threads in (or about to enter) that sleep. Whoever makes a sleeper's condition true bumps
// `wake` and wakes them: Release (the lock is free) and the lock holder's Yield, which looks
// at the flags that sleeping watchers published in `watched` (one slot each; a watcher that
// finds no free slot sleeps kSleepSeconds at a time). Sleepers and wakers order their steps
// with seq_cst read-modify-writes and loads (a sleeper: publish, count itself, read `wake`,
// test its condition, sleep while `wake` is unchanged; a waker: make the condition true, a
// read-modify-write, read the count and slots, bump `wake`), so no wake-up is lost; each
// sleep is bounded by kSleepSeconds anyway.
std::atomic<uint32_t> wake{0};
std::atomic<uint32_t> sleepers{0};
const bool can_sleep = platform::CanWaitOnWords();
constexpr int kWatchSlots = 16;
std::atomic<const bool*> watched[kWatchSlots];

std::atomic<bool> main_known{false};
pthread_t main_thread{};

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Waiting without the lock: spins briefly (a hand-over between running threads takes well
// under a microsecond), then yields the CPU (the holder may share our core), and after 20 ms
// naps 50 us per turn, as ProgressLoop does for a waiting rank. Used where the platform cannot
// sleep on a word (WaitUntil) and for bounded spins.
class Backoff {
 public:
  void Pause() {
    ++turns_;
    if (turns_ < kSpins) {
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

constexpr int kSpinsBeforeSleep = 1024;
constexpr double kSleepSeconds = 0.01;

// Waits until `ready()` is true or `limit` seconds passed (checked between sleeps); returns
// ready(). Spins kSpinsBeforeSleep turns, then sleeps on `wake` (or backs off where the
// platform cannot). `done` (may be null): the flag this wait watches, published in a slot of
// `watched` so the lock holder wakes us when it is set.
template <typename Ready>
bool WaitUntil(Ready ready, double limit, const bool* done = nullptr) {
  for (int i = 0; i < kSpinsBeforeSleep; ++i) {
    if (ready()) return true;
    CpuRelax();
  }
  if (!can_sleep) {
    Backoff backoff;
    while (!ready()) {
      if (backoff.elapsed() >= limit) return false;
      backoff.Pause();
    }
    return true;
  }
  int slot = -1;
  for (int i = 0; done != nullptr && i < kWatchSlots && slot < 0; ++i) {
    const bool* expected = nullptr;
    if (watched[i].compare_exchange_strong(expected, done, std::memory_order_seq_cst)) slot = i;
  }
  const double deadline = Now() + limit;
  sleepers.fetch_add(1, std::memory_order_seq_cst);
  bool ok;
  for (;;) {
    uint32_t seen = wake.load(std::memory_order_seq_cst);
    if ((ok = ready())) break;
    double left = deadline - Now();
    if (left <= 0) break;
    platform::WaitOnWord(&wake, seen, left < kSleepSeconds ? left : kSleepSeconds);
  }
  sleepers.fetch_sub(1, std::memory_order_relaxed);
  if (slot >= 0) {
    // The waker may have emptied the slot already.
    const bool* expected = done;
    watched[slot].compare_exchange_strong(expected, nullptr, std::memory_order_relaxed);
  }
  return ok;
}

// The lock holder, between progress passes, while someone sleeps: wakes the sleepers when a
// published flag is set (its request completed in our progress), and empties that slot so
// later passes do not wake them again.
void WakeCompleted() {
  wake.fetch_add(0, std::memory_order_seq_cst);  // orders the flags' stores before the reads
  bool any = false;
  for (int i = 0; i < kWatchSlots; ++i) {
    const bool* flag = watched[i].load(std::memory_order_seq_cst);
    if (flag != nullptr && __atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
      watched[i].compare_exchange_strong(flag, nullptr, std::memory_order_relaxed);
      any = true;
    }
  }
  if (any) {
    wake.fetch_add(1, std::memory_order_seq_cst);
    platform::WakeWordWaiters(&wake);
  }
}

bool TryAcquire() {
  return held.load(std::memory_order_relaxed) == 0 &&
         held.exchange(1, std::memory_order_acquire) == 0;
}

void Acquire() {
  if (TryAcquire()) [[likely]]
    return;
  waiters.fetch_add(1, std::memory_order_relaxed);
  while (!WaitUntil([] { return TryAcquire(); }, 1e9)) {
  }
  waiters.fetch_sub(1, std::memory_order_relaxed);
}

void Release() {
  owner.store(pthread_t{}, std::memory_order_relaxed);
  if (!can_sleep) {
    held.store(0, std::memory_order_release);
    return;
  }
  // An exchange, not a store: the load of `sleepers` must not be ordered before it.
  held.exchange(0, std::memory_order_seq_cst);
  if (sleepers.load(std::memory_order_seq_cst) != 0) [[unlikely]] {
    wake.fetch_add(1, std::memory_order_seq_cst);
    platform::WakeWordWaiters(&wake);
  }
}

// After Release with a waiter: gives it the chance to take the lock before we compete again
// (without this the releasing thread, whose cache holds the lock word, usually wins). A
// waiter that sleeps was woken by Release and takes a few microseconds to run: spin only
// briefly then, and let it take the lock while we wait on our own terms.
void LetWaiterIn() {
  Backoff backoff;
  const int turns = can_sleep ? kSpinsBeforeSleep : 512;
  while (held.load(std::memory_order_relaxed) == 0 && waiters.load(std::memory_order_relaxed) > 0 &&
         backoff.turns() < turns) {
    backoff.Pause();
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
  owner.store(self, std::memory_order_relaxed);
  depth = 1;
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
  // A pass may have completed a request another thread sleeps on.
  if (sleepers.load(std::memory_order_relaxed) != 0) [[unlikely]]
    WakeCompleted();
  if (depth != 1 || waiters.load(std::memory_order_relaxed) == 0) return;
  const pthread_t self = pthread_self();
  Release();
  LetWaiterIn();
  if (done != nullptr) {
    // Someone else progresses now; our request completes through their progress. Watch it
    // (sleeping where we can), and take over when the lock is free (the holder left MPI).
    // After a second, go back to our own loop anyway: it checks for dead peers.
    WaitUntil(
        [done] {
          return __atomic_load_n(done, __ATOMIC_ACQUIRE) ||
                 held.load(std::memory_order_seq_cst) == 0;
        },
        1.0, done);
  }
  Acquire();
  owner.store(self, std::memory_order_relaxed);
  depth = 1;
}

}  // namespace zmpi::core
