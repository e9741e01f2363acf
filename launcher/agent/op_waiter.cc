#include "launcher/agent/op_waiter.h"

#include "common/check.h"

namespace zmpi::launcher::agent {

OpWaiter::OpWaiter(std::chrono::milliseconds limit)
    : limit_(limit), state_(std::make_shared<State>()) {}

void* OpWaiter::cbdata() {
  ZMPI_CHECK(cbdata_ == nullptr);  // one call per waiter
  cbdata_ = new std::shared_ptr<State>(state_);
  return cbdata_;
}

void OpWaiter::Callback(int status, void* cbdata) {
  std::unique_ptr<std::shared_ptr<State>> ref(static_cast<std::shared_ptr<State>*>(cbdata));
  State& state = **ref;
  std::lock_guard<std::mutex> lock(state.mutex);
  state.status = status;
  state.done = true;
  state.done_cv.notify_all();
}

int OpWaiter::Finish(int call_status, int timeout_status) {
  void* cbdata = cbdata_;
  cbdata_ = nullptr;
  if (call_status != 0) {  // refused: libpmix never calls back, the reference is ours to drop
    delete static_cast<std::shared_ptr<State>*>(cbdata);
    return call_status;
  }
  std::unique_lock<std::mutex> lock(state_->mutex);
  if (!state_->done_cv.wait_for(lock, limit_, [this] { return state_->done; })) {
    timed_out_ = true;
    return timeout_status;  // a late callback still finds its state alive
  }
  return state_->status;
}

}  // namespace zmpi::launcher::agent
