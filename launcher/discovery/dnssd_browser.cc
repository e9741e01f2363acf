// The dns_sd.h back end's browser: DNSServiceBrowse for instances, DNSServiceResolve for
// each one's SRV and TXT, DNSServiceQueryRecord for the A record of its SRV target.
//
// The A record is asked with DNSServiceQueryRecord rather than DNSServiceGetAddrInfo:
// avahi-compat-libdns_sd has no DNSServiceGetAddrInfo, and a query for the target's A record
// on the browsing interface is what GetAddrInfo does for a ".local." name with mDNSResponder,
// so both daemons run the same, tested code.
#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/log.h"
#include "launcher/discovery/backend.h"
#include "launcher/discovery/dnssd_common.h"

namespace zmpi::launcher::discovery {
namespace {

// "h1.local" (avahi) and "h1.local." (mDNSResponder) name the same host: keep the dot.
std::string Absolute(const char* name) {
  std::string s = name != nullptr ? name : "";
  if (!s.empty() && s.back() != '.') s.push_back('.');
  return s;
}

class DnssdBrowser final : public AgentBrowser {
 public:
  explicit DnssdBrowser(uint32_t interface_index) : interface_index_(interface_index) {}

  Status Start() {
    DNSServiceRef ref = nullptr;
    DNSServiceErrorType err =
        DNSServiceBrowse(&ref, 0, interface_index_, dnssd::kType, dnssd::kDomain, OnBrowse, this);
    if (err != kDNSServiceErr_NoError) return dnssd::DnssdError("browse", err);
    browse_.reset(ref);
    return OkStatus();
  }

  int fd() const override { return DNSServiceRefSockFD(browse_.get()); }

  // Replies for resolves and queries arrive on sockets of their own, which the caller does
  // not poll: while any runs, come back soon so that Step() reads them.
  int TimeoutMs() const override { return instances_.empty() ? dnssd::kIdleMs : kFollowUpMs; }

  Status Step(bool readable) override {
    if (readable || dnssd::Readable(browse_.get())) {
      DNSServiceErrorType err = DNSServiceProcessResult(browse_.get());
      if (err != kDNSServiceErr_NoError) return dnssd::DnssdError("browse", err);
    }
    // Callbacks only record what changed; refs are created and freed here, outside them.
    for (auto& [name, instance] : instances_) {
      if (instance->resolve && dnssd::Readable(instance->resolve.get()) &&
          DNSServiceProcessResult(instance->resolve.get()) != kDNSServiceErr_NoError) {
        instance->resolve.reset();
      }
      if (instance->query && dnssd::Readable(instance->query.get()) &&
          DNSServiceProcessResult(instance->query.get()) != kDNSServiceErr_NoError) {
        instance->query.reset();
      }
    }
    return FollowUp();
  }

  std::vector<DiscoveredAgent> Agents(const std::string& cluster_id) const override {
    std::vector<DiscoveredAgent> out;
    for (const auto& [name, instance] : instances_) {
      if (instance->removed || !instance->resolved || instance->address.empty()) continue;
      StatusOr<AgentInfo> info =
          DecodeTxt(reinterpret_cast<const uint8_t*>(instance->txt.data()), instance->txt.size());
      if (!info.ok()) {
        ZMPI_LOG(kDebug, "discovery", "ignoring %s: %s", instance->full_name.c_str(),
                 info.status().ToString().c_str());
        continue;
      }
      if (!cluster_id.empty() && info->cluster_id != cluster_id) continue;
      DiscoveredAgent agent;
      agent.instance = instance->full_name;
      agent.host = instance->target;
      agent.address = instance->address;
      agent.port = instance->port;
      agent.info = std::move(info.value());
      out.push_back(std::move(agent));
    }
    std::sort(out.begin(), out.end(), [](const DiscoveredAgent& a, const DiscoveredAgent& b) {
      return a.instance < b.instance;
    });
    return out;
  }

 private:
  static constexpr int kFollowUpMs = 10;

  struct Instance {
    DnssdBrowser* browser = nullptr;
    std::string full_name;  // "h1._zmpi._tcp.local."
    dnssd::Ref resolve;
    dnssd::Ref query;
    bool removed = false;   // withdrawn (goodbye) or gone: dropped at the next FollowUp
    bool resolved = false;  // target, port and txt are known
    bool requery = false;   // target changed: ask for its A record again
    bool restart = false;   // the resolve failed: start it again
    std::string target;     // SRV target, "h1.local."
    uint16_t port = 0;
    std::string txt;
    std::string address;  // from the A record of target
  };

  static void DNSSD_API OnBrowse(DNSServiceRef, DNSServiceFlags flags, uint32_t,
                                 DNSServiceErrorType err, const char* name, const char*,
                                 const char*, void* context) {
    auto* self = static_cast<DnssdBrowser*>(context);
    if (err != kDNSServiceErr_NoError || name == nullptr) return;
    std::unique_ptr<Instance>& slot = self->instances_[name];
    if (flags & kDNSServiceFlagsAdd) {
      if (slot == nullptr) {
        slot = std::make_unique<Instance>();
        slot->browser = self;
      }
      slot->removed = false;
    } else if (slot != nullptr) {
      slot->removed = true;
    }
    if (slot == nullptr) self->instances_.erase(name);
  }

  static void DNSSD_API OnResolve(DNSServiceRef, DNSServiceFlags, uint32_t, DNSServiceErrorType err,
                                  const char* full_name, const char* target, uint16_t port,
                                  uint16_t txt_len, const unsigned char* txt, void* context) {
    auto* instance = static_cast<Instance*>(context);
    if (err != kDNSServiceErr_NoError) {
      instance->restart = true;  // e.g. avahi's resolver timed out: ask again
      return;
    }
    std::string host = Absolute(target);
    if (host != instance->target) {
      instance->target = host;
      instance->address.clear();
      instance->requery = true;
    }
    instance->full_name = Absolute(full_name);
    instance->port = ntohs(port);
    instance->txt.assign(reinterpret_cast<const char*>(txt), txt_len);
    instance->resolved = true;
  }

  static void DNSSD_API OnAddress(DNSServiceRef, DNSServiceFlags flags, uint32_t,
                                  DNSServiceErrorType err, const char*, uint16_t rrtype, uint16_t,
                                  uint16_t rdlen, const void* rdata, uint32_t, void* context) {
    auto* instance = static_cast<Instance*>(context);
    if (err != kDNSServiceErr_NoError || rrtype != kDNSServiceType_A || rdlen != 4) return;
    char text[INET_ADDRSTRLEN] = {0};
    inet_ntop(AF_INET, rdata, text, sizeof(text));
    if (flags & kDNSServiceFlagsAdd) {
      instance->address = text;
    } else if (instance->address == text) {
      instance->address.clear();
    }
  }

  // Drops removed instances, starts resolves for new ones and queries for new targets.
  Status FollowUp() {
    for (auto it = instances_.begin(); it != instances_.end();) {
      Instance& instance = *it->second;
      if (instance.removed) {
        it = instances_.erase(it);
        continue;
      }
      if (instance.restart) {
        instance.restart = false;
        instance.resolve.reset();
      }
      // The resolve keeps running: it reports a changed TXT (cores used) or port.
      if (!instance.resolve) {
        DNSServiceRef ref = nullptr;
        DNSServiceErrorType err =
            DNSServiceResolve(&ref, 0, interface_index_, it->first.c_str(), dnssd::kType,
                              dnssd::kDomain, OnResolve, &instance);
        if (err != kDNSServiceErr_NoError) return dnssd::DnssdError("resolve", err);
        instance.resolve.reset(ref);
      }
      if (instance.requery) {
        instance.requery = false;
        instance.query.reset();
        DNSServiceRef ref = nullptr;
        DNSServiceErrorType err =
            DNSServiceQueryRecord(&ref, 0, interface_index_, instance.target.c_str(),
                                  kDNSServiceType_A, kDNSServiceClass_IN, OnAddress, &instance);
        if (err != kDNSServiceErr_NoError) return dnssd::DnssdError("address query", err);
        instance.query.reset(ref);
      }
      ++it;
    }
    return OkStatus();
  }

  const uint32_t interface_index_;
  dnssd::Ref browse_;
  // By service name. Instances are heap objects: the resolve and query callbacks hold them.
  std::map<std::string, std::unique_ptr<Instance>> instances_;
};

}  // namespace

StatusOr<std::unique_ptr<AgentBrowser>> CreateDnssdBrowser(const std::string& interface_address) {
  dnssd::PrepareClientLibrary();
  in_addr address{};
  ZMPI_ASSIGN_OR_RETURN(uint32_t index, dnssd::InterfaceIndex(interface_address, &address));
  auto browser = std::make_unique<DnssdBrowser>(index);
  ZMPI_RETURN_IF_ERROR(browser->Start());
  return std::unique_ptr<AgentBrowser>(std::move(browser));
}

}  // namespace zmpi::launcher::discovery
