#include "transport/tcp/mesh.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <set>

#include "transport/tcp/wire_format.h"

namespace zmpi::transport::tcp {
namespace {

using Clock = std::chrono::steady_clock;

Status SysError(const char* what) {
  return Error(Code::kOther, "tcp: %s: %s", what, strerror(errno));
}

int MsLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

StatusOr<sockaddr_in> ParseAddress(const std::string& text) {
  size_t colon = text.rfind(':');
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  char* end = nullptr;
  long port = colon == std::string::npos ? -1 : strtol(text.c_str() + colon + 1, &end, 10);
  if (port <= 0 || port > 65535 || *end != '\0' ||
      inet_pton(AF_INET, text.substr(0, colon).c_str(), &sa.sin_addr) != 1) {
    return Error(Code::kOther, "tcp: '%s' is not an address of this transport", text.c_str());
  }
  sa.sin_port = htons(static_cast<uint16_t>(port));
  return sa;
}

// Waits until `fd` is ready for `events` or the deadline passes.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = poll(&p, 1, MsLeft(deadline));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

// Reads or writes all `len` bytes of a non-blocking socket before the deadline.
bool TransferAll(int fd, void* buf, size_t len, bool write, Clock::time_point deadline) {
  char* at = static_cast<char*>(buf);
  while (len > 0) {
    ssize_t n = write ? send(fd, at, len, MSG_NOSIGNAL) : recv(fd, at, len, 0);
    if (n > 0) {
      at += n;
      len -= static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (!WaitFor(fd, write ? POLLOUT : POLLIN, deadline)) return false;
    } else {
      return false;
    }
  }
  return true;
}

void Tune(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// A non-blocking stream to `address`, retried while the peer is not listening yet.
StatusOr<int> Dial(const std::string& address, Clock::time_point deadline) {
  ZMPI_ASSIGN_OR_RETURN(sockaddr_in sa, ParseAddress(address));
  for (;;) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return SysError("socket");
    int rc = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    int err = rc == 0 ? 0 : errno;
    if (err == EINPROGRESS && WaitFor(fd, POLLOUT, deadline)) {
      socklen_t len = sizeof(err);
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    }
    if (err == 0) {
      Tune(fd);
      return fd;
    }
    close(fd);
    if (MsLeft(deadline) == 0 || (err != ECONNREFUSED && err != EINTR && err != EINPROGRESS)) {
      return Error(Code::kOther, "tcp: cannot connect to %s: %s", address.c_str(), strerror(err));
    }
    usleep(10000);
  }
}

}  // namespace

StatusOr<std::string> InterfaceAddress(const std::string& iface) {
  if (iface.empty() || iface == "lo") return std::string("127.0.0.1");
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return SysError("getifaddrs");
  std::string found;
  for (ifaddrs* i = list; i != nullptr && found.empty(); i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET || iface != i->ifa_name) {
      continue;
    }
    char text[INET_ADDRSTRLEN];
    const auto* in = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text)) != nullptr) found = text;
  }
  freeifaddrs(list);
  if (found.empty())
    return Error(Code::kOther, "tcp: interface %s has no IPv4 address", iface.c_str());
  return found;
}

Listener::~Listener() {
  if (fd_ >= 0) close(fd_);
}

Status Listener::Open(const std::string& ip) {
  ZMPI_ASSIGN_OR_RETURN(sockaddr_in sa, ParseAddress(ip + ":1"));
  sa.sin_port = 0;
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return SysError("socket");
  socklen_t len = sizeof(sa);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) return SysError("bind");
  if (listen(fd_, SOMAXCONN) != 0) return SysError("listen");
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    return SysError("getsockname");
  }
  address_ = ip + ":" + std::to_string(ntohs(sa.sin_port));
  return OkStatus();
}

StatusOr<std::map<int, int>> ConnectMesh(int my_rank, int world_size, const Listener& listener,
                                         const std::vector<PeerAddress>& peers, int timeout_ms) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::map<int, int> fds;
  auto fail = [&fds](Status s) {
    for (auto& [rank, fd] : fds) close(fd);
    fds.clear();
    return s;
  };
  std::set<int> above;
  for (const PeerAddress& p : peers) {
    if (p.rank == my_rank || p.rank < 0 || p.rank >= world_size) {
      return fail(
          Error(Code::kIntern, "tcp: rank %d cannot be a peer of rank %d", p.rank, my_rank));
    }
    if (p.rank > my_rank) {
      above.insert(p.rank);
      continue;
    }
    StatusOr<int> fd = Dial(p.address, deadline);
    if (!fd.ok()) return fail(fd.status());
    fds[p.rank] = fd.value();
    Hello hello;
    hello.rank = my_rank;
    hello.world_size = static_cast<uint32_t>(world_size);
    if (!TransferAll(fd.value(), &hello, sizeof(hello), /*write=*/true, deadline)) {
      return fail(Error(Code::kOther, "tcp: rank %d at %s did not take our hello", p.rank,
                        p.address.c_str()));
    }
  }
  while (!above.empty()) {
    if (!WaitFor(listener.fd(), POLLIN, deadline)) {
      return fail(Error(Code::kOther, "tcp: %zu peers (rank %d first) did not connect within %d ms",
                        above.size(), *above.begin(), timeout_ms));
    }
    int fd = accept4(listener.fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) continue;  // the connection went away again (or EINTR): wait for the next
    Hello hello;
    if (!TransferAll(fd, &hello, sizeof(hello), /*write=*/false, deadline) ||
        hello.magic != kHelloMagic || hello.version != kWireVersion ||
        hello.world_size != static_cast<uint32_t>(world_size) || above.count(hello.rank) == 0) {
      close(fd);  // not one of ours (or a duplicate): ignore it
      continue;
    }
    Tune(fd);
    above.erase(hello.rank);
    fds[hello.rank] = fd;
  }
  return fds;
}

}  // namespace zmpi::transport::tcp
