#include "launcher/agent/net_iface.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

namespace zmpi::launcher::agent {

namespace {

std::string AddressText(const sockaddr* sa) {
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof(text));
  return text;
}

}  // namespace

Status FindInterface(std::string* name, std::string* address) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return Error(Code::kOther, "getifaddrs: %s", strerror(errno));
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    bool usable = (i->ifa_flags & IFF_UP) && !(i->ifa_flags & IFF_LOOPBACK) &&
                  (i->ifa_flags & IFF_MULTICAST);
    if (name->empty() ? !usable : *name != i->ifa_name) continue;
    *name = i->ifa_name;
    *address = AddressText(i->ifa_addr);
    freeifaddrs(list);
    return OkStatus();
  }
  freeifaddrs(list);
  return Error(Code::kArg, "no usable IPv4 interface%s%s", name->empty() ? "" : " named ",
               name->c_str());
}

bool IsLocalAddress(const std::string& address) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool found = false;
  for (ifaddrs* i = list; i != nullptr && !found; i = i->ifa_next) {
    if (i->ifa_addr != nullptr && i->ifa_addr->sa_family == AF_INET) {
      found = AddressText(i->ifa_addr) == address;
    }
  }
  freeifaddrs(list);
  return found;
}

}  // namespace zmpi::launcher::agent
