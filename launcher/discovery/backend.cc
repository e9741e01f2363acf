#include "launcher/discovery/backend.h"

#include <cstdlib>
#include <cstring>

namespace zmpi::launcher::discovery {
namespace {

// Set by CMake (launcher/discovery/CMakeLists.txt): which back ends this build has and
// which one is the default.
#ifndef ZMPI_DISCOVERY_HAVE_MDNSD
#define ZMPI_DISCOVERY_HAVE_MDNSD 0
#endif
#ifndef ZMPI_DISCOVERY_HAVE_DNSSD
#define ZMPI_DISCOVERY_HAVE_DNSSD 0
#endif
#ifndef ZMPI_DISCOVERY_DEFAULT_DNSSD
#define ZMPI_DISCOVERY_DEFAULT_DNSSD 0
#endif

constexpr Backend kDefault = ZMPI_DISCOVERY_DEFAULT_DNSSD ? Backend::kDnssd : Backend::kMdnsd;

Status NotBuilt(Backend backend) {
  return Error(Code::kArg, "discovery back end '%s' is not in this build (configure with %s)",
               BackendName(backend),
               backend == Backend::kDnssd ? "dns_sd.h installed: avahi-compat-libdns_sd or "
                                            "mDNSResponder"
                                          : "libmdnsd installed");
}

}  // namespace

const char* BackendName(Backend backend) { return backend == Backend::kDnssd ? "dnssd" : "mdnsd"; }

bool BackendBuilt(Backend backend) {
  return backend == Backend::kDnssd ? ZMPI_DISCOVERY_HAVE_DNSSD != 0
                                    : ZMPI_DISCOVERY_HAVE_MDNSD != 0;
}

StatusOr<Backend> ChosenBackend() {
  const char* env = std::getenv("ZMPI_DISCOVERY");
  if (env == nullptr || *env == '\0') return kDefault;
  Backend backend;
  if (std::strcmp(env, "mdnsd") == 0) {
    backend = Backend::kMdnsd;
  } else if (std::strcmp(env, "dnssd") == 0) {
    backend = Backend::kDnssd;
  } else {
    return Error(Code::kArg, "ZMPI_DISCOVERY='%s': want mdnsd or dnssd", env);
  }
  if (!BackendBuilt(backend)) return NotBuilt(backend);
  return backend;
}

StatusOr<std::unique_ptr<AgentPublisher>> CreatePublisher(const std::string& interface_address,
                                                          const AgentInfo& info) {
  ZMPI_ASSIGN_OR_RETURN(Backend backend, ChosenBackend());
  return CreatePublisher(backend, interface_address, info);
}

StatusOr<std::unique_ptr<AgentPublisher>> CreatePublisher(Backend backend,
                                                          const std::string& interface_address,
                                                          const AgentInfo& info) {
  if (!BackendBuilt(backend)) return NotBuilt(backend);
#if ZMPI_DISCOVERY_HAVE_DNSSD
  if (backend == Backend::kDnssd) return CreateDnssdPublisher(interface_address, info);
#endif
#if ZMPI_DISCOVERY_HAVE_MDNSD
  if (backend == Backend::kMdnsd) return CreateMdnsdPublisher(interface_address, info);
#endif
  return NotBuilt(backend);
}

StatusOr<std::unique_ptr<AgentBrowser>> CreateBrowser(const std::string& interface_address) {
  ZMPI_ASSIGN_OR_RETURN(Backend backend, ChosenBackend());
  return CreateBrowser(backend, interface_address);
}

StatusOr<std::unique_ptr<AgentBrowser>> CreateBrowser(Backend backend,
                                                      const std::string& interface_address) {
  if (!BackendBuilt(backend)) return NotBuilt(backend);
#if ZMPI_DISCOVERY_HAVE_DNSSD
  if (backend == Backend::kDnssd) return CreateDnssdBrowser(interface_address);
#endif
#if ZMPI_DISCOVERY_HAVE_MDNSD
  if (backend == Backend::kMdnsd) return CreateMdnsdBrowser(interface_address);
#endif
  return NotBuilt(backend);
}

}  // namespace zmpi::launcher::discovery
