#include "launcher/zrund/control.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>

namespace zmpi::launcher::zrund {

namespace {

constexpr int kServeMs = 500;     // a local client sends its one line at once
constexpr int kCallMs = 5000;     // the agent answers within a loop round
constexpr size_t kMaxLine = 512;  // commands are short
constexpr size_t kMaxReply = 1 << 16;

StatusOr<sockaddr_un> Address(const std::string& path) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(sa.sun_path)) {
    return Error(Code::kArg, "control socket path '%s' is empty or too long", path.c_str());
  }
  memcpy(sa.sun_path, path.c_str(), path.size());
  return sa;
}

// Waits for `events` on `fd` until `deadline`; false on timeout.
bool WaitFor(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    int n = poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

}  // namespace

std::string DefaultControlPath(const std::string& name) {
  const char* runtime = getenv("XDG_RUNTIME_DIR");
  std::string dir;
  if (runtime != nullptr && *runtime != '\0') {
    dir = std::string(runtime) + "/zmpi";
  } else if (geteuid() == 0) {
    dir = "/run/zmpi";
  } else {
    const char* home = getenv("HOME");
    dir = std::string(home != nullptr && *home ? home : "/tmp") + "/.cache/zmpi";
  }
  return dir + "/zrund-" + name + ".sock";
}

ControlServer::~ControlServer() {
  if (fd_ < 0) return;
  close(fd_);
  unlink(path_.c_str());
}

Status ControlServer::Listen(const std::string& path) {
  ZMPI_ASSIGN_OR_RETURN(sockaddr_un sa, Address(path));
  // The directory: created owner-only; an existing one is the owner's choice.
  size_t last = path.rfind('/');
  std::string dir = last == std::string::npos || last == 0 ? "" : path.substr(0, last);
  for (size_t slash = dir.find('/', 1); !dir.empty(); slash = dir.find('/', slash + 1)) {
    std::string part = dir.substr(0, slash);
    if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
      return Error(Code::kOther, "cannot create %s: %s", part.c_str(), strerror(errno));
    }
    if (slash == std::string::npos) break;
  }
  int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return Error(Code::kOther, "socket: %s", strerror(errno));
  bool live = connect(probe, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0;
  close(probe);
  if (live) {
    return Error(Code::kOther, "another zrund serves the control socket %s (--control PATH)",
                 path.c_str());
  }
  unlink(path.c_str());  // left by an agent that is gone
  fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) return Error(Code::kOther, "socket: %s", strerror(errno));
  mode_t old = umask(0177);  // born 0600: no window in which others could connect
  int rc = bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
  umask(old);
  if (rc != 0 || listen(fd_, 8) != 0) {
    Status s = Error(Code::kOther, "cannot listen on %s: %s", path.c_str(), strerror(errno));
    close(fd_);
    fd_ = -1;
    return s;
  }
  path_ = path;
  return OkStatus();
}

void ControlServer::ServeOne(const std::function<std::string(const std::string&)>& handler) {
  int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (c < 0) return;
  ucred cred{};
  socklen_t len = sizeof(cred);
  std::string reply;
  if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
      (cred.uid != geteuid() && cred.uid != 0)) {
    reply = "error: only the agent's owner may control it\n";
  } else {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kServeMs);
    std::string line;
    char buf[256];
    while (line.find('\n') == std::string::npos && line.size() <= kMaxLine &&
           WaitFor(c, POLLIN, deadline)) {
      ssize_t n = read(c, buf, sizeof(buf));
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    line = line.substr(0, line.find('\n'));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    reply = line.empty() || line.size() > kMaxLine ? "error: no command\n" : handler(line);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kServeMs);
  for (size_t done = 0; done < reply.size() && WaitFor(c, POLLOUT, deadline);) {
    ssize_t n = send(c, reply.data() + done, reply.size() - done, MSG_NOSIGNAL);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  close(c);
}

StatusOr<std::string> ControlCall(const std::string& path, const std::string& command) {
  ZMPI_ASSIGN_OR_RETURN(sockaddr_un sa, Address(path));
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error(Code::kOther, "socket: %s", strerror(errno));
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    Status s = Error(Code::kOther,
                     "no agent answers on %s: %s (is zrund running? --control "
                     "PATH names another)",
                     path.c_str(), strerror(errno));
    close(fd);
    return s;
  }
  std::string line = command + "\n";
  ssize_t sent = send(fd, line.data(), line.size(), MSG_NOSIGNAL);
  (void)sent;
  shutdown(fd, SHUT_WR);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kCallMs);
  std::string reply;
  char buf[4096];
  while (reply.size() < kMaxReply && WaitFor(fd, POLLIN, deadline)) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (reply.empty()) return Error(Code::kOther, "the agent on %s did not answer", path.c_str());
  return reply;
}

}  // namespace zmpi::launcher::zrund
