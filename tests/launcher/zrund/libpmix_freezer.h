// Stops libpmix's progress thread in this process for real, the way libpmix 4.2.2 stops it by
// itself (docs/zrund.md, "Still open"): a signal sent to that one thread runs a handler that
// waits until Thaw(). Nothing is mocked: every later libpmix call meets the stuck thread.
// The progress thread is the one waiting in epoll (libevent's loop); libpmix's listener waits
// in select and the test's own threads elsewhere. One freezer at a time (SIGUSR2's handler).
#ifndef ZMPI_TESTS_LAUNCHER_ZRUND_LIBPMIX_FREEZER_H_
#define ZMPI_TESTS_LAUNCHER_ZRUND_LIBPMIX_FREEZER_H_

#include <sys/types.h>

#include <functional>

#include <gtest/gtest.h>

namespace zmpi::launcher::zrund {

class LibpmixFreezer {
 public:
  LibpmixFreezer() = default;
  ~LibpmixFreezer() { Thaw(); }
  LibpmixFreezer(const LibpmixFreezer&) = delete;
  LibpmixFreezer& operator=(const LibpmixFreezer&) = delete;

  // Finds the thread (2 s bound) and returns once it waits in the handler.
  ::testing::AssertionResult Freeze();
  // Lets it go on (idempotent).
  void Thaw();

 private:
  pid_t tid_ = -1;
  int release_fd_ = -1;  // write end: one byte lets the handler return
};

// The thread of this process that waits in epoll_wait, or -1.
pid_t EpollThread();

// Runs `body` (gtest assertions and all) in a forked child and fails if it failed there. For
// a PMIx server whose libpmix stopped answering: it is never finalized, and libpmix cannot be
// initialized again in that process. Call it before this process initializes libpmix.
::testing::AssertionResult InOwnProcess(const std::function<void()>& body);

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_TESTS_LAUNCHER_ZRUND_LIBPMIX_FREEZER_H_
