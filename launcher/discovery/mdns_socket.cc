#include "launcher/discovery/mdns_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/log.h"

namespace zmpi::launcher::discovery {
namespace {

constexpr uint16_t kMdnsPort = 5353;
constexpr char kMdnsGroup[] = "224.0.0.251";

Status Errno(const char* what) {
  return Error(Code::kOther, "mDNS socket: %s: %s", what, strerror(errno));
}

// TTL 255 (RFC 6762 11) and loopback on, so a browser on this host sees our records.
Status SetMulticastOptions(int fd) {
  unsigned char ttl = 255, loop = 1;
  if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) != 0 ||
      setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) != 0) {
    return Errno("IP_MULTICAST_TTL/LOOP");
  }
  return OkStatus();
}

}  // namespace

StatusOr<in_addr> ChooseInterfaceAddress(const std::string& interface_address) {
  in_addr wanted{};
  if (!interface_address.empty() && inet_pton(AF_INET, interface_address.c_str(), &wanted) != 1) {
    return Error(Code::kArg, "'%s' is not an IPv4 address", interface_address.c_str());
  }
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return Errno("getifaddrs");
  StatusOr<in_addr> result = Error(Code::kOther, "no up multicast IPv4 interface%s%s",
                                   interface_address.empty() ? "" : " with address ",
                                   interface_address.c_str());
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    if (!(i->ifa_flags & IFF_UP)) continue;
    in_addr a = reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr;
    bool match = interface_address.empty()
                     ? (!(i->ifa_flags & IFF_LOOPBACK) && (i->ifa_flags & IFF_MULTICAST))
                     : a.s_addr == wanted.s_addr;
    if (match) {
      result = a;
      break;
    }
  }
  freeifaddrs(list);
  return result;
}

StatusOr<std::unique_ptr<MdnsSocket>> MdnsSocket::Open(const std::string& interface_address) {
  ZMPI_ASSIGN_OR_RETURN(in_addr address, ChooseInterfaceAddress(interface_address));
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  std::unique_ptr<MdnsSocket> owner(new MdnsSocket(fd, address));
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) return Errno("SO_REUSEADDR");
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0) return Errno("SO_REUSEPORT");
  sockaddr_in any{};
  any.sin_family = AF_INET;
  any.sin_port = htons(kMdnsPort);
  any.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, reinterpret_cast<sockaddr*>(&any), sizeof(any)) != 0) return Errno("bind *:5353");
  ip_mreq mreq{};
  inet_pton(AF_INET, kMdnsGroup, &mreq.imr_multiaddr);
  mreq.imr_interface = address;
  if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) != 0) {
    return Errno("join 224.0.0.251");
  }
  ZMPI_RETURN_IF_ERROR(SetMulticastOptions(fd));
  if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &address, sizeof(address)) == 0) return owner;
  if (errno != ENOPROTOOPT) return Errno("IP_MULTICAST_IF");
  // qemu-user (7.2) does not emulate IP_MULTICAST_IF. Without it the kernel sends from the
  // address of the interface its multicast route names (the primary one of an interface with
  // several), and our own announcements, looped back from that address, look to libmdnsd like
  // another host claiming our names: a "conflict" on every rename. A socket bound to
  // `address` sends from it, out of its interface (the kernel's route lookup for a multicast
  // destination with a bound local source), so packets go out as IP_MULTICAST_IF would send.
  int send_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (send_fd < 0) return Errno("socket");
  owner->send_fd_ = send_fd;
  sockaddr_in local = any;
  local.sin_addr = address;
  if (setsockopt(send_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
      setsockopt(send_fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
      bind(send_fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    return Errno("IP_MULTICAST_IF is not available, and binding a sender to the interface");
  }
  ZMPI_RETURN_IF_ERROR(SetMulticastOptions(send_fd));
  char text[INET_ADDRSTRLEN] = {0};
  inet_ntop(AF_INET, &address, text, sizeof(text));
  ZMPI_LOG(kInfo, "discovery",
           "IP_MULTICAST_IF is not available (qemu-user?): mDNS goes out from a socket bound "
           "to %s:%u",
           text, kMdnsPort);
  return owner;
}

MdnsSocket::~MdnsSocket() {
  close(fd_);
  if (send_fd_ >= 0) close(send_fd_);
}

}  // namespace zmpi::launcher::discovery
