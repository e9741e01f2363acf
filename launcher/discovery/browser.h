// Finds `_zmpi._tcp` agents over mDNS/DNS-SD.
#ifndef ZMPI_LAUNCHER_DISCOVERY_BROWSER_H_
#define ZMPI_LAUNCHER_DISCOVERY_BROWSER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/discovery/agent_info.h"
#include "launcher/discovery/mdns_socket.h"

struct zmpi_mdns;

namespace zmpi::launcher::discovery {

// One agent as seen on the network.
struct DiscoveredAgent {
  std::string instance;  // "h1._zmpi._tcp.local."
  std::string host;      // SRV target, "h1.local."
  std::string address;   // IPv4 from the A record of host, "198.51.100.1"
  uint16_t port = 0;     // from SRV
  AgentInfo info;        // from TXT
};

// Asks for `_zmpi._tcp` services on one interface and follows up with SRV/TXT/A questions
// for every instance that answers. Embeddable like Publisher: poll fd() for input, wait at
// most TimeoutMs(), call Step(). Agents() reads what is known now; instances withdrawn by a
// goodbye disappear at once, silent ones when their TTL runs out. Not thread-safe.
class Browser final {
 public:
  static StatusOr<std::unique_ptr<Browser>> Create(const std::string& interface_address);
  ~Browser();
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  int fd() const { return socket_->fd(); }
  int TimeoutMs() const { return timeout_ms_; }
  Status Step(bool readable);

  // Complete agents known now, sorted by instance name. With a non-empty `cluster_id`, only
  // agents announcing that cluster id; agents whose TXT does not decode are left out
  // (logged at debug level) either way.
  std::vector<DiscoveredAgent> Agents(const std::string& cluster_id) const;

  // Browses for `duration_ms` (bounded: at most 60 s) with its own poll loop and returns
  // Agents(cluster_id). The one call zrun needs for `-n auto`.
  static StatusOr<std::vector<DiscoveredAgent>> BrowseFor(const std::string& interface_address,
                                                          const std::string& cluster_id,
                                                          int duration_ms);

 private:
  Browser(std::unique_ptr<MdnsSocket> socket, zmpi_mdns* mdns);

  std::unique_ptr<MdnsSocket> socket_;
  zmpi_mdns* mdns_;
  int timeout_ms_ = 0;
};

}  // namespace zmpi::launcher::discovery

#endif  // ZMPI_LAUNCHER_DISCOVERY_BROWSER_H_
