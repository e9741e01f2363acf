// What an agent announces about itself over mDNS, and its TXT encoding (txt_format.h).
#ifndef ZMPI_LAUNCHER_DISCOVERY_AGENT_INFO_H_
#define ZMPI_LAUNCHER_DISCOVERY_AGENT_INFO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace zmpi::launcher::discovery {

struct AgentInfo {
  uint32_t protocol_version = 0;  // zrun<->agent protocol the agent speaks
  std::string cluster_id;         // hex, from proto::ClusterId(); never the key
  std::string arch;               // "x86_64"
  std::string os;                 // "linux"
  uint32_t cores_offered = 0;
  uint32_t cores_used = 0;
  std::string name;               // one DNS label: [A-Za-z0-9_-], at most kMaxName
  uint16_t port = 0;              // TCP port of the launch service
  // What the agent can run a job with (its proto::JobOffer, in its order of preference:
  // wire-ups "pmix", "pmi"; networks "ofi", "tcp"). Announced only when `offer_known`: a
  // TXT without the keys (an agent older than protocol 3) or with unreadable ones decodes
  // with offer_known false, and says nothing about what the agent offers.
  bool offer_known = false;
  std::vector<std::string> wireups;
  std::vector<std::string> nets;

  bool operator==(const AgentInfo& o) const;
};

// Checks every field against the limits of txt_format.h (kArg with the offending field).
Status ValidateAgentInfo(const AgentInfo& info);

// TXT rdata for `info` (length-prefixed key=value strings), or kArg if a field is invalid.
StatusOr<std::string> EncodeTxt(const AgentInfo& info);

// Parses TXT rdata. Rejects (kArg, with a reason) truncated strings, oversized records,
// missing or malformed keys and another txtvers; ignores unknown keys; the first of
// duplicate keys wins (RFC 6763 6.4). The optional offer keys never reject a record: both
// readable gives offer_known, anything else leaves it false (a newer agent's longer list
// must not hide the agent from an older zrun).
StatusOr<AgentInfo> DecodeTxt(const uint8_t* data, size_t size);

// "pmix,pmi" <-> {"pmix", "pmi"}: the TXT form of an offer list. ParseOfferList is false
// for an empty list, an empty or overlong name, a character outside [a-z0-9_-], or more
// than kMaxOfferNames names.
std::string JoinOfferList(const std::vector<std::string>& names);
bool ParseOfferList(const std::string& text, std::vector<std::string>* names);

// This machine's architecture and OS as announced ("x86_64", "linux").
const char* LocalArch();
const char* LocalOs();

// `name` reduced to a valid instance label (other characters become '-', cut to kMaxName).
std::string SanitizeName(const std::string& name);

}  // namespace zmpi::launcher::discovery

#endif  // ZMPI_LAUNCHER_DISCOVERY_AGENT_INFO_H_
