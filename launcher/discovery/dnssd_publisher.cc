// The dns_sd.h back end's publisher: DNSServiceRegister through the host's mDNS daemon.
#include <memory>
#include <string>
#include <utility>

#include "common/log.h"
#include "launcher/discovery/backend.h"
#include "launcher/discovery/dnssd_common.h"
#include "launcher/discovery/txt_format.h"

namespace zmpi::launcher::discovery {
namespace {

// One registration of `_zmpi._tcp` on one interface. The daemon publishes the SRV target
// (its own host name, "h1.local.") and that host's A record, probes the instance name, and
// on a conflict picks another name itself (avahi: "h1 #2", mDNSResponder: "h1 (2)"), which
// OnRegistered reports. Deallocating the registration makes the daemon send the goodbye.
class DnssdPublisher final : public AgentPublisher {
 public:
  DnssdPublisher(uint32_t interface_index, const AgentInfo& info)
      : interface_index_(interface_index), info_(info), instance_(info.name) {}
  ~DnssdPublisher() override { Goodbye().IgnoreError(); }

  Status Register() {
    ZMPI_ASSIGN_OR_RETURN(std::string txt, EncodeTxt(info_));
    instance_ = info_.name;
    DNSServiceRef ref = nullptr;
    DNSServiceErrorType err = DNSServiceRegister(
        &ref, 0, interface_index_, info_.name.c_str(), dnssd::kType, dnssd::kDomain, nullptr,
        htons(info_.port), static_cast<uint16_t>(txt.size()), txt.data(), OnRegistered, this);
    if (err != kDNSServiceErr_NoError) return dnssd::DnssdError("register", err);
    ref_.reset(ref);
    ZMPI_LOG(kInfo, "discovery", "publishing %s.%s.%s port %u through the mDNS daemon",
             instance_.c_str(), dnssd::kType, dnssd::kDomain, info_.port);
    return OkStatus();
  }

  int fd() const override { return ref_ ? DNSServiceRefSockFD(ref_.get()) : -1; }
  int TimeoutMs() const override { return dnssd::kIdleMs; }

  Status Step(bool readable) override {
    if (!ref_) return Error(Code::kOther, "DNS-SD publisher: already withdrawn");
    if (readable || dnssd::Readable(ref_.get())) {
      DNSServiceErrorType err = DNSServiceProcessResult(ref_.get());
      if (err != kDNSServiceErr_NoError) return dnssd::DnssdError("publisher", err);
    }
    Status failed = std::move(failed_);  // reported once
    failed_ = OkStatus();
    return failed;
  }

  Status Update(const AgentInfo& info) override {
    if (!ref_) return Error(Code::kOther, "DNS-SD publisher: already withdrawn");
    ZMPI_ASSIGN_OR_RETURN(std::string txt, EncodeTxt(info));
    bool rename = info.name != info_.name || info.port != info_.port;
    info_ = info;
    if (rename) {
      ref_.reset();  // goodbye for the old name and port
      return Register();
    }
    // A null record reference names the service's own TXT record.
    DNSServiceErrorType err = DNSServiceUpdateRecord(
        ref_.get(), nullptr, 0, static_cast<uint16_t>(txt.size()), txt.data(), kRecordTtlSeconds);
    if (err != kDNSServiceErr_NoError) return dnssd::DnssdError("TXT update", err);
    return OkStatus();
  }

  Status Goodbye() override {
    ref_.reset();
    return OkStatus();
  }

  const AgentInfo& info() const override { return info_; }
  const std::string& instance_name() const override { return instance_; }

 private:
  static void DNSSD_API OnRegistered(DNSServiceRef, DNSServiceFlags, DNSServiceErrorType err,
                                     const char* name, const char*, const char*, void* context) {
    auto* self = static_cast<DnssdPublisher*>(context);
    if (err != kDNSServiceErr_NoError) {
      self->failed_ = dnssd::DnssdError("registration", err);
      return;
    }
    if (name != nullptr && self->instance_ != name) {
      ZMPI_LOG(kWarn, "discovery", "instance name '%s' is taken; the daemon chose '%s'",
               self->instance_.c_str(), name);
      self->instance_ = name;
    }
  }

  const uint32_t interface_index_;
  AgentInfo info_;
  std::string instance_;
  dnssd::Ref ref_;
  Status failed_;
};

}  // namespace

StatusOr<std::unique_ptr<AgentPublisher>> CreateDnssdPublisher(const std::string& interface_address,
                                                               const AgentInfo& info) {
  ZMPI_RETURN_IF_ERROR(ValidateAgentInfo(info));
  dnssd::PrepareClientLibrary();
  in_addr address{};
  ZMPI_ASSIGN_OR_RETURN(uint32_t index, dnssd::InterfaceIndex(interface_address, &address));
  auto publisher = std::make_unique<DnssdPublisher>(index, info);
  ZMPI_RETURN_IF_ERROR(publisher->Register());
  return std::unique_ptr<AgentPublisher>(std::move(publisher));
}

}  // namespace zmpi::launcher::discovery
