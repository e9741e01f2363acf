#include "launcher/zrun/stdin_feeder.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/platform/platform.h"
#include "launcher/zrun/options.h"

namespace zmpi::launcher::zrun {

namespace {

// The feeder's loop, in the forked child: fd 0 into every pipe until EOF or no reader is left.
[[noreturn]] void Feed(pid_t parent, std::vector<int> outs) {
  // Where the OS cannot kill us with zrun, EPIPE on every rank's pipe ends us once they go.
  platform::KillWhenParentDies();
  if (getppid() != parent) _exit(0);
  signal(SIGPIPE, SIG_IGN);  // a rank that exited shows up as EPIPE on its pipe
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGCHLD}) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  char buf[1 << 16];
  size_t open = outs.size();
  while (open > 0) {
    ssize_t n = read(0, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF, or stdin unreadable: either way the ranks get EOF
    for (int& fd : outs) {
      for (ssize_t done = 0; fd >= 0 && done < n;) {
        ssize_t w = write(fd, buf + done, static_cast<size_t>(n - done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
          close(fd);
          fd = -1;
          --open;
          break;
        }
        done += w;
      }
    }
  }
  _exit(0);
}

}  // namespace

Status StdinFeeder::Prepare(int reader, int nranks) {
  fd_for_rank_.assign(static_cast<size_t>(nranks), -1);
  if (reader == Options::kStdinNone) return OkStatus();
  if (reader >= nranks) {
    return Error(Code::kArg, "--stdin %d: no such rank (the job has %d)", reader, nranks);
  }
  if (fcntl(0, F_GETFD) < 0) return OkStatus();  // zrun has no stdin: everyone reads /dev/null
  if (reader >= 0 && !isatty(0)) {
    fd_for_rank_[static_cast<size_t>(reader)] = 0;
    return OkStatus();
  }
  for (int r = 0; r < nranks; ++r) {
    if (reader != Options::kStdinAll && r != reader) continue;
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
      ClosePipes();
      return Error(Code::kOther, "stdin pipe: %s", strerror(errno));
    }
    read_ends_.push_back(p[0]);
    write_ends_.push_back(p[1]);
    fd_for_rank_[static_cast<size_t>(r)] = p[0];
  }
  return OkStatus();
}

int StdinFeeder::FdFor(int rank) const {
  return rank >= 0 && static_cast<size_t>(rank) < fd_for_rank_.size()
             ? fd_for_rank_[static_cast<size_t>(rank)]
             : -1;
}

Status StdinFeeder::Start() {
  if (write_ends_.empty()) return OkStatus();
  for (int fd : read_ends_) close(fd);
  read_ends_.clear();
  pid_t parent = getpid();
  sigset_t all, saved;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &saved);  // no handler of zrun's may run in the child
  pid_t pid = fork();
  if (pid == 0) Feed(parent, write_ends_);
  sigprocmask(SIG_SETMASK, &saved, nullptr);
  int fork_errno = errno;
  ClosePipes();
  if (pid < 0) return Error(Code::kOther, "fork (stdin feeder): %s", strerror(fork_errno));
  feeder_ = pid;
  return OkStatus();
}

void StdinFeeder::Stop() {
  ClosePipes();
  if (feeder_ <= 0) return;
  kill(feeder_, SIGKILL);
  while (waitpid(feeder_, nullptr, 0) < 0 && errno == EINTR) {
  }
  feeder_ = -1;
}

void StdinFeeder::ClosePipes() {
  for (int fd : read_ends_) close(fd);
  for (int fd : write_ends_) close(fd);
  read_ends_.clear();
  write_ends_.clear();
}

}  // namespace zmpi::launcher::zrun
