#include "launcher/agent/signal_pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

namespace zmpi::launcher::agent {

namespace {

// Write end for the handler; set once by Install, cleared by the destructor.
volatile sig_atomic_t g_signal_write_fd = -1;

void OnSignal(int signo) {
  int saved = errno;
  unsigned char byte = static_cast<unsigned char>(signo);
  int fd = g_signal_write_fd;
  if (fd >= 0) {
    ssize_t ignored = write(fd, &byte, 1);  // full pipe: the loop already has work to do
    (void)ignored;
  }
  errno = saved;
}

}  // namespace

Status SignalPipe::Install(const std::vector<int>& signals) {
  if (read_fd_ >= 0) return Error(Code::kIntern, "signal pipe installed twice");
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    return Error(Code::kOther, "pipe2: %s", strerror(errno));
  }
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  g_signal_write_fd = write_fd_;
  for (int signo : signals) {
    struct sigaction action = {};
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART | (signo == SIGCHLD ? SA_NOCLDSTOP : 0);
    struct sigaction old = {};
    if (sigaction(signo, &action, &old) != 0) {
      return Error(Code::kOther, "sigaction(%d): %s", signo, strerror(errno));
    }
    previous_.emplace_back(signo, old);
  }
  return OkStatus();
}

std::vector<int> SignalPipe::Drain() {
  std::vector<int> out;
  unsigned char buf[64];
  for (int i = 0; i < 16; ++i) {  // bounded: at most 1024 pending signals per call
    ssize_t n = read(read_fd_, buf, sizeof(buf));
    if (n <= 0) break;
    for (ssize_t j = 0; j < n; ++j) out.push_back(buf[j]);
  }
  return out;
}

SignalPipe::~SignalPipe() {
  for (auto& [signo, old] : previous_) sigaction(signo, &old, nullptr);
  g_signal_write_fd = -1;
  if (read_fd_ >= 0) close(read_fd_);
  if (write_fd_ >= 0) close(write_fd_);
}

}  // namespace zmpi::launcher::agent
