// OpWaiter: waits, bounded, for one libpmix operation that completes through a
// pmix_op_cbfunc_t (registration and deregistration of namespaces and clients).
//
// The callback may come after the wait gave up (libpmix's thread was slow or stuck) or never.
// Its cbdata therefore owns a reference to the shared state instead of pointing into the
// waiter's stack frame: a late callback writes into live memory and changes nothing else. (A
// cbdata that pointed at the waiter itself made a late callback lock a mutex in a dead stack
// frame, which can block libpmix's progress thread for good.)
#ifndef ZMPI_LAUNCHER_AGENT_OP_WAITER_H_
#define ZMPI_LAUNCHER_AGENT_OP_WAITER_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace zmpi::launcher::agent {

class OpWaiter {
 public:
  explicit OpWaiter(std::chrono::milliseconds limit);

  // The cbdata for the one libpmix call this waiter waits for.
  void* cbdata();
  // The pmix_op_cbfunc_t to pass with cbdata() (pmix_status_t is an int).
  static void Callback(int status, void* cbdata);
  // `call_status` is what the libpmix call returned: if it is not 0 (PMIX_SUCCESS) the
  // callback never comes and that status is the result. Else waits at most the limit for the
  // callback and returns its status, or `timeout_status` if it did not come in time.
  int Finish(int call_status, int timeout_status);
  // Whether Finish gave up waiting (the callback had not come within the limit).
  bool timed_out() const { return timed_out_; }

 private:
  struct State {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    int status = 0;
  };
  std::chrono::milliseconds limit_;
  std::shared_ptr<State> state_;
  void* cbdata_ = nullptr;  // a heap std::shared_ptr<State>, until the callback or Finish frees it
  bool timed_out_ = false;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_OP_WAITER_H_
