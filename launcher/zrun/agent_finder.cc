#include "launcher/zrun/agent_finder.h"

#include <algorithm>
#include <cstdlib>

#include "launcher/agent/net_iface.h"

namespace zmpi::launcher::zrun {

namespace {

FoundAgent FromDiscovered(const discovery::DiscoveredAgent& d) {
  FoundAgent a;
  a.name = d.info.name;
  a.address = d.address;
  a.port = d.port;
  a.cores = static_cast<int>(d.info.cores_offered);
  a.used = static_cast<int>(d.info.cores_used);
  a.arch = d.info.arch;
  a.os = d.info.os;
  return a;
}

// "ADDRESS:PORT[:SLOTS]": an agent named directly, without mDNS.
StatusOr<FoundAgent> ParseDirect(const std::string& entry) {
  FoundAgent a;
  size_t c1 = entry.find(':');
  size_t c2 = entry.find(':', c1 + 1);
  a.address = entry.substr(0, c1);
  std::string port = entry.substr(c1 + 1, c2 == std::string::npos ? c2 : c2 - c1 - 1);
  std::string slots = c2 == std::string::npos ? "1" : entry.substr(c2 + 1);
  char* end = nullptr;
  long p = strtol(port.c_str(), &end, 10);
  bool ok = !port.empty() && *end == '\0' && p > 0 && p < 65536;
  long n = strtol(slots.c_str(), &end, 10);
  ok = ok && !slots.empty() && *end == '\0' && n > 0 && n <= (1 << 20) && !a.address.empty();
  if (!ok) return Error(Code::kArg, "--host '%s': want NAME or ADDRESS:PORT[:SLOTS]", entry.c_str());
  a.name = a.address;
  a.port = static_cast<uint16_t>(p);
  a.cores = static_cast<int>(n);
  a.arch = "?";
  a.os = "?";
  return a;
}

}  // namespace

StatusOr<std::vector<FoundAgent>> FindAgents(const std::string& iface,
                                             const std::string& cluster_id, int browse_ms,
                                             const std::vector<std::string>& wanted) {
  bool all_direct = !wanted.empty();
  for (const std::string& w : wanted) all_direct = all_direct && w.find(':') != std::string::npos;
  if (all_direct) {
    std::vector<FoundAgent> direct;
    for (const std::string& w : wanted) {
      ZMPI_ASSIGN_OR_RETURN(FoundAgent a, ParseDirect(w));
      direct.push_back(a);
    }
    return direct;
  }
  std::string name = iface, address;
  ZMPI_RETURN_IF_ERROR(agent::FindInterface(&name, &address));
  ZMPI_ASSIGN_OR_RETURN(std::vector<discovery::DiscoveredAgent> seen,
                        discovery::Browser::BrowseFor(address, cluster_id, browse_ms));
  std::vector<FoundAgent> all;
  for (const discovery::DiscoveredAgent& d : seen) all.push_back(FromDiscovered(d));
  if (!wanted.empty()) {
    std::vector<FoundAgent> chosen;
    for (const std::string& w : wanted) {
      if (w.find(':') != std::string::npos) {
        ZMPI_ASSIGN_OR_RETURN(FoundAgent a, ParseDirect(w));
        chosen.push_back(a);
        continue;
      }
      auto it = std::find_if(all.begin(), all.end(), [&w](const FoundAgent& a) {
        return a.name == w || a.address == w;
      });
      if (it == all.end()) {
        return Error(Code::kArg, "no agent '%s' of this cluster answered within %d ms",
                     w.c_str(), browse_ms);
      }
      chosen.push_back(*it);
    }
    return chosen;
  }
  // Local host first, then by name (Browser sorts by instance name already).
  std::stable_partition(all.begin(), all.end(),
                        [](const FoundAgent& a) { return agent::IsLocalAddress(a.address); });
  all.erase(std::remove_if(all.begin(), all.end(), [](const FoundAgent& a) { return a.cores <= 0; }),
            all.end());
  return all;
}

std::string DescribeAgents(const std::vector<FoundAgent>& agents) {
  std::string out;
  for (const FoundAgent& a : agents) {
    out += a.name + " " + a.address + ":" + std::to_string(a.port) + " " + a.arch + " " + a.os +
           " cores=" + std::to_string(a.cores) + " used=" + std::to_string(a.used) + "\n";
  }
  return out;
}

}  // namespace zmpi::launcher::zrun
