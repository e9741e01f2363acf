// What an agent announces about itself over mDNS, and its TXT encoding (txt_format.h).
#ifndef ZMPI_LAUNCHER_DISCOVERY_AGENT_INFO_H_
#define ZMPI_LAUNCHER_DISCOVERY_AGENT_INFO_H_

#include <cstddef>
#include <cstdint>
#include <string>

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

  bool operator==(const AgentInfo& o) const;
};

// Checks every field against the limits of txt_format.h (kArg with the offending field).
Status ValidateAgentInfo(const AgentInfo& info);

// TXT rdata for `info` (length-prefixed key=value strings), or kArg if a field is invalid.
StatusOr<std::string> EncodeTxt(const AgentInfo& info);

// Parses TXT rdata. Rejects (kArg, with a reason) truncated strings, oversized records,
// missing or malformed keys and another txtvers; ignores unknown keys; the first of
// duplicate keys wins (RFC 6763 6.4).
StatusOr<AgentInfo> DecodeTxt(const uint8_t* data, size_t size);

// This machine's architecture and OS as announced ("x86_64", "linux").
const char* LocalArch();
const char* LocalOs();

// `name` reduced to a valid instance label (other characters become '-', cut to kMaxName).
std::string SanitizeName(const std::string& name);

}  // namespace zmpi::launcher::discovery

#endif  // ZMPI_LAUNCHER_DISCOVERY_AGENT_INFO_H_
