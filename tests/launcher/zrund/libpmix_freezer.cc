#include "libpmix_freezer.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

namespace zmpi::launcher::zrund {

namespace {

// Set before the signal is sent, read by the handler only.
int g_release_read_fd = -1;
int g_entered_write_fd = -1;

void Hold(int) {
  int saved = errno;
  char byte = 1;
  ssize_t ignored = write(g_entered_write_fd, &byte, 1);
  ignored = read(g_release_read_fd, &byte, 1);  // blocks until Thaw
  (void)ignored;
  errno = saved;
}

bool InEpollWait(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/syscall");
  long nr = -1;
  if (!(in >> nr)) return false;
#ifdef SYS_epoll_wait
  if (nr == SYS_epoll_wait) return true;
#endif
#ifdef SYS_epoll_pwait2
  if (nr == SYS_epoll_pwait2) return true;
#endif
  return nr == SYS_epoll_pwait;
}

}  // namespace

pid_t EpollThread() {
  pid_t found = -1;
  DIR* dir = opendir("/proc/self/task");
  while (dirent* e = dir ? readdir(dir) : nullptr) {
    pid_t tid = static_cast<pid_t>(atoi(e->d_name));
    if (tid > 0 && tid != gettid() && InEpollWait(tid)) found = tid;
  }
  if (dir) closedir(dir);
  return found;
}

::testing::AssertionResult LibpmixFreezer::Freeze() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while ((tid_ = EpollThread()) < 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (tid_ < 0) return ::testing::AssertionFailure() << "no thread waits in epoll";
  int release[2], entered[2];
  if (pipe2(release, O_CLOEXEC) != 0 || pipe2(entered, O_CLOEXEC) != 0) {
    return ::testing::AssertionFailure() << "pipe2 failed";
  }
  g_release_read_fd = release[0];
  g_entered_write_fd = entered[1];
  release_fd_ = release[1];
  struct sigaction action = {};
  action.sa_handler = Hold;
  sigemptyset(&action.sa_mask);
  sigaction(SIGUSR2, &action, nullptr);
  if (syscall(SYS_tgkill, getpid(), tid_, SIGUSR2) != 0) {
    return ::testing::AssertionFailure() << "tgkill failed";
  }
  char byte;
  pollfd fd = {entered[0], POLLIN, 0};
  bool in = poll(&fd, 1, 2000) == 1 && read(entered[0], &byte, 1) == 1;  // the handler runs
  close(entered[0]);
  if (!in) return ::testing::AssertionFailure() << "the thread did not stop";
  return ::testing::AssertionSuccess() << "stopped thread " << tid_;
}

void LibpmixFreezer::Thaw() {
  if (release_fd_ < 0) return;
  char byte = 1;
  ssize_t ignored = write(release_fd_, &byte, 1);
  (void)ignored;
  close(release_fd_);
  release_fd_ = -1;
}

::testing::AssertionResult InOwnProcess(const std::function<void()>& body) {
  fflush(nullptr);
  pid_t child = fork();
  if (child < 0) return ::testing::AssertionFailure() << "fork failed";
  if (child == 0) {
    body();  // failures are printed here as they happen
    fflush(nullptr);
    _exit(::testing::Test::HasFailure() ? 1 : 0);
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child) return ::testing::AssertionFailure() << "waitpid";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "the child failed (wait status " << status << ")";
}

}  // namespace zmpi::launcher::zrund
