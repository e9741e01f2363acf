#include "launcher/agent/plan_spec.h"

#include <cstdlib>

namespace zmpi::launcher::agent {

namespace {

constexpr size_t kMaxHosts = 4096;
constexpr size_t kMaxNameLength = 255;
constexpr long kMaxCores = 1 << 20;

bool ValidName(const std::string& s) {
  if (s.empty() || s.size() > kMaxNameLength) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t at = s.find(sep, start);
    out.push_back(s.substr(start, at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

bool ParseNumber(const std::string& s, long max, long* out) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  *out = strtol(s.c_str(), nullptr, 10);
  return *out <= max;
}

}  // namespace

StatusOr<std::string> EncodePlanSpec(const PlanSpec& spec) {
  if (spec.hosts.empty() || spec.host < 0 || spec.host >= static_cast<int>(spec.hosts.size())) {
    return Error(Code::kArg, "plan: host index %d out of range", spec.host);
  }
  if (!ValidName(spec.nspace)) return Error(Code::kArg, "plan: bad namespace name");
  std::string out = "1;" + std::to_string(spec.host) + ";" +
                    (spec.bind == BindPolicy::kCore ? "c" : "n") + ";" + spec.nspace + ";";
  for (size_t i = 0; i < spec.hosts.size(); ++i) {
    const HostShare& h = spec.hosts[i];
    if (!ValidName(h.name) || h.cores <= 0) {
      return Error(Code::kArg, "plan: bad host '%s' with %d cores", h.name.c_str(), h.cores);
    }
    if (i > 0) out += ",";
    out += h.name + ":" + std::to_string(h.cores);
  }
  if (spec.map == MapBy::kNode) out += ";node";
  return out;
}

StatusOr<PlanSpec> DecodePlanSpec(const std::string& text) {
  std::vector<std::string> parts = Split(text, ';');
  if (parts.size() < 5 || parts.size() > 6 || parts[0] != "1") {
    return Error(Code::kArg, "plan: not a version 1 plan");
  }
  PlanSpec spec;
  if (parts.size() == 6) {
    if (parts[5] != "node") return Error(Code::kArg, "plan: bad mapping '%.16s'", parts[5].c_str());
    spec.map = MapBy::kNode;
  }
  std::vector<std::string> hosts = Split(parts[4], ',');
  if (hosts.size() > kMaxHosts) return Error(Code::kArg, "plan: too many hosts");
  for (const std::string& h : hosts) {
    size_t colon = h.rfind(':');
    long cores = 0;
    if (colon == std::string::npos || !ValidName(h.substr(0, colon)) ||
        !ParseNumber(h.substr(colon + 1), kMaxCores, &cores) || cores == 0) {
      return Error(Code::kArg, "plan: bad host entry '%.64s'", h.c_str());
    }
    spec.hosts.push_back(HostShare{h.substr(0, colon), static_cast<int>(cores)});
  }
  long index = 0;
  if (!ParseNumber(parts[1], static_cast<long>(spec.hosts.size()) - 1, &index)) {
    return Error(Code::kArg, "plan: bad host index '%.16s'", parts[1].c_str());
  }
  spec.host = static_cast<int>(index);
  if (parts[2] == "c") spec.bind = BindPolicy::kCore;
  else if (parts[2] == "n") spec.bind = BindPolicy::kNone;
  else return Error(Code::kArg, "plan: bad binding '%.16s'", parts[2].c_str());
  if (!ValidName(parts[3])) return Error(Code::kArg, "plan: bad namespace name");
  spec.nspace = parts[3];
  return spec;
}

}  // namespace zmpi::launcher::agent
