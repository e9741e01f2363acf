// The discovery interface zrun and zrund use, and the choice of the mDNS stack behind it.
//
// Two back ends implement it (docs/discovery.md):
//   mdnsd: libmdnsd in-process; the program owns its UDP socket (publisher.h, browser.h).
//   dnssd: the DNS-SD client API (dns_sd.h) of the host's mDNS daemon: Apple's mDNSResponder
//          (Haiku, macOS) or avahi-daemon through avahi-compat-libdns_sd (Linux).
// Both speak the same records on the wire, so agents of either kind find each other.
// Configure chooses the default (-DZMPI_DISCOVERY=mdnsd|dnssd) and builds the other one too
// when its library is there; the environment variable ZMPI_DISCOVERY=mdnsd|dnssd picks one
// of those built at run time.
#ifndef ZMPI_LAUNCHER_DISCOVERY_BACKEND_H_
#define ZMPI_LAUNCHER_DISCOVERY_BACKEND_H_

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/discovery/agent_info.h"
#include "launcher/discovery/browser.h"  // DiscoveredAgent

namespace zmpi::launcher::discovery {

enum class Backend { kMdnsd, kDnssd };

// "mdnsd", "dnssd".
const char* BackendName(Backend backend);
// Whether this build contains `backend`.
bool BackendBuilt(Backend backend);
// The back end of this process: $ZMPI_DISCOVERY when set (kArg if it names no back end of
// this build), else the configured default.
StatusOr<Backend> ChosenBackend();

// Announces one agent (see Publisher for the contract). Embeddable: poll fd() for input,
// wait at most TimeoutMs() (never negative), then Step(readable). Not thread-safe.
class AgentPublisher {
 public:
  virtual ~AgentPublisher() = default;
  virtual int fd() const = 0;
  virtual int TimeoutMs() const = 0;
  virtual Status Step(bool readable) = 0;
  // Re-announces changed TXT fields; a new name or port republishes the service.
  virtual Status Update(const AgentInfo& info) = 0;
  // Withdraws the service with goodbye packets (idempotent); also done on destruction.
  virtual Status Goodbye() = 0;
  virtual const AgentInfo& info() const = 0;
  // The instance name in use, which differs from info().name after a name conflict.
  virtual const std::string& instance_name() const = 0;
};

// Finds agents (see Browser for the contract). Embeddable like AgentPublisher.
class AgentBrowser {
 public:
  virtual ~AgentBrowser() = default;
  virtual int fd() const = 0;
  virtual int TimeoutMs() const = 0;
  virtual Status Step(bool readable) = 0;
  // Complete agents known now, sorted by instance name; with a non-empty `cluster_id` only
  // those announcing it. Agents whose TXT does not decode are left out.
  virtual std::vector<DiscoveredAgent> Agents(const std::string& cluster_id) const = 0;
};

// On one interface (`interface_address`: a local IPv4 address; empty picks the first up,
// multicast-capable, non-loopback one), with ChosenBackend() or the one named.
StatusOr<std::unique_ptr<AgentPublisher>> CreatePublisher(const std::string& interface_address,
                                                          const AgentInfo& info);
StatusOr<std::unique_ptr<AgentPublisher>> CreatePublisher(Backend backend,
                                                          const std::string& interface_address,
                                                          const AgentInfo& info);
StatusOr<std::unique_ptr<AgentBrowser>> CreateBrowser(const std::string& interface_address);
StatusOr<std::unique_ptr<AgentBrowser>> CreateBrowser(Backend backend,
                                                      const std::string& interface_address);

// The back ends' factories (each defined only in a build that contains it).
StatusOr<std::unique_ptr<AgentPublisher>> CreateMdnsdPublisher(const std::string& interface_address,
                                                               const AgentInfo& info);
StatusOr<std::unique_ptr<AgentBrowser>> CreateMdnsdBrowser(const std::string& interface_address);
StatusOr<std::unique_ptr<AgentPublisher>> CreateDnssdPublisher(const std::string& interface_address,
                                                               const AgentInfo& info);
StatusOr<std::unique_ptr<AgentBrowser>> CreateDnssdBrowser(const std::string& interface_address);

}  // namespace zmpi::launcher::discovery

#endif  // ZMPI_LAUNCHER_DISCOVERY_BACKEND_H_
