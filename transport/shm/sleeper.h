// Sleeping ranks: the two sides of the doorbell's sleep protocol (shm_format.h, Doorbell).
//
// On a host where ranks outnumber CPUs a waiting rank that polls, or yields, keeps a CPU share
// that a peer on its CPU needs: with Linux's autogroup (a session per rank, as zrun and Hydra
// start them) sched_yield does not even hand the CPU to that peer, so each wait for it cost a
// time slice (docs/benchmarks.md, "Oversubscribed hosts"). So such a rank sleeps on its
// doorbell's futex word, and whoever gives it something to do wakes it.
//
// Owner (the sleeper):   seen = PrepareSleep(bell, reasons);
//                        ready = <look at every ring for a frame, or for room>;
//                        FinishSleep(bell, seen, ready, seconds);
// Peers (wakers):        <publish a frame, or free slots>; WakeIfAsleep(bell, reason);
//
// Why no wake is lost: the sleeper stores `sleeping` and then (after a sequentially consistent
// fence) looks at the rings; a waker stores into a ring and then (after the same fence) loads
// `sleeping`. At least one of them sees the other's store: the sleeper the frame (it does not
// sleep), or the waker the flag (it bumps `wake`, so a futex wait for `seen` returns at once
// or is woken). A spurious wake only costs one more look.
#ifndef ZMPI_TRANSPORT_SHM_SLEEPER_H_
#define ZMPI_TRANSPORT_SHM_SLEEPER_H_

#include <atomic>
#include <cstdint>

#include "transport/shm/shm_format.h"

namespace zmpi::transport::shm {

// Orders this side's earlier stores before its later loads, against the other side doing the
// same (the protocol above). ThreadSanitizer does not model fences (GCC refuses them there:
// -Werror=tsan): under it both sides make a seq_cst read-modify-write of the wake word instead,
// which orders them the same way (the later of the two sees what the other stored before it).
inline void OrderStoresBeforeLoads([[maybe_unused]] Doorbell& bell) {
#if defined(__SANITIZE_THREAD__)
  bell.wake.fetch_add(0, std::memory_order_seq_cst);
#else
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

// Owner: announces a sleep for `reasons` (kSleepFor* bits); returns the wake count to wait on.
inline uint32_t PrepareSleep(Doorbell& bell, uint32_t reasons) {
  const uint32_t seen = bell.wake.load(std::memory_order_acquire);
  bell.sleeping.store(reasons, std::memory_order_relaxed);
  OrderStoresBeforeLoads(bell);
  return seen;
}

// Owner: sleeps unless `ready` (what it found after PrepareSleep), for at most `seconds`, then
// withdraws the announcement.
void FinishSleep(Doorbell& bell, uint32_t seen, bool ready, double seconds);

// Waker: clears the announcement and wakes the owner (cold: only when it sleeps).
[[gnu::cold, gnu::noinline]] void WakeSleeper(Doorbell& bell);

// Waker: after publishing what `reason` (kSleepFor*) names, wakes the owner if it sleeps for it.
inline void WakeIfAsleep(Doorbell& bell, uint32_t reason) {
  OrderStoresBeforeLoads(bell);
  if ((bell.sleeping.load(std::memory_order_relaxed) & reason) != 0) WakeSleeper(bell);
}

}  // namespace zmpi::transport::shm

#endif  // ZMPI_TRANSPORT_SHM_SLEEPER_H_
