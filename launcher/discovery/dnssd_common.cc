#include "launcher/discovery/dnssd_common.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "launcher/discovery/mdns_socket.h"

namespace zmpi::launcher::discovery::dnssd {
namespace {

// mDNSResponder's code for "no daemon" (newer dns_sd.h only; avahi's header lacks it).
constexpr DNSServiceErrorType kServiceNotRunning = -65563;

const char* CodeName(DNSServiceErrorType code) {
  switch (code) {
    case kDNSServiceErr_NoMemory:
      return "no memory";
    case kDNSServiceErr_BadParam:
      return "bad parameter";
    case kDNSServiceErr_BadReference:
      return "bad reference";
    case kDNSServiceErr_BadState:
      return "bad state";
    case kDNSServiceErr_BadFlags:
      return "bad flags";
    case kDNSServiceErr_Unsupported:
      return "unsupported";
    case kDNSServiceErr_NotInitialized:
      return "not initialized";
    case kDNSServiceErr_NameConflict:
      return "name conflict";
    case kDNSServiceErr_Invalid:
      return "invalid";
    case kDNSServiceErr_Incompatible:
      return "client library incompatible with the daemon";
    case kDNSServiceErr_BadInterfaceIndex:
      return "bad interface index";
    case kDNSServiceErr_Refused:
      return "refused";
    case kDNSServiceErr_NoSuchName:
      return "no such name";
    case kDNSServiceErr_NoSuchRecord:
      return "no such record";
    default:
      return "error";
  }
}

}  // namespace

StatusOr<uint32_t> InterfaceIndex(const std::string& interface_address, in_addr* address) {
  ZMPI_ASSIGN_OR_RETURN(in_addr chosen, ChooseInterfaceAddress(interface_address));
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return Error(Code::kOther, "DNS-SD: getifaddrs: %s", std::strerror(errno));
  }
  uint32_t index = 0;
  for (ifaddrs* i = list; i != nullptr && index == 0; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    if (reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr != chosen.s_addr) continue;
    index = if_nametoindex(i->ifa_name);
  }
  freeifaddrs(list);
  if (index == 0) return Error(Code::kOther, "DNS-SD: no interface index for the chosen address");
  *address = chosen;
  return index;
}

Status DnssdError(const char* what, DNSServiceErrorType code) {
  // Both client libraries report an unreachable daemon as "unknown" (avahi: no D-Bus system
  // bus or no avahi-daemon on it; mDNSResponder: no daemon socket).
  if (code == kDNSServiceErr_Unknown || code == kServiceNotRunning) {
    return Error(Code::kOther,
                 "DNS-SD %s failed (%d): is the mDNS daemon running (avahi-daemon and the D-Bus "
                 "system bus on Linux, mDNSResponder on Haiku)?",
                 what, static_cast<int>(code));
  }
  return Error(Code::kOther, "DNS-SD %s: %s (%d)", what, CodeName(code), static_cast<int>(code));
}

void PrepareClientLibrary() {
  // Before any other thread exists in the callers (zrund's setup, zrun's browse).
  setenv("AVAHI_COMPAT_NOWARN", "1", 0);
}

bool Readable(DNSServiceRef ref) {
  pollfd p{DNSServiceRefSockFD(ref), POLLIN, 0};
  return p.fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

}  // namespace zmpi::launcher::discovery::dnssd
