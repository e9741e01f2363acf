#include "launcher/zrund/restart.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/platform/platform.h"

namespace zmpi::launcher::zrund {

std::set<int> OpenDescriptors() {
  std::vector<int> open = platform::OpenDescriptors();
  return std::set<int>(open.begin(), open.end());
}

void CloseOnExecExcept(const std::set<int>& keep) {
  for (int fd : OpenDescriptors()) {
    if (keep.count(fd) != 0) continue;
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && !(flags & FD_CLOEXEC)) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
}

Status ReExec(const std::vector<std::string>& argv, const std::set<int>& inherited) {
  if (argv.empty()) return Error(Code::kIntern, "no command line to run again");
  // Ours, not the new image's: libpmix's sockets and /dev/null, the listening and mDNS sockets,
  // pipes, the owner lock (most are close-on-exec already).
  CloseOnExecExcept(inherited);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  StatusOr<std::string> self = platform::ExecutablePath();
  if (!self.ok()) {
    signal(SIGPIPE, SIG_IGN);
    return self.status();
  }
  execv(self.value().c_str(), args.data());
  int error = errno;
  signal(SIGPIPE, SIG_IGN);
  return Error(Code::kOther, "execv(%s): %s", self.value().c_str(), strerror(error));
}

}  // namespace zmpi::launcher::zrund
