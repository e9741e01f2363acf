// The UDP socket an mDNS daemon talks through. Owned by the program, not by libmdnsd.
#ifndef ZMPI_LAUNCHER_DISCOVERY_MDNS_SOCKET_H_
#define ZMPI_LAUNCHER_DISCOVERY_MDNS_SOCKET_H_

#include <netinet/in.h>

#include <memory>
#include <string>

#include "common/status.h"

namespace zmpi::launcher::discovery {

// A non-blocking IPv4 UDP socket bound to *:5353 (shared with other mDNS stacks on the host
// through SO_REUSEADDR/SO_REUSEPORT), joined to 224.0.0.251 on one interface, sending
// multicast out of that interface with TTL 255 and loopback on (so a browser sees a
// publisher on its own host). Closes the socket on destruction.
class MdnsSocket final {
 public:
  // `interface_address`: a local IPv4 address ("198.51.100.1"); empty picks the first up,
  // multicast-capable, non-loopback IPv4 interface.
  static StatusOr<std::unique_ptr<MdnsSocket>> Open(const std::string& interface_address);
  ~MdnsSocket();
  MdnsSocket(const MdnsSocket&) = delete;
  MdnsSocket& operator=(const MdnsSocket&) = delete;

  // The socket to poll and read: every packet to 224.0.0.251:5353 on the interface.
  int fd() const { return fd_; }
  // The socket to send on: fd() itself, or where IP_MULTICAST_IF is not available (qemu-user)
  // a second one bound to address():5353, so packets leave from that address and its
  // interface all the same. It receives only unicast to that address, which mDNS between our
  // daemons does not use (they query from port 5353, and are answered by multicast).
  int send_fd() const { return send_fd_ >= 0 ? send_fd_ : fd_; }
  in_addr address() const { return address_; }

 private:
  MdnsSocket(int fd, in_addr address) : fd_(fd), address_(address) {}
  int fd_;
  int send_fd_ = -1;
  in_addr address_;
};

// Resolves `interface_address` (see MdnsSocket::Open) to an address of an up interface.
StatusOr<in_addr> ChooseInterfaceAddress(const std::string& interface_address);

}  // namespace zmpi::launcher::discovery

#endif  // ZMPI_LAUNCHER_DISCOVERY_MDNS_SOCKET_H_
