// Finding the agents a multi-host job runs on: browse mDNS for agents of this cluster
// (bounded time), keep those named by --host (in that order) or all of them with this host's
// agent first, and drop agents with nothing to offer.
#ifndef ZMPI_LAUNCHER_ZRUN_AGENT_FINDER_H_
#define ZMPI_LAUNCHER_ZRUN_AGENT_FINDER_H_

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/discovery/backend.h"
#include "launcher/proto/messages.h"

namespace zmpi::launcher::zrun {

struct FoundAgent {
  std::string name;     // announced agent name ("h2")
  std::string address;  // IPv4
  uint16_t port = 0;
  int cores = 0;  // offered
  int used = 0;
  std::string arch;
  std::string os;
  // What it announced it can run a job with (its TXT record); none from an agent older than
  // protocol 3 or one named by address. The handshake's offer (proto::AuthOk) decides.
  std::optional<proto::JobOffer> offer;
};

// One line of an Open MPI style hostfile: "name [slots=N] [other=...]".
struct HostfileEntry {
  std::string name;
  int slots = 0;  // 0 = what the agent offers
};
// Parses hostfile text: '#' starts a comment, blank lines are skipped, unknown key=value
// words (max_slots=...) are ignored. kArg with the line number for a malformed line.
StatusOr<std::vector<HostfileEntry>> ParseHostfile(const std::string& text);
StatusOr<std::vector<HostfileEntry>> ReadHostfile(const std::string& path);

// Browsing stops early once no new agent appeared for this long after the last one.
inline constexpr int kQuietMs = 300;

// Browses on `iface` (empty: first non-loopback interface) for at most `browse_ms` (less when
// all `wanted` agents answered, or kQuietMs passed without a new one) and orders the
// result: with `wanted` names (an entry "ADDRESS:PORT[:SLOTS]" names an agent directly; when
// all are such, nothing is browsed), exactly those in that order (kArg naming any not found);
// otherwise the agent on this host first, then by name.
StatusOr<std::vector<FoundAgent>> FindAgents(const std::string& iface,
                                             const std::string& cluster_id, int browse_ms,
                                             const std::vector<std::string>& wanted);

// One line per agent: "h1 198.51.100.1:4711 x86_64 linux cores=4 used=0 wireup=pmix/pmi
// net=ofi/tcp" ("wireup=? net=?" for an agent that announced no offer).
std::string DescribeAgents(const std::vector<FoundAgent>& agents);
// "wireup=pmix/pmi net=ofi/tcp", or "wireup=? net=?" without an offer.
std::string DescribeOffer(const std::optional<proto::JobOffer>& offer);

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_AGENT_FINDER_H_
