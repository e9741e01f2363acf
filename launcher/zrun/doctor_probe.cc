// zmpi-doctor-probe: the rank program of `zrun --doctor`'s probe job (one rank per host,
// started by the agents exactly as a job's ranks are). Each rank
//   1. looks for the libraries the user's program needs (--needed, for its own architecture)
//      the way the loader would for that program, in a child process (constructors of what it
//      loads cannot disturb the probe), before PMIx starts threads;
//   2. opens zmpi's ofi endpoint on the interface its agent picked (ZMPI_OFI_IFACE), with the
//      provider list a rank uses (ZMPI_OFI_PROVIDER), and publishes its address through PMIx
//      (fence 1, as MPI_Init's exchange);
//   3. exchanges kRounds ping/pong frames with every other rank, each bounded by --timeout-ms,
//      and keeps answering the others until every rank is done (fence 2, non-blocking);
//   4. prints what it found as tab-separated "zmpi-probe" lines (doctor_report.h parses them).
// A rank always takes part in both fences, even when its endpoint failed, so one bad host
// shows as its own lines instead of a stalled job. It exits 0 unless PMIx itself fails.
#include <dlfcn.h>
#include <link.h>
#include <pmix.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/contract.h"
#include "launcher/agent/net_iface.h"
#include "launcher/agent/program_arch.h"
#include "launcher/zrun/doctor_report.h"
#include "transport/endpoint.h"
#include "transport/ofi/endpoint.h"

namespace {

using zmpi::Status;
using zmpi::StatusOr;
namespace report = zmpi::launcher::zrun::probe;

constexpr uint32_t kMagic = 0x7a70726f;  // "zpro"
constexpr int kRounds = 5;               // ping/pong rounds per peer: the fastest one counts
constexpr uint8_t kPing = 1, kPong = 2;

struct Msg {
  uint32_t magic;
  uint8_t kind;
  uint8_t round;
  uint16_t unused;
  int64_t t0;  // sender's CLOCK_REALTIME at the ping
  int64_t t1;  // answerer's CLOCK_REALTIME at the pong
};

int64_t RealtimeNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}
int64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

// One line on stdout, written at once so lines of different ranks never mix.
void Emit(const std::vector<std::string>& fields) {
  std::string line = report::FormatLine(fields);
  fwrite(line.data(), 1, line.size(), stdout);
  fflush(stdout);
}

std::string OsName() {
  std::ifstream in("/etc/os-release");
  std::string line, name = "unknown OS";
  while (std::getline(in, line)) {
    if (line.compare(0, 12, "PRETTY_NAME=") != 0) continue;
    name = line.substr(12);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
      name = name.substr(1, name.size() - 2);
  }
  utsname u;
  if (uname(&u) == 0) name += std::string(" (Linux ") + u.release + ")";
  return name;
}

std::string MachineArch() {
  utsname u;
  return uname(&u) == 0 ? zmpi::launcher::agent::CanonicalArch(u.machine) : "unknown";
}

// --needed/--rpath/--runpath values are "ARCH=..."; only this host's architecture counts.
struct LibQuery {
  std::vector<std::string> needed;
  std::vector<std::string> rpath, runpath;  // directories
};

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = std::min(text.find(sep, begin), text.size());
    if (end > begin) out.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

// In the child: where the loader would find `name` for the program (DT_RPATH, then
// LD_LIBRARY_PATH and the system's cache and directories through dlopen, DT_RUNPATH in
// between as the loader orders them), as "ok\tPATH" or "missing\tWHY".
std::string FindLibrary(const std::string& name, const LibQuery& q) {
  auto load = [](const std::string& what) -> std::string {
    void* h = dlopen(what.c_str(), RTLD_LAZY | RTLD_LOCAL);
    if (h == nullptr) return "";
    link_map* map = nullptr;
    std::string path = what;
    if (dlinfo(h, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr && map->l_name[0] != '\0')
      path = map->l_name;
    return path;  // left loaded: the child exits soon
  };
  auto in_dirs = [&](const std::vector<std::string>& dirs) -> std::string {
    for (const std::string& d : dirs) {
      std::string file = d + "/" + name;
      if (access(file.c_str(), F_OK) != 0) continue;
      std::string found = load(file);
      if (!found.empty()) return found;
    }
    return "";
  };
  std::string found;
  if (name.find('/') != std::string::npos) {
    found = load(name);
  } else {
    if (q.runpath.empty()) found = in_dirs(q.rpath);  // DT_RUNPATH turns DT_RPATH off
    if (found.empty()) {
      const char* lp = getenv("LD_LIBRARY_PATH");
      found = in_dirs(Split(lp != nullptr ? lp : "", ':'));
    }
    if (found.empty()) found = in_dirs(q.runpath);
    if (found.empty()) found = load(name);  // ld.so.cache and the default directories
  }
  if (!found.empty()) return "ok\t" + found;
  const char* why = dlerror();
  return std::string("missing\t") + (why != nullptr ? why : "not found");
}

// Runs FindLibrary for every needed name in a child (bounded: 10 s) and emits one line each.
void CheckLibraries(int rank, const LibQuery& q) {
  if (q.needed.empty()) return;
  int fds[2];
  if (pipe(fds) != 0) return;
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    std::string out;
    for (const std::string& name : q.needed) out += name + "\t" + FindLibrary(name, q) + "\n";
    for (size_t done = 0; done < out.size();) {
      ssize_t n = write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  int64_t deadline = MonotonicMs() + 10000;
  while (child > 0) {
    pollfd p{fds[0], POLLIN, 0};
    int left = static_cast<int>(deadline - MonotonicMs());
    if (left <= 0 || poll(&p, 1, left) <= 0) break;
    char buf[4096];
    ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (child > 0) {
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
  }
  std::vector<std::string> lines = Split(text, '\n');
  for (const std::string& name : q.needed) {
    std::string result = "missing\tthe library check did not finish within 10 s";
    for (const std::string& l : lines) {
      if (l.compare(0, name.size() + 1, name + "\t") == 0) result = l.substr(name.size() + 1);
    }
    std::vector<std::string> f = {"lib", std::to_string(rank), name};
    for (const std::string& part : Split(result, '\t')) f.push_back(part);
    Emit(f);
  }
}

// The ping/pong exchange over the ofi endpoint. Frames are answered from the main loop
// (the sink only queues them).
class Prober final : public zmpi::transport::FrameSink {
 public:
  Prober(zmpi::transport::Endpoint* ep, int me, int size)
      : ep_(ep), me_(me), peers_(static_cast<size_t>(size)) {}

  struct Peer {
    bool usable = false;   // has an address we could insert
    std::string error;     // why it is not usable / what failed
    int round = 0;         // pongs received
    bool waiting = false;  // a ping of round `round` is on its way
    int64_t sent_ns = 0;
    int64_t best_rtt = -1;  // ns
    int64_t best_offset = 0;
    bool done() const { return !usable || round >= kRounds || !error.empty(); }
  };
  std::vector<Peer>& peers() { return peers_; }

  bool OnFrame(int peer, const zmpi::transport::Frame& frame) override {
    Msg m;
    if (frame.header_len != sizeof(m) || peer < 0 || peer >= static_cast<int>(peers_.size()))
      return true;
    memcpy(&m, frame.header, sizeof(m));
    if (m.magic != kMagic) return true;
    int64_t now = RealtimeNs();
    if (m.kind == kPing) {
      m.kind = kPong;
      m.t1 = now;
      replies_.push_back({peer, m});
    } else if (m.kind == kPong) {
      Peer& p = peers_[static_cast<size_t>(peer)];
      if (!p.waiting || m.round != p.round) return true;
      int64_t rtt = now - m.t0;
      if (p.best_rtt < 0 || rtt < p.best_rtt) {
        p.best_rtt = rtt;
        p.best_offset = m.t1 - (m.t0 + now) / 2;  // the peer's clock minus ours
      }
      p.waiting = false;
      ++p.round;
    }
    return true;
  }
  void OnBulkDone(void*, Status) override {}

  // One pass: answers queued pings, sends the next pings, polls. False on a fatal poll error.
  bool Step() {
    for (size_t i = 0; i < replies_.size();) {
      if (Send(replies_[i].peer, replies_[i].msg)) {
        replies_.erase(replies_.begin() + static_cast<long>(i));
      } else {
        ++i;
      }
    }
    for (size_t r = 0; r < peers_.size(); ++r) {
      Peer& p = peers_[r];
      if (p.done() || p.waiting) continue;
      Msg m = {kMagic, kPing, static_cast<uint8_t>(p.round), 0, RealtimeNs(), 0};
      if (Send(static_cast<int>(r), m)) {
        p.waiting = true;
        p.sent_ns = m.t0;
      }
    }
    StatusOr<int> polled = ep_->Poll(*this);
    if (!polled.ok()) {
      for (Peer& p : peers_) {
        if (!p.done()) p.error = polled.status().message();
      }
      return false;
    }
    for (size_t r = 0; r < peers_.size(); ++r) {
      Peer& p = peers_[r];
      if (!p.done() && !ep_->PeerAlive(static_cast<int>(r))) p.error = "the connection failed";
    }
    return true;
  }

  bool AllDone() const {
    for (const Peer& p : peers_) {
      if (!p.done()) return false;
    }
    return true;
  }

 private:
  // True if sent (or the peer failed: then it is marked); false to retry later.
  bool Send(int peer, const Msg& m) {
    zmpi::transport::Frame f{&m, sizeof(m), nullptr, 0};
    StatusOr<zmpi::transport::SendResult> r = ep_->Send(peer, f);
    if (!r.ok()) {
      peers_[static_cast<size_t>(peer)].error = r.status().message();
      return true;
    }
    return r.value() != zmpi::transport::SendResult::kRetry;
  }

  struct Reply {
    int peer;
    Msg msg;
  };
  zmpi::transport::Endpoint* ep_;
  int me_;
  std::vector<Peer> peers_;
  std::vector<Reply> replies_;
};

pmix_status_t Fence(const pmix_proc_t& me, bool collect) {
  pmix_info_t info;
  PMIX_INFO_CONSTRUCT(&info);
  bool flag = collect;
  PMIX_INFO_LOAD(&info, PMIX_COLLECT_DATA, &flag, PMIX_BOOL);
  pmix_proc_t all;
  PMIX_LOAD_PROCID(&all, me.nspace, PMIX_RANK_WILDCARD);
  pmix_status_t rc = PMIx_Fence(&all, 1, &info, 1);
  PMIX_INFO_DESTRUCT(&info);
  return rc;
}

std::atomic<bool> g_fence_done{false};
void FenceDone(pmix_status_t, void*) { g_fence_done = true; }

std::string PeerAddress(const pmix_proc_t& me, int rank) {
  pmix_proc_t peer;
  PMIX_LOAD_PROCID(&peer, me.nspace, static_cast<pmix_rank_t>(rank));
  pmix_value_t* value = nullptr;
  if (PMIx_Get(&peer, zmpi::contract::kOfiAddressKey, nullptr, 0, &value) != PMIX_SUCCESS)
    return "";
  std::string out = value->type == PMIX_STRING && value->data.string ? value->data.string : "";
  PMIX_VALUE_RELEASE(value);
  return out;
}

int Usage() {
  fprintf(stderr,
          "usage: zmpi-doctor-probe [--timeout-ms N] [--needed ARCH=LIB,...] "
          "[--rpath ARCH=DIR:...] [--runpath ARCH=DIR:...]\n"
          "Started by `zrun --doctor` on every host (docs/zrun.md); not for direct use.\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int timeout_ms = 3000;
  LibQuery libs;
  const std::string arch = MachineArch();
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return Usage();
    std::string v = argv[++i];
    if (a == "--timeout-ms") {
      timeout_ms = atoi(v.c_str());
      continue;
    }
    size_t eq = v.find('=');
    if (eq == std::string::npos) return Usage();
    if (zmpi::launcher::agent::CanonicalArch(v.substr(0, eq)) != arch) continue;
    std::string list = v.substr(eq + 1);
    if (a == "--needed") {
      libs.needed = Split(list, ',');
    } else if (a == "--rpath") {
      libs.rpath = Split(list, ':');
    } else if (a == "--runpath") {
      libs.runpath = Split(list, ':');
    } else {
      return Usage();
    }
  }
  // Before PMIx_Init: the library check forks, which is safe only while single-threaded.
  const char* rank_env = getenv("PMIX_RANK");
  int early_rank = rank_env != nullptr ? atoi(rank_env) : 0;
  CheckLibraries(early_rank, libs);

  pmix_proc_t me;
  pmix_status_t rc = PMIx_Init(&me, nullptr, 0);
  if (rc != PMIX_SUCCESS) {
    fprintf(stderr, "zmpi-doctor-probe: PMIx_Init: %s (start it through zrun --doctor)\n",
            PMIx_Error_string(rc));
    return 1;
  }
  const int rank = static_cast<int>(me.rank);
  pmix_proc_t job;
  PMIX_LOAD_PROCID(&job, me.nspace, PMIX_RANK_WILDCARD);
  pmix_value_t* value = nullptr;
  int size = 1;
  if (PMIx_Get(&job, PMIX_JOB_SIZE, nullptr, 0, &value) == PMIX_SUCCESS) {
    size = static_cast<int>(value->data.uint32);
    PMIX_VALUE_RELEASE(value);
  }

  zmpi::Config config = zmpi::Config::FromEnvironment();
  std::string iface = config.ofi_iface;
  std::string address_of_iface, error, provider;
  std::unique_ptr<zmpi::transport::Endpoint> ep;
  if (iface.empty()) {
    error = "the agent named no interface (ZMPI_OFI_IFACE)";
  } else {
    std::string name = iface;
    Status found = zmpi::launcher::agent::FindInterface(&name, &address_of_iface);
    if (!found.ok()) error = found.message();
  }
  if (error.empty()) {
    zmpi::transport::ofi::Options o;
    o.provider = config.ofi_provider;
    o.iface = iface;
    o.my_rank = rank;
    o.world_size = size;
    StatusOr<std::unique_ptr<zmpi::transport::Endpoint>> made =
        zmpi::transport::ofi::CreateEndpoint(o);
    if (made.ok()) {
      ep = std::move(made.value());
      std::string a = ep->Address();
      provider = a.substr(0, a.find('/'));
    } else {
      error = made.status().message();
    }
  }
  const char* host = getenv(zmpi::contract::kJobHostEnv);
  Emit({"host", std::to_string(rank), host != nullptr ? host : "?", arch, OsName(),
        iface.empty() ? "-" : iface, address_of_iface.empty() ? "-" : address_of_iface,
        provider.empty() ? "-" : provider, error.empty() ? "-" : error});

  pmix_value_t v;
  v.type = PMIX_STRING;
  std::string mine = ep != nullptr ? ep->Address() : "";
  v.data.string = const_cast<char*>(mine.c_str());
  if (PMIx_Put(PMIX_GLOBAL, zmpi::contract::kOfiAddressKey, &v) != PMIX_SUCCESS ||
      PMIx_Commit() != PMIX_SUCCESS || Fence(me, true) != PMIX_SUCCESS) {
    fprintf(stderr, "zmpi-doctor-probe: the address exchange failed\n");
    PMIx_Finalize(nullptr, 0);
    return 1;
  }

  std::unique_ptr<Prober> prober;
  if (ep != nullptr) {
    prober = std::make_unique<Prober>(ep.get(), rank, size);
    std::vector<zmpi::transport::PeerAddress> peers;
    for (int r = 0; r < size; ++r) {
      if (r == rank) continue;
      Prober::Peer& p = prober->peers()[static_cast<size_t>(r)];
      std::string a = PeerAddress(me, r);
      if (a.empty()) {
        p.error = "it has no endpoint (see its host line)";
        continue;
      }
      Status s = ep->Connect({{r, a}});
      if (!s.ok()) {
        p.error = s.message();
        continue;
      }
      p.usable = true;
    }
    prober->peers()[static_cast<size_t>(rank)].usable = false;
    int64_t deadline = MonotonicMs() + timeout_ms;
    while (!prober->AllDone() && MonotonicMs() < deadline && prober->Step()) {
      usleep(50);  // a few hundred frames in all: no need to hold a core
    }
    for (int r = 0; r < size; ++r) {
      if (r == rank) continue;
      const Prober::Peer& p = prober->peers()[static_cast<size_t>(r)];
      if (p.round >= kRounds) {
        Emit({"link", std::to_string(rank), std::to_string(r), "ok", std::to_string(p.best_rtt),
              std::to_string(p.best_offset)});
      } else {
        std::string why = !p.error.empty() ? p.error
                          : p.round > 0    ? "answers stopped after " + std::to_string(p.round) +
                                              " of " + std::to_string(kRounds)
                                        : "no answer within " + std::to_string(timeout_ms) + " ms";
        Emit({"link", std::to_string(rank), std::to_string(r), "fail", why});
      }
    }
  }
  // Fence 2: every rank keeps answering pings until all are done (bounded).
  pmix_info_t info;
  PMIX_INFO_CONSTRUCT(&info);
  bool no = false;
  PMIX_INFO_LOAD(&info, PMIX_COLLECT_DATA, &no, PMIX_BOOL);
  rc = PMIx_Fence_nb(&job, 1, &info, 1, FenceDone, nullptr);
  int64_t deadline = MonotonicMs() + timeout_ms + 20000;
  while (rc == PMIX_SUCCESS && !g_fence_done && MonotonicMs() < deadline) {
    if (prober != nullptr) prober->Step();
    usleep(prober != nullptr ? 50 : 1000);
  }
  PMIX_INFO_DESTRUCT(&info);
  PMIx_Finalize(nullptr, 0);
  // Not closing the endpoint: a connection attempt to an unreachable peer may still be
  // pending in the provider, and closing it could wait for the kernel's TCP timeout.
  fflush(stdout);
  _exit(0);
}
