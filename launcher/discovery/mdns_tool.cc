// zmpi-mdns: publish or browse `_zmpi._tcp` from the command line (tests, debugging).
//
//   zmpi-mdns publish [--iface ADDR] --cluster CID --port P [--name N] [--cores N]
//                     [--used N] [--pv N] [--update-after MS --update-used N] [--duration MS]
//                     [--wireup LIST --net LIST]  (a job offer: "pmix,pmi", "ofi,tcp")
//       Announces until SIGTERM/SIGINT (or --duration), then says goodbye. Prints
//       --key-file F instead of --cluster takes the cluster id of a key file (both verbs).
//       "published <instance>" once, "updated" after --update-after, "goodbye" at the end.
//   zmpi-mdns browse [--iface ADDR] [--cluster CID] [--duration MS] [--expect N] [--watch]
//       Prints one line per agent found: "<name> <address> <port> key=value..." (wu= and
//       net= only for agents that announce an offer), and
//       "elapsed_ms=<t>" on stderr. --expect N returns as soon as N agents are known;
//       --watch prints "+ line" / "- instance" as agents come and go, for --duration.
//   Both verbs use the discovery back end of backend.h: ZMPI_DISCOVERY=mdnsd|dnssd chooses.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "launcher/discovery/backend.h"
#include "launcher/proto/key_file.h"

namespace zmpi::launcher::discovery {
namespace {

using Clock = std::chrono::steady_clock;
int g_signal_pipe[2] = {-1, -1};

void OnSignal(int) {
  char byte = 1;
  ssize_t ignored = write(g_signal_pipe[1], &byte, 1);
  (void)ignored;
}

std::map<std::string, std::string> ParseFlags(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) continue;
    bool has_value = i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0;
    flags[arg.substr(2)] = has_value ? argv[++i] : "1";
  }
  return flags;
}

// --key-file F sets --cluster to the key's cluster id. False (after a message) on error.
bool ApplyKeyFile(std::map<std::string, std::string>* flags) {
  auto it = flags->find("key-file");
  if (it == flags->end()) return true;
  auto key = proto::KeyFile::Load(it->second);
  if (!key.ok()) {
    std::fprintf(stderr, "zmpi-mdns: %s\n", key.status().ToString().c_str());
    return false;
  }
  (*flags)["cluster"] = (*key)->ClusterId();
  return true;
}

std::string Flag(const std::map<std::string, std::string>& f, const char* name, const char* def) {
  auto it = f.find(name);
  return it == f.end() ? def : it->second;
}

int64_t Ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

// Waits for the socket, the signal pipe or the timeout. Returns false on a signal.
bool Wait(int fd, int timeout_ms, bool* readable) {
  pollfd p[2] = {{fd, POLLIN, 0}, {g_signal_pipe[0], POLLIN, 0}};
  int n = poll(p, 2, std::max(timeout_ms, 1));
  *readable = n > 0 && (p[0].revents & POLLIN);
  return !(n > 0 && (p[1].revents & POLLIN));
}

int Publish(const std::map<std::string, std::string>& f) {
  AgentInfo info;
  info.protocol_version = static_cast<uint32_t>(std::atoi(Flag(f, "pv", "1").c_str()));
  info.cluster_id = Flag(f, "cluster", "");
  info.arch = LocalArch();
  info.os = LocalOs();
  info.cores_offered = static_cast<uint32_t>(std::atoi(Flag(f, "cores", "1").c_str()));
  info.cores_used = static_cast<uint32_t>(std::atoi(Flag(f, "used", "0").c_str()));
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  info.name = SanitizeName(Flag(f, "name", host));
  info.port = static_cast<uint16_t>(std::atoi(Flag(f, "port", "0").c_str()));
  if (f.count("wireup") != 0 || f.count("net") != 0) {
    info.offer_known = ParseOfferList(Flag(f, "wireup", ""), &info.wireups) &&
                       ParseOfferList(Flag(f, "net", ""), &info.nets);
    if (!info.offer_known) {
      std::fprintf(stderr, "zmpi-mdns: --wireup and --net want lists like pmix,pmi and ofi,tcp\n");
      return 2;
    }
  }
  auto publisher = CreatePublisher(Flag(f, "iface", ""), info);
  if (!publisher.ok()) {
    std::fprintf(stderr, "zmpi-mdns: %s\n", publisher.status().ToString().c_str());
    return 1;
  }
  AgentPublisher& p = **publisher;
  std::printf("published %s\n", p.instance_name().c_str());
  std::fflush(stdout);
  const Clock::time_point start = Clock::now();
  const int64_t duration = std::atoll(Flag(f, "duration", "3600000").c_str());
  const int64_t update_after = std::atoll(Flag(f, "update-after", "-1").c_str());
  bool updated = false, readable = false;
  while (Ms(start) < duration && Wait(p.fd(), std::min<int64_t>(p.TimeoutMs(), 100), &readable)) {
    Status s = p.Step(readable);
    if (s.ok() && !updated && update_after >= 0 && Ms(start) >= update_after) {
      AgentInfo changed = p.info();
      changed.cores_used = static_cast<uint32_t>(std::atoi(Flag(f, "update-used", "0").c_str()));
      s = p.Update(changed);
      updated = true;
      std::printf("updated\n");
      std::fflush(stdout);
    }
    if (!s.ok()) {
      std::fprintf(stderr, "zmpi-mdns: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  Status s = p.Goodbye();
  std::printf("goodbye%s\n", s.ok() ? "" : " failed");
  return s.ok() ? 0 : 1;
}

std::string Line(const DiscoveredAgent& a) {
  char line[512];
  std::snprintf(line, sizeof(line), "%s %s %u pv=%u cid=%s arch=%s os=%s cores=%u used=%u port=%u",
                a.info.name.c_str(), a.address.c_str(), a.port, a.info.protocol_version,
                a.info.cluster_id.c_str(), a.info.arch.c_str(), a.info.os.c_str(),
                a.info.cores_offered, a.info.cores_used, a.info.port);
  if (!a.info.offer_known) return line;
  return std::string(line) + " wu=" + JoinOfferList(a.info.wireups) +
         " net=" + JoinOfferList(a.info.nets);
}

int Browse(const std::map<std::string, std::string>& f) {
  const Clock::time_point start = Clock::now();
  auto browser = CreateBrowser(Flag(f, "iface", ""));
  if (!browser.ok()) {
    std::fprintf(stderr, "zmpi-mdns: %s\n", browser.status().ToString().c_str());
    return 1;
  }
  AgentBrowser& b = **browser;
  const std::string cluster = Flag(f, "cluster", "");
  const int64_t duration =
      std::min<int64_t>(std::atoll(Flag(f, "duration", "1000").c_str()), 60000);
  const size_t expect = static_cast<size_t>(std::atoi(Flag(f, "expect", "0").c_str()));
  const bool watch = f.count("watch") != 0;
  std::map<std::string, std::string> seen;  // instance -> line
  bool readable = false;
  while (Ms(start) < duration && Wait(b.fd(), std::min<int64_t>(b.TimeoutMs(), 50), &readable)) {
    Status s = b.Step(readable);
    if (!s.ok()) {
      std::fprintf(stderr, "zmpi-mdns: %s\n", s.ToString().c_str());
      return 1;
    }
    std::map<std::string, std::string> now;
    for (const DiscoveredAgent& a : b.Agents(cluster)) now[a.instance] = Line(a);
    if (watch) {
      for (auto& [instance, line] : now) {
        if (seen[instance] != line) std::printf("+ %lld %s\n", (long long)Ms(start), line.c_str());
      }
      for (auto& [instance, line] : seen) {
        if (!line.empty() && now.count(instance) == 0) {
          std::printf("- %lld %s\n", (long long)Ms(start), instance.c_str());
        }
      }
      std::fflush(stdout);
    }
    seen = now;
    if (expect > 0 && now.size() >= expect) break;
  }
  if (!watch) {
    for (auto& [instance, line] : seen) std::printf("%s\n", line.c_str());
  }
  std::fprintf(stderr, "elapsed_ms=%lld found=%zu\n", (long long)Ms(start), seen.size());
  return 0;
}

}  // namespace
}  // namespace zmpi::launcher::discovery

int main(int argc, char** argv) {
  using namespace zmpi::launcher::discovery;
  if (argc < 2 || (std::strcmp(argv[1], "publish") != 0 && std::strcmp(argv[1], "browse") != 0)) {
    std::fprintf(stderr, "usage: zmpi-mdns publish|browse [--flags]  (see mdns_tool.cc)\n");
    return 2;
  }
  if (pipe2(g_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return 1;
  signal(SIGTERM, OnSignal);
  signal(SIGINT, OnSignal);
  auto flags = ParseFlags(argc, argv);
  if (!ApplyKeyFile(&flags)) return 1;
  return std::strcmp(argv[1], "publish") == 0 ? Publish(flags) : Browse(flags);
}
