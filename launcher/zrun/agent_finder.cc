#include "launcher/zrun/agent_finder.h"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

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
  if (d.info.offer_known) a.offer = proto::JobOffer{d.info.wireups, d.info.nets};
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
  if (!ok)
    return Error(Code::kArg, "--host '%s': want NAME or ADDRESS:PORT[:SLOTS]", entry.c_str());
  a.name = a.address;
  a.port = static_cast<uint16_t>(p);
  a.cores = static_cast<int>(n);
  a.arch = "?";
  a.os = "?";
  return a;
}

// Browses until `browse_ms` passed, or earlier: when every `wanted` name answered, or when
// no new agent appeared for kQuietMs after the last one (responders answer a query within
// ~120 ms, RFC 6762 6), so a LAN of agents is found in a few hundred ms.
StatusOr<std::vector<discovery::DiscoveredAgent>> Browse(const std::string& address,
                                                         const std::string& cluster_id,
                                                         int browse_ms,
                                                         const std::vector<std::string>& wanted) {
  using Clock = std::chrono::steady_clock;
  constexpr auto kQuiet = std::chrono::milliseconds(kQuietMs);
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<discovery::AgentBrowser> browser,
                        discovery::CreateBrowser(address));
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(browse_ms);
  Clock::time_point last_new = Clock::now();
  size_t known = 0;
  for (;;) {
    Clock::time_point now = Clock::now();
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    if (left <= 0) break;
    std::vector<discovery::DiscoveredAgent> seen = browser->Agents(cluster_id);
    if (seen.size() > known) {
      known = seen.size();
      last_new = now;
    }
    bool all_wanted = !wanted.empty();
    for (const std::string& w : wanted) {
      all_wanted = all_wanted && (w.find(':') != std::string::npos ||
                                  std::any_of(seen.begin(), seen.end(), [&w](const auto& a) {
                                    return a.info.name == w || a.address == w;
                                  }));
    }
    if (all_wanted || (wanted.empty() && known > 0 && now - last_new >= kQuiet)) return seen;
    pollfd p{browser->fd(), POLLIN, 0};
    int wait = static_cast<int>(std::min<int64_t>({left, browser->TimeoutMs(), 20}));
    int ready = poll(&p, 1, std::max(wait, 1));
    ZMPI_RETURN_IF_ERROR(browser->Step(ready > 0 && (p.revents & POLLIN)));
  }
  return browser->Agents(cluster_id);
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
                        Browse(address, cluster_id, browse_ms, wanted));
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
      auto it = std::find_if(all.begin(), all.end(),
                             [&w](const FoundAgent& a) { return a.name == w || a.address == w; });
      if (it == all.end()) {
        return Error(Code::kArg, "no agent '%s' of this cluster answered within %d ms", w.c_str(),
                     browse_ms);
      }
      chosen.push_back(*it);
    }
    return chosen;
  }
  // Local host first, then by name (Browser sorts by instance name already).
  std::stable_partition(all.begin(), all.end(),
                        [](const FoundAgent& a) { return agent::IsLocalAddress(a.address); });
  all.erase(
      std::remove_if(all.begin(), all.end(), [](const FoundAgent& a) { return a.cores <= 0; }),
      all.end());
  return all;
}

StatusOr<std::vector<HostfileEntry>> ParseHostfile(const std::string& text) {
  std::vector<HostfileEntry> out;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string word;
    HostfileEntry entry;
    while (words >> word) {
      if (entry.name.empty()) {
        entry.name = word;
        continue;
      }
      if (word.compare(0, 6, "slots=") == 0) {
        char* end = nullptr;
        long n = strtol(word.c_str() + 6, &end, 10);
        if (*end != '\0' || n < 1 || n > (1 << 20)) {
          return Error(Code::kArg, "hostfile line %d: bad '%s'", number, word.c_str());
        }
        entry.slots = static_cast<int>(n);
      } else if (word.find('=') == std::string::npos) {
        return Error(Code::kArg, "hostfile line %d: unexpected '%s'", number, word.c_str());
      }
    }
    if (!entry.name.empty()) out.push_back(entry);
  }
  return out;
}

StatusOr<std::vector<HostfileEntry>> ReadHostfile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error(Code::kArg, "cannot read hostfile %s", path.c_str());
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1u << 20))
    return Error(Code::kArg, "hostfile %s is too large", path.c_str());
  return ParseHostfile(text.str());
}

std::string DescribeAgents(const std::vector<FoundAgent>& agents) {
  std::string out;
  for (const FoundAgent& a : agents) {
    out += a.name + " " + a.address + ":" + std::to_string(a.port) + " " + a.arch + " " + a.os +
           " cores=" + std::to_string(a.cores) + " used=" + std::to_string(a.used) + " " +
           DescribeOffer(a.offer) + "\n";
  }
  return out;
}

std::string DescribeOffer(const std::optional<proto::JobOffer>& offer) {
  if (!offer.has_value()) return "wireup=? net=?";
  auto join = [](const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : "/") + n;
    return out;
  };
  return "wireup=" + join(offer->wireups) + " net=" + join(offer->nets);
}

}  // namespace zmpi::launcher::zrun
