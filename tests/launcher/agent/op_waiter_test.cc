// OpWaiter: the bounded wait for one libpmix operation. The callback here is called the way
// libpmix's progress thread calls it: from another thread, possibly after the wait gave up.
#include "launcher/agent/op_waiter.h"

#include <gtest/gtest.h>

#include <thread>

namespace zmpi::launcher::agent {
namespace {

using std::chrono::milliseconds;

constexpr int kTimedOut = -24;  // stands for PMIX_ERR_TIMEOUT

TEST(OpWaiter, ReturnsTheCallbacksStatus) {
  OpWaiter waiter(milliseconds(10000));
  void* cbdata = waiter.cbdata();
  std::thread progress([cbdata] { OpWaiter::Callback(-7, cbdata); });
  EXPECT_EQ(waiter.Finish(0, kTimedOut), -7);
  progress.join();
}

TEST(OpWaiter, CallbackBeforeTheWaitIsKept) {
  OpWaiter waiter(milliseconds(10000));
  OpWaiter::Callback(0, waiter.cbdata());
  EXPECT_EQ(waiter.Finish(0, kTimedOut), 0);
}

TEST(OpWaiter, ARefusedCallReturnsItsStatusAtOnce) {
  OpWaiter waiter(milliseconds(10000));
  waiter.cbdata();  // handed to a call that failed: libpmix will not call back
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(waiter.Finish(-3, kTimedOut), -3);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
}

// The callback of an operation that outlived its wait (and its waiter) must find live memory:
// it used to point into the waiter's dead stack frame (run under valgrind/ASan to see it).
TEST(OpWaiter, ACallbackAfterTheWaitGaveUpIsHarmless) {
  void* late = nullptr;
  {
    OpWaiter waiter(milliseconds(20));
    late = waiter.cbdata();
    EXPECT_EQ(waiter.Finish(0, kTimedOut), kTimedOut);
  }
  // Overwrite the stack where the waiter lived, then deliver the callback from another thread.
  volatile char scribble[4096];
  for (size_t i = 0; i < sizeof(scribble); ++i) scribble[i] = static_cast<char>(0xff);
  std::thread progress([late] { OpWaiter::Callback(0, late); });
  progress.join();  // returns: the callback neither blocked nor crashed
  OpWaiter next(milliseconds(10000));
  OpWaiter::Callback(5, next.cbdata());
  EXPECT_EQ(next.Finish(0, kTimedOut), 5);
}

}  // namespace
}  // namespace zmpi::launcher::agent
