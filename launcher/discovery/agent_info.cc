#include "launcher/discovery/agent_info.h"

#include <cstring>
#include <map>

#include "common/check.h"
#include "launcher/discovery/txt_format.h"

namespace zmpi::launcher::discovery {
namespace {

bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool IsPrintable(const std::string& s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

bool IsHex(const std::string& s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status CheckString(const char* field, const std::string& value, size_t max) {
  if (value.empty() || value.size() > max || !IsPrintable(value)) {
    return Error(Code::kArg, "TXT field %s: must be 1..%zu printable characters", field, max);
  }
  return OkStatus();
}

// Decimal without sign or leading zeros, at most `max`.
Status ParseUint(const char* key, const std::string& text, uint32_t max, uint32_t* out) {
  if (text.empty() || text.size() > 10 || (text.size() > 1 && text[0] == '0')) {
    return Error(Code::kArg, "TXT key %s: '%s' is not a number", key, text.c_str());
  }
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return Error(Code::kArg, "TXT key %s: '%s' is not a number", key, text.c_str());
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > max) return Error(Code::kArg, "TXT key %s: %s exceeds %u", key, text.c_str(), max);
  *out = static_cast<uint32_t>(value);
  return OkStatus();
}

Status Append(std::string* out, const char* key, const std::string& value) {
  std::string entry = std::string(key) + "=" + value;
  if (entry.size() > kMaxTxtString) return Error(Code::kArg, "TXT key %s: value too long", key);
  out->push_back(static_cast<char>(entry.size()));
  out->append(entry);
  return OkStatus();
}

// Splits rdata into key -> value (first occurrence wins).
Status SplitTxt(const uint8_t* data, size_t size, std::map<std::string, std::string>* fields) {
  if (size > kMaxTxtTotal)
    return Error(Code::kArg, "TXT record of %zu bytes exceeds %zu", size, kMaxTxtTotal);
  size_t pos = 0, entries = 0;
  while (pos < size) {
    size_t len = data[pos++];
    if (len > size - pos) return Error(Code::kArg, "TXT string of %zu bytes is truncated", len);
    if (++entries > kMaxTxtEntries)
      return Error(Code::kArg, "TXT record has over %zu strings", kMaxTxtEntries);
    std::string entry(reinterpret_cast<const char*>(data + pos), len);
    pos += len;
    size_t eq = entry.find('=');
    if (len == 0 || eq == 0) continue;  // empty string or no key: ignored (RFC 6763 6.4)
    std::string key = entry.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : entry.substr(eq + 1);
    fields->emplace(key, value);
  }
  return OkStatus();
}

bool IsOfferChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

std::string JoinOfferList(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

bool ParseOfferList(const std::string& text, std::vector<std::string>* names) {
  names->clear();
  if (text.empty() || text.size() > kMaxOfferValue) return false;
  size_t start = 0;
  for (;;) {
    size_t comma = text.find(',', start);
    std::string name = text.substr(start, comma == std::string::npos ? comma : comma - start);
    if (name.empty() || name.size() > kMaxOfferName || names->size() == kMaxOfferNames)
      return false;
    for (char c : name) {
      if (!IsOfferChar(c)) return false;
    }
    names->push_back(name);
    if (comma == std::string::npos) return true;
    start = comma + 1;
  }
}

bool AgentInfo::operator==(const AgentInfo& o) const {
  return protocol_version == o.protocol_version && cluster_id == o.cluster_id && arch == o.arch &&
         os == o.os && cores_offered == o.cores_offered && cores_used == o.cores_used &&
         name == o.name && port == o.port && offer_known == o.offer_known && wireups == o.wireups &&
         nets == o.nets;
}

Status ValidateAgentInfo(const AgentInfo& info) {
  ZMPI_RETURN_IF_ERROR(CheckString(kKeyCluster, info.cluster_id, kMaxClusterId));
  if (!IsHex(info.cluster_id)) return Error(Code::kArg, "TXT field cid: not lowercase hex");
  ZMPI_RETURN_IF_ERROR(CheckString(kKeyArch, info.arch, kMaxShortValue));
  ZMPI_RETURN_IF_ERROR(CheckString(kKeyOs, info.os, kMaxShortValue));
  ZMPI_RETURN_IF_ERROR(CheckString(kKeyName, info.name, kMaxName));
  for (char c : info.name) {
    if (!IsLabelChar(c))
      return Error(Code::kArg, "TXT field name: '%s' is not a DNS label", info.name.c_str());
  }
  if (info.cores_offered > kMaxCores || info.cores_used > kMaxCores) {
    return Error(Code::kArg, "TXT field cores: over %u", kMaxCores);
  }
  if (info.port == 0) return Error(Code::kArg, "TXT field port: 0");
  if (info.offer_known) {
    std::vector<std::string> parsed;
    if (!ParseOfferList(JoinOfferList(info.wireups), &parsed) || parsed != info.wireups) {
      return Error(Code::kArg, "TXT field wu: '%s' is not a list of 1..%zu names",
                   JoinOfferList(info.wireups).c_str(), kMaxOfferNames);
    }
    if (!ParseOfferList(JoinOfferList(info.nets), &parsed) || parsed != info.nets) {
      return Error(Code::kArg, "TXT field net: '%s' is not a list of 1..%zu names",
                   JoinOfferList(info.nets).c_str(), kMaxOfferNames);
    }
  }
  return OkStatus();
}

StatusOr<std::string> EncodeTxt(const AgentInfo& info) {
  ZMPI_RETURN_IF_ERROR(ValidateAgentInfo(info));
  std::string out;
  ZMPI_RETURN_IF_ERROR(Append(&out, kKeyTxtVersion, std::to_string(kTxtVersion)));
  ZMPI_RETURN_IF_ERROR(Append(&out, kKeyProtocol, std::to_string(info.protocol_version)));
  ZMPI_RETURN_IF_ERROR(Append(&out, kKeyCluster, info.cluster_id));
  ZMPI_RETURN_IF_ERROR(Append(&out, kKeyArch, info.arch));
  ZMPI_RETURN_IF_ERROR(Append(&out, kKeyOs, info.os));
  ZMPI_RETURN_IF_ERROR(Append(&out, kKeyCoresOffered, std::to_string(info.cores_offered)));
  ZMPI_RETURN_IF_ERROR(Append(&out, kKeyCoresUsed, std::to_string(info.cores_used)));
  ZMPI_RETURN_IF_ERROR(Append(&out, kKeyName, info.name));
  ZMPI_RETURN_IF_ERROR(Append(&out, kKeyPort, std::to_string(info.port)));
  if (info.offer_known) {
    ZMPI_RETURN_IF_ERROR(Append(&out, kKeyWireups, JoinOfferList(info.wireups)));
    ZMPI_RETURN_IF_ERROR(Append(&out, kKeyNets, JoinOfferList(info.nets)));
  }
  ZMPI_CHECK_LE(out.size(), kMaxTxtTotal);
  return out;
}

StatusOr<AgentInfo> DecodeTxt(const uint8_t* data, size_t size) {
  std::map<std::string, std::string> fields;
  ZMPI_RETURN_IF_ERROR(SplitTxt(data, size, &fields));
  for (const char* key : {kKeyTxtVersion, kKeyProtocol, kKeyCluster, kKeyArch, kKeyOs,
                          kKeyCoresOffered, kKeyCoresUsed, kKeyName, kKeyPort}) {
    if (fields.count(key) == 0) return Error(Code::kArg, "TXT key %s missing", key);
  }
  uint32_t txtvers = 0, port = 0;
  ZMPI_RETURN_IF_ERROR(ParseUint(kKeyTxtVersion, fields[kKeyTxtVersion], UINT32_MAX, &txtvers));
  if (txtvers != kTxtVersion) {
    return Error(Code::kArg, "TXT version %u, this side reads %u", txtvers, kTxtVersion);
  }
  AgentInfo info;
  ZMPI_RETURN_IF_ERROR(
      ParseUint(kKeyProtocol, fields[kKeyProtocol], UINT32_MAX, &info.protocol_version));
  ZMPI_RETURN_IF_ERROR(
      ParseUint(kKeyCoresOffered, fields[kKeyCoresOffered], kMaxCores, &info.cores_offered));
  ZMPI_RETURN_IF_ERROR(
      ParseUint(kKeyCoresUsed, fields[kKeyCoresUsed], kMaxCores, &info.cores_used));
  ZMPI_RETURN_IF_ERROR(ParseUint(kKeyPort, fields[kKeyPort], 65535, &port));
  info.port = static_cast<uint16_t>(port);
  info.cluster_id = fields[kKeyCluster];
  info.arch = fields[kKeyArch];
  info.os = fields[kKeyOs];
  info.name = fields[kKeyName];
  auto wireups = fields.find(kKeyWireups);
  auto nets = fields.find(kKeyNets);
  info.offer_known = wireups != fields.end() && nets != fields.end() &&
                     ParseOfferList(wireups->second, &info.wireups) &&
                     ParseOfferList(nets->second, &info.nets);
  if (!info.offer_known) {
    info.wireups.clear();
    info.nets.clear();
  }
  ZMPI_RETURN_IF_ERROR(ValidateAgentInfo(info));
  return info;
}

const char* LocalArch() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "unknown";
#endif
}

const char* LocalOs() {
#if defined(__linux__)
  return "linux";
#elif defined(__HAIKU__)
  return "haiku";
#else
  return "unknown";
#endif
}

std::string SanitizeName(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '.') break;  // "host.example.org" -> "host"
    out.push_back(IsLabelChar(c) ? c : '-');
    if (out.size() == kMaxName) break;
  }
  return out.empty() ? "zmpi" : out;
}

}  // namespace zmpi::launcher::discovery
