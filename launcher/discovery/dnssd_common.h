// What the dns_sd.h back end's publisher and browser share: owned DNSServiceRefs, the
// interface index, error texts. Only the dnssd_*.cc files include this (and dns_sd.h).
#ifndef ZMPI_LAUNCHER_DISCOVERY_DNSSD_COMMON_H_
#define ZMPI_LAUNCHER_DISCOVERY_DNSSD_COMMON_H_

#include <dns_sd.h>
#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>

#include "common/status.h"

namespace zmpi::launcher::discovery::dnssd {

// DNS-SD names of the service: type and domain as dns_sd.h takes them separately.
inline constexpr char kType[] = "_zmpi._tcp";
inline constexpr char kDomain[] = "local.";
// The daemon keeps the time (probing, announcing, TTLs): a caller has nothing to do between
// replies, and polls again at this period only to stay responsive.
inline constexpr int kIdleMs = 1000;

struct RefDeleter {
  void operator()(DNSServiceRef ref) const { DNSServiceRefDeallocate(ref); }
};
// A DNSServiceRef that deallocates itself (which ends its operation: a registration sends
// its goodbye, a browse or query stops).
using Ref = std::unique_ptr<std::remove_pointer_t<DNSServiceRef>, RefDeleter>;

// The index of the up interface holding `interface_address` (see MdnsSocket::Open for the
// empty choice), and that address.
StatusOr<uint32_t> InterfaceIndex(const std::string& interface_address, in_addr* address);

// "DNS-SD <what>: <name of code> (<code>)", with a hint when the daemon is unreachable.
Status DnssdError(const char* what, DNSServiceErrorType code);

// Called before the first dns_sd.h call: quiets avahi-compat-libdns_sd's banner on stderr
// ("uses the Apple Bonjour compatibility layer"), unless the user set AVAHI_COMPAT_NOWARN.
void PrepareClientLibrary();

// Whether `ref`'s socket has a reply waiting, without blocking.
bool Readable(DNSServiceRef ref);

}  // namespace zmpi::launcher::discovery::dnssd

#endif  // ZMPI_LAUNCHER_DISCOVERY_DNSSD_COMMON_H_
