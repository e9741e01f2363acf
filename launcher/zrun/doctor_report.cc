#include "launcher/zrun/doctor_report.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace zmpi::launcher::zrun::probe {

namespace {

using L = DoctorLine;

constexpr char kPrefix[] = "zmpi-probe";

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (true) {
    size_t end = line.find('\t', begin);
    out.push_back(line.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) return out;
    begin = end + 1;
  }
}

std::string Dash(const std::string& field) { return field == "-" ? "" : field; }

// Strict decimal (optionally negative) integer.
bool ToInt(const std::string& text, int64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  char* end = nullptr;
  long long v = strtoll(text.c_str(), &end, 10);
  if (end == nullptr || *end != '\0') return false;
  *out = v;
  return true;
}

std::string Ms(int64_t ns) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%.2f ms", static_cast<double>(ns) / 1e6);
  return buf;
}

// "+1.20 ms" / "-3.0 s".
std::string Signed(int64_t ns) {
  char buf[32];
  double v = static_cast<double>(ns);
  if (ns >= 1'000'000'000 || ns <= -1'000'000'000) {
    snprintf(buf, sizeof(buf), "%+.1f s", v / 1e9);
  } else {
    snprintf(buf, sizeof(buf), "%+.2f ms", v / 1e6);
  }
  return buf;
}

const LinkResult* FindLink(const Report& r, int from, int to) {
  for (const LinkResult& l : r.links) {
    if (l.from == from && l.to == to) return &l;
  }
  return nullptr;
}

// Offset of `b` relative to `a` from their direct link (either direction).
bool Direct(const Report& r, int a, int b, int64_t* out) {
  if (const LinkResult* l = FindLink(r, a, b); l != nullptr && l->ok) {
    *out = l->offset_ns;
    return true;
  }
  if (const LinkResult* l = FindLink(r, b, a); l != nullptr && l->ok) {
    *out = -l->offset_ns;
    return true;
  }
  return false;
}

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width + 1 - s.size(), ' ');
}

}  // namespace

std::string FormatLine(const std::vector<std::string>& fields) {
  std::string out = kPrefix;
  for (const std::string& f : fields) {
    out += '\t';
    for (char c : f) out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
  }
  return out + "\n";
}

Report Parse(const std::string& output) {
  Report r;
  size_t begin = 0;
  while (begin < output.size()) {
    size_t end = output.find('\n', begin);
    if (end == std::string::npos) end = output.size();
    std::vector<std::string> f = SplitTabs(output.substr(begin, end - begin));
    begin = end + 1;
    int64_t rank = 0, peer = 0;
    if (f.size() < 3 || f[0] != kPrefix || !ToInt(f[2], &rank) || rank < 0) continue;
    if (f[1] == "host" && f.size() == 10) {
      r.hosts[static_cast<int>(rank)] =
          HostFacts{f[3], f[4], f[5], Dash(f[6]), Dash(f[7]), Dash(f[8]), Dash(f[9])};
    } else if (f[1] == "link" && f.size() >= 5 && ToInt(f[3], &peer) && peer >= 0) {
      LinkResult l;
      l.from = static_cast<int>(rank);
      l.to = static_cast<int>(peer);
      if (f[4] == "ok" && f.size() == 7 && ToInt(f[5], &l.rtt_ns) && ToInt(f[6], &l.offset_ns)) {
        l.ok = true;
      } else if (f[4] == "fail" && f.size() == 6) {
        l.why = f[5];
      } else {
        continue;
      }
      r.links.push_back(l);
    } else if (f[1] == "lib" && f.size() == 6 && (f[4] == "ok" || f[4] == "missing")) {
      r.libs.push_back(LibResult{static_cast<int>(rank), f[3], f[4] == "ok", f[5]});
    }
  }
  return r;
}

bool ClockOffset(const Report& report, int reference, int rank, int64_t* offset_ns) {
  if (rank == reference) {
    *offset_ns = 0;
    return true;
  }
  if (Direct(report, reference, rank, offset_ns)) return true;
  for (const auto& [via, facts] : report.hosts) {
    (void)facts;
    int64_t a = 0, b = 0;
    if (via != reference && via != rank && Direct(report, reference, via, &a) &&
        Direct(report, via, rank, &b)) {
      *offset_ns = a + b;
      return true;
    }
  }
  return false;
}

Verdict Judge(const Report& report, const std::vector<std::string>& names, int reference,
              const std::string& program) {
  Verdict v;
  const int n = static_cast<int>(names.size());
  auto name = [&](int r) {
    auto it = report.hosts.find(r);
    if (it != report.hosts.end() && !it->second.host.empty() && it->second.host != "?")
      return it->second.host;
    return r < n ? names[static_cast<size_t>(r)] : "rank " + std::to_string(r);
  };
  // Hosts: what each picked, or why it could not take part.
  std::string ref_name = name(reference);
  for (int r = 0; r < n; ++r) {
    auto it = report.hosts.find(r);
    if (it == report.hosts.end()) {
      v.lines.push_back(L{L::kFail, "host", name(r) + ": no report from the probe there",
                          "see zrun's message above; check zrund's log on " + name(r)});
      continue;
    }
    const HostFacts& h = it->second;
    std::string what = name(r) + ": " + h.arch + ", " + h.os + "; interface " +
                       (h.iface.empty() ? "(none)" : h.iface) +
                       (h.address.empty() ? "" : " " + h.address);
    if (!h.error.empty()) {
      v.lines.push_back(L{L::kFail, "host", what + ": no libfabric endpoint: " + h.error,
                          "start zrund on " + name(r) +
                              " with --iface naming the interface "
                              "that reaches the other hosts; check that libfabric1 is installed"});
      continue;
    }
    v.lines.push_back(L{L::kOk, "host", what + ", provider " + h.provider, ""});
  }
  // Links: a pair is good when both directions answered; each bad pair is named once.
  int pairs = 0, good = 0;
  int64_t worst_rtt = 0;
  for (int a = 0; a < n; ++a) {
    for (int b = a + 1; b < n; ++b) {
      ++pairs;
      const LinkResult* ab = FindLink(report, a, b);
      const LinkResult* ba = FindLink(report, b, a);
      if (ab != nullptr && ab->ok && ba != nullptr && ba->ok) {
        ++good;
        worst_rtt = std::max(worst_rtt, std::max(ab->rtt_ns, ba->rtt_ns));
        continue;
      }
      std::string why;
      auto side = [&](const LinkResult* l, int from) {
        if (l == nullptr) return "from " + name(from) + ": not tried";
        return "from " + name(from) + ": " + (l->ok ? std::string("answered") : l->why);
      };
      why = side(ab, a) + "; " + side(ba, b);
      auto ha = report.hosts.find(a), hb = report.hosts.find(b);
      std::string route;
      if (ha != report.hosts.end() && hb != report.hosts.end() && !ha->second.address.empty() &&
          !hb->second.address.empty()) {
        route = " (" + ha->second.address + " <-> " + hb->second.address + ")";
      }
      v.lines.push_back(
          L{L::kFail, "link", name(a) + " <-> " + name(b) + route + ": " + why,
            "ranks on " + name(a) + " and " + name(b) +
                " cannot talk: check the route and "
                "firewall between them (e.g. `ping " +
                (hb != report.hosts.end() && !hb->second.address.empty() ? hb->second.address
                                                                         : name(b)) +
                "` on " + name(a) +
                "), or give zrund --iface an interface that reaches the other hosts"});
    }
  }
  if (pairs > 0 && good == pairs) {
    v.lines.push_back(L{L::kOk, "links",
                        "all " + std::to_string(pairs) +
                            " pairs of hosts exchange messages over "
                            "libfabric (slowest round trip " +
                            Ms(worst_rtt) + ")",
                        ""});
  } else if (good > 0) {
    v.lines.push_back(L{L::kOk, "links",
                        std::to_string(good) + " of " + std::to_string(pairs) +
                            " pairs of hosts "
                            "exchange messages over libfabric",
                        ""});
  }
  // Clocks, against the reference host.
  std::vector<std::string> offsets(static_cast<size_t>(n), "?");
  std::string skewed;
  for (int r = 0; r < n; ++r) {
    int64_t off = 0;
    if (r == reference) {
      offsets[static_cast<size_t>(r)] = "reference";
    } else if (ClockOffset(report, reference, r, &off)) {
      offsets[static_cast<size_t>(r)] = Signed(off);
      if (off >= kClockWarnNs || off <= -kClockWarnNs) {
        skewed += (skewed.empty() ? "" : ", ") + name(r) + " " + Signed(off);
      }
    }
  }
  if (!skewed.empty()) {
    v.lines.push_back(L{L::kWarn, "clock", "clocks differ from " + ref_name + "'s: " + skewed,
                        "run a time service (chrony or systemd-timesyncd) on every host; "
                        "timestamps in the hosts' logs and MPI_Wtime disagree until then"});
  } else if (n > 1) {
    v.lines.push_back(
        L{L::kOk, "clock",
          "every measured clock is within " + Ms(kClockWarnNs) + " of " + ref_name + "'s", ""});
  }
  // Libraries the program needs, per host.
  std::set<std::string> names_needed;
  bool missing_any = false;
  for (const LibResult& lib : report.libs) {
    names_needed.insert(lib.name);
    if (lib.ok) continue;
    // A host that has it: zrun's own (the reference) if it does, else the lowest rank.
    const LibResult* has = nullptr;
    for (const LibResult& other : report.libs) {
      if (!other.ok || other.name != lib.name) continue;
      if (has == nullptr || other.rank == reference ||
          (has->rank != reference && other.rank < has->rank)) {
        has = &other;
      }
    }
    std::string elsewhere =
        has != nullptr ? " (" + name(has->rank) + " has it at " + has->detail + ")" : "";
    v.lines.push_back(
        L{L::kFail, "libs",
          name(lib.rank) + " lacks " + lib.name + ", which " + program + " needs: " + lib.detail,
          "install the package that provides " + lib.name + " on " + name(lib.rank) + elsewhere});
    missing_any = true;
  }
  if (!names_needed.empty() && !missing_any) {
    const size_t count = names_needed.size();
    v.lines.push_back(L{L::kOk, "libs",
                        "every host finds the " + std::to_string(count) +
                            (count == 1 ? " library " : " libraries ") + program + " needs",
                        ""});
  }
  // The table.
  std::vector<std::vector<std::string>> rows = {
      {"host", "arch", "interface", "address", "provider", "clock", "cannot reach"}};
  for (int r = 0; r < n; ++r) {
    auto it = report.hosts.find(r);
    HostFacts h = it != report.hosts.end() ? it->second : HostFacts{};
    std::string unreachable;
    for (int o = 0; o < n; ++o) {
      if (o == r) continue;
      const LinkResult* l = FindLink(report, r, o);
      if (l == nullptr || !l->ok) unreachable += (unreachable.empty() ? "" : ",") + name(o);
    }
    rows.push_back({name(r), h.arch.empty() ? "?" : h.arch, h.iface.empty() ? "-" : h.iface,
                    h.address.empty() ? "-" : h.address, h.provider.empty() ? "-" : h.provider,
                    offsets[static_cast<size_t>(r)], unreachable.empty() ? "-" : unreachable});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += c + 1 == row.size() ? row[c] : Pad(row[c], width[c]);
    }
    v.table += line + "\n";
  }
  return v;
}

}  // namespace zmpi::launcher::zrun::probe
