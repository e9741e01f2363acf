#include "transport/shm/sleeper.h"

#include "common/platform/platform.h"

namespace zmpi::transport::shm {

void FinishSleep(Doorbell& bell, uint32_t seen, bool ready, double seconds) {
  if (!ready) platform::WaitOnWord(&bell.wake, seen, seconds);
  bell.sleeping.store(0, std::memory_order_relaxed);
}

void WakeSleeper(Doorbell& bell) {
  // Of several wakers only the one that clears the flag bumps and wakes: one system call.
  if (bell.sleeping.exchange(0, std::memory_order_acq_rel) == 0) return;
  bell.wake.fetch_add(1, std::memory_order_release);
  platform::WakeWordWaiters(&bell.wake);
}

}  // namespace zmpi::transport::shm
