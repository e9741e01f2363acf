// Opening the tcp transport's streams: a listening socket whose address the rank publishes,
// and the one-time all-to-all connection of Endpoint::Connect (every rank connects to the
// peers below it and accepts those above it, so no pair opens two streams and nobody waits on
// a peer that waits on it: a connect completes in the peer's backlog before it accepts).
#ifndef ZMPI_TRANSPORT_TCP_MESH_H_
#define ZMPI_TRANSPORT_TCP_MESH_H_

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "transport/endpoint.h"

namespace zmpi::transport::tcp {

// The IPv4 address of network interface `iface` ("lo" and "" give 127.0.0.1).
StatusOr<std::string> InterfaceAddress(const std::string& iface);

// A listening TCP socket on `ip`, port chosen by the system. Owns the descriptor.
class Listener {
 public:
  Listener() = default;
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  Status Open(const std::string& ip);
  // "ip:port", for peers' Connect.
  const std::string& address() const { return address_; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string address_;
};

// Connects `my_rank` to every peer in `peers` (addresses as Listener::address gave them):
// descriptors by world rank, non-blocking, with TCP_NODELAY; the caller owns them. Fails (and
// closes what it opened) if a peer cannot be reached or does not connect within `timeout_ms`.
StatusOr<std::map<int, int>> ConnectMesh(int my_rank, int world_size, const Listener& listener,
                                         const std::vector<PeerAddress>& peers, int timeout_ms);

}  // namespace zmpi::transport::tcp

#endif  // ZMPI_TRANSPORT_TCP_MESH_H_
