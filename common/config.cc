#include "common/config.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>

extern char** environ;

namespace zmpi {

const ConfigRow kConfigRows[] = {
    {"ZMPI_LOG_LEVEL", "level", "warn", "error|warn|info|debug|trace"},
    {"ZMPI_TRANSPORT", "string", "auto",
     "auto|shm|ofi|tcp|mixed: transport between ranks on one host (auto = shm; ofi, tcp: that "
     "network transport for every peer; mixed = tests: same-parity ranks over shm, others over "
     "the network transport)"},
    {"ZMPI_NET", "string", "auto",
     "auto|ofi|tcp: transport to other hosts (auto = ofi where zmpi has libfabric, else tcp; "
     "every rank of a job must use the same: zrun picks one every agent offers, this one if set)"},
    {"ZMPI_OFI_PROVIDER", "string", "net,tcp,tcp;ofi_rxm",
     "libfabric providers between hosts, tried in order (the first one libfabric has is used; "
     "every host must end up with the same one)"},
    {"ZMPI_OFI_BULK_CHUNK", "size", "128k",
     "piece size for large messages between hosts: a message of 2-4 pieces that follows "
     "another one from the same rank still in transfer goes in pieces (0 = never cut)"},
    {"ZMPI_OFI_IFACE", "string", "",
     "network interface for libfabric and the tcp transport (set by the launcher; lo when "
     "everything is on one host)"},
    {"ZMPI_EAGER_LIMIT", "size", "64k",
     "largest message sent eagerly, capped by each transport's frame (shm 16 KiB, ofi 64 KiB); "
     "larger ones use rendezvous"},
    {"ZMPI_UNEXPECTED_LIMIT", "size", "64M",
     "bytes of unexpected eager messages buffered before senders are held back"},
    {"ZMPI_SHM_RING_SLOTS", "int", "64",
     "slots in the largest shared-memory ring a busy pair grows to (power of two)"},
    {"ZMPI_SHM_SLOT_SIZE", "size", "16512",
     "bytes per shared-memory ring slot (a 16 KiB payload plus its header)"},
    {"ZMPI_SINGLE_COPY", "bool", "1", "use process_vm_readv for large messages within a host"},
    {"ZMPI_SINGLE_COPY_MIN", "size", "8k",
     "smallest message read with single copy (over shm also below the eager limit, when no "
     "other such read to that rank is under way); smaller rendezvous messages stream through "
     "the shared-memory ring (two copies, both ranks copying at once)"},
    {"ZMPI_SHM_ASSIST_MIN", "size", "128k",
     "smallest single-copy read the sending rank helps to copy, when it reads none of the "
     "receiver's messages meanwhile (0 = the receiver copies alone; 0 when ranks outnumber "
     "CPUs)"},
    {"ZMPI_SPIN_COUNT", "int", "2000",
     "polls before a waiting rank starts yielding the CPU (0 when ranks outnumber CPUs)"},
    {"ZMPI_OVERSUB_WAIT", "string", "yield",
     "how a waiting rank gives up its CPU when ranks outnumber CPUs: yield (sched_yield; "
     "reaches peers in the caller's session only) or sleep (yield 20 us, then a futex its "
     "shm peers wake); zrun sets sleep where it gives such ranks sessions of their own "
     "and, in its own session, when the machine is busy at launch"},
    {"ZMPI_NET_BLOCK_AFTER", "int", "-1",
     "microseconds a rank whose peers are all on other hosts polls before it blocks until a "
     "message arrives (ofi with net, e.g. 50; -1 = never block: poll and yield)"},
    {"ZMPI_PMI", "string", "auto",
     "PMI version under Hydra's mpiexec or srun --mpi=pmi2: auto (2 under srun, else 1), 1 "
     "or 2"},
    {"ZMPI_WIREUP", "string", "auto",
     "zrun/zrund: how ranks learn their world: auto (pmix where zmpi has PMIx, else pmi), pmix, "
     "or pmi (PMI-1 over a private socket). Every agent of a job serves the same: zrun picks one "
     "every agent offers (this one if set); on zrund it limits the offer to this one"},
    {"ZMPI_ZRUN_TIMEOUT", "int", "0", "zrun: end the job after this many seconds (0 = never)"},
    {"ZMPI_DISCOVERY", "string", "(configured)",
     "zrun/zrund: mDNS back end: mdnsd (libmdnsd in the process) or dnssd (the host's mDNS "
     "daemon through dns_sd.h); the default is chosen at configure (docs/discovery.md)"},
};
const size_t kConfigRowCount = sizeof(kConfigRows) / sizeof(kConfigRows[0]);

bool ParseSize(const std::string& text, size_t* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  unsigned long long v = strtoull(text.c_str(), &end, 10);
  if (end == text.c_str()) return false;
  std::string suffix(end);
  if (suffix == "k" || suffix == "K") v <<= 10;
  else if (suffix == "m" || suffix == "M") v <<= 20;
  else if (suffix == "g" || suffix == "G") v <<= 30;
  else if (!suffix.empty()) return false;
  *out = static_cast<size_t>(v);
  return true;
}

namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

const ConfigRow* FindRow(const std::string& name) {
  for (size_t i = 0; i < kConfigRowCount; ++i) {
    if (name == kConfigRows[i].name) return &kConfigRows[i];
  }
  return nullptr;
}

class Reader {
 public:
  explicit Reader(const std::vector<std::string>& env) {
    for (const std::string& kv : env) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || kv.compare(0, 5, "ZMPI_") != 0) continue;
      std::string name = kv.substr(0, eq);
      if (!FindRow(name) && !IsContractName(name)) {
        std::string hint = SuggestConfigName(name);
        warnings_.push_back("unknown variable " + name +
                            (hint.empty() ? "" : "; did you mean " + hint + "?"));
        continue;
      }
      values_[name] = kv.substr(eq + 1);
    }
  }

  std::string Get(const char* name) const {
    auto it = values_.find(name);
    if (it != values_.end()) return it->second;
    return FindRow(name)->default_value;
  }

  size_t Size(const char* name) {
    size_t v = 0;
    if (ParseSize(Get(name), &v)) return v;
    Warn(name);
    ParseSize(FindRow(name)->default_value, &v);
    return v;
  }

  int Int(const char* name) { return static_cast<int>(Size(name)); }

  bool Bool(const char* name) {
    std::string v = Get(name);
    if (v == "1" || v == "yes" || v == "true" || v == "on") return true;
    if (v == "0" || v == "no" || v == "false" || v == "off") return false;
    Warn(name);
    return strcmp(FindRow(name)->default_value, "1") == 0;
  }

  void Warn(const char* name) {
    warnings_.push_back(std::string("cannot parse ") + name + "=" + Get(name) +
                        "; using the default " + FindRow(name)->default_value);
  }

  std::vector<std::string> TakeWarnings() { return std::move(warnings_); }

 private:
  // Variables the launcher sets for ranks (common/contract.h) are known names too.
  static bool IsContractName(const std::string& name) {
    return name.compare(0, 9, "ZMPI_JOB_") == 0 || name == "ZMPI_RANK_PREFIX";
  }

  std::map<std::string, std::string> values_;
  std::vector<std::string> warnings_;
};

}  // namespace

Config Config::FromList(const std::vector<std::string>& env) {
  Reader r(env);
  Config c;
  if (!ParseLogLevel(r.Get("ZMPI_LOG_LEVEL").c_str(), &c.log_level)) r.Warn("ZMPI_LOG_LEVEL");
  std::string t = r.Get("ZMPI_TRANSPORT");
  if (t == "auto") c.transport = TransportChoice::kAuto;
  else if (t == "shm") c.transport = TransportChoice::kShm;
  else if (t == "ofi") c.transport = TransportChoice::kOfi;
  else if (t == "tcp") c.transport = TransportChoice::kTcp;
  else if (t == "mixed") c.transport = TransportChoice::kMixed;
  else r.Warn("ZMPI_TRANSPORT");
  std::string net = r.Get("ZMPI_NET");
  if (net == "auto") c.net = NetChoice::kAuto;
  else if (net == "ofi") c.net = NetChoice::kOfi;
  else if (net == "tcp") c.net = NetChoice::kTcp;
  else r.Warn("ZMPI_NET");
  c.ofi_provider = r.Get("ZMPI_OFI_PROVIDER");
  c.ofi_iface = r.Get("ZMPI_OFI_IFACE");
  c.ofi_bulk_chunk = r.Size("ZMPI_OFI_BULK_CHUNK");
  c.eager_limit = r.Size("ZMPI_EAGER_LIMIT");
  c.unexpected_limit = r.Size("ZMPI_UNEXPECTED_LIMIT");
  c.shm_ring_slots = r.Size("ZMPI_SHM_RING_SLOTS");
  if (c.shm_ring_slots < 2 || (c.shm_ring_slots & (c.shm_ring_slots - 1)) != 0) {
    r.Warn("ZMPI_SHM_RING_SLOTS");
    c.shm_ring_slots = 64;
  }
  c.shm_slot_size = r.Size("ZMPI_SHM_SLOT_SIZE");
  c.single_copy = r.Bool("ZMPI_SINGLE_COPY");
  c.single_copy_min = r.Size("ZMPI_SINGLE_COPY_MIN");
  c.shm_assist_min = r.Size("ZMPI_SHM_ASSIST_MIN");
  c.spin_count = r.Int("ZMPI_SPIN_COUNT");
  std::string wait = r.Get("ZMPI_OVERSUB_WAIT");
  if (wait == "sleep") c.oversub_wait_sleeps = true;
  else if (wait != "yield") r.Warn("ZMPI_OVERSUB_WAIT");
  c.net_block_after_us = r.Int("ZMPI_NET_BLOCK_AFTER");
  c.warnings = r.TakeWarnings();
  return c;
}

Config Config::FromEnvironment() { return FromEnvironment({}); }

Config Config::FromEnvironment(const std::vector<std::string>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (strncmp(*e, "ZMPI_", 5) == 0) env.emplace_back(*e);
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return FromList(env);
}

std::string FormatConfigHelp() {
  std::string out;
  for (size_t i = 0; i < kConfigRowCount; ++i) {
    const ConfigRow& row = kConfigRows[i];
    char line[512];
    snprintf(line, sizeof(line), "  %-22s %-7s default %-12s %s\n", row.name, row.type,
             row.default_value[0] ? row.default_value : "(none)", row.doc);
    out += line;
  }
  return out;
}

std::string SuggestConfigName(const std::string& name) {
  std::string best;
  size_t best_distance = 4;  // suggest only close names
  for (size_t i = 0; i < kConfigRowCount; ++i) {
    size_t d = EditDistance(name, kConfigRows[i].name);
    if (d < best_distance) {
      best_distance = d;
      best = kConfigRows[i].name;
    }
  }
  return best;
}

}  // namespace zmpi
