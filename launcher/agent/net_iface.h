// This host's IPv4 interfaces, for choosing where an agent announces itself and which
// interface ranks use between hosts.
#ifndef ZMPI_LAUNCHER_AGENT_NET_IFACE_H_
#define ZMPI_LAUNCHER_AGENT_NET_IFACE_H_

#include <string>

#include "common/status.h"

namespace zmpi::launcher::agent {

// The IPv4 address of interface *name; with an empty *name, the first up, multicast-capable,
// non-loopback interface, whose name is then stored in *name.
Status FindInterface(std::string* name, std::string* address);
// True if `address` (dotted IPv4) belongs to an interface of this host.
bool IsLocalAddress(const std::string& address);

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_NET_IFACE_H_
