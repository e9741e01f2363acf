#include "launcher/zrun/teardown_guard.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

namespace zmpi::launcher::zrun {

TeardownGuard::TeardownGuard(Options options) : options_(std::move(options)) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;  // no guard: the teardown as before
  stop_read_fd_ = fds[0];
  stop_write_fd_ = fds[1];
  thread_ = std::thread([this] { Watch(); });
}

TeardownGuard::~TeardownGuard() {
  if (thread_.joinable()) {
    char byte = 1;
    ssize_t ignored = write(stop_write_fd_, &byte, 1);
    (void)ignored;
    thread_.join();
  }
  if (stop_read_fd_ >= 0) close(stop_read_fd_);
  if (stop_write_fd_ >= 0) close(stop_write_fd_);
}

void TeardownGuard::Watch() {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + options_.limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) Leave(0);
    pollfd fds[2] = {{stop_read_fd_, POLLIN, 0}, {options_.signal_fd, POLLIN, 0}};
    int n = poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (n <= 0) continue;
    if (fds[0].revents != 0) return;  // the teardown is done
    if (fds[1].revents & POLLIN) {
      unsigned char buf[64];
      ssize_t got = read(options_.signal_fd, buf, sizeof(buf));
      for (ssize_t i = 0; i < got; ++i) {
        if (buf[i] != SIGCHLD) Leave(buf[i]);
      }
    } else if (fds[1].revents != 0) {
      return;  // the pipe is gone: nothing to watch
    }
  }
}

void TeardownGuard::Leave(int signo) {
  std::string line = options_.label + ": ";
  if (signo != 0) {
    line += "got signal " + std::to_string(signo) + " (" + strsignal(signo) +
            ") while cleaning up after the job; leaving the PMIx server as it is\n";
  } else {
    line += "the PMIx server did not shut down within " + std::to_string(options_.limit.count()) +
            " ms after the job; leaving it as it is\n";
  }
  ssize_t ignored = write(2, line.data(), line.size());
  (void)ignored;
  if (options_.cleanup) options_.cleanup();
  int code = options_.job_exit_code;
  if (code == 0 && signo != 0) code = 128 + signo;
  _exit(code);
}

}  // namespace zmpi::launcher::zrun
