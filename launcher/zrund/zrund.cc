#include "launcher/zrund/zrund.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>

#include "common/log.h"
#include "common/platform/platform.h"
#include "launcher/agent/host_info.h"
#include "launcher/agent/job_offer.h"
#include "launcher/agent/link.h"
#include "launcher/agent/net_iface.h"
#include "launcher/agent/program_cache.h"
#include "launcher/agent/shm_cleaner.h"
#include "launcher/proto/handshake.h"
#include "launcher/zrund/agent_job.h"
#include "launcher/zrund/restart.h"

namespace zmpi::launcher::zrund {

using agent::HostName;
using agent::LibraryDir;

namespace {

// A peer without the key gets this long from its connection to a finished handshake (zrun
// needs two round trips, milliseconds on a LAN): holding a connection open costs it little.
constexpr int kHandshakeTimeoutMs = 2000;
constexpr int kLaunchTimeoutMs = 10000;
constexpr int kAcceptsPerRound = 16;
// The program cache of an agent whose jobs run as another user (zrund runs as root).
constexpr char kSharedCacheDir[] = "/var/cache/zmpi/programs";  // bounded, so a flood of connections cannot starve peers

int Fail(const Status& status) {
  fprintf(stderr, "zrund: %s\n", status.message().c_str());
  return 1;
}

}  // namespace

void RefusePending(int listen_fd, const std::string& reason, Code code) {
  int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) return;
  std::string frame = proto::RefusalFrame(Error(code, "%s", reason.c_str()));
  ssize_t ignored = send(fd, frame.data(), frame.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  (void)ignored;
  close(fd);
}

Status Zrund::Listen() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ < 0) return Error(Code::kOther, "socket: %s", strerror(errno));
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(options_.port));
  sa.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 ||
      listen(listen_fd_, 128) != 0) {
    return Error(Code::kOther, "cannot listen on port %d: %s", options_.port, strerror(errno));
  }
  socklen_t len = sizeof(sa);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len);
  port_ = ntohs(sa.sin_port);
  return OkStatus();
}

Status Zrund::Setup() {
  std::string path = options_.key_file.empty() ? proto::KeyFile::DefaultPath() : options_.key_file;
  ZMPI_ASSIGN_OR_RETURN(key_, proto::KeyFile::Load(path));
  ZMPI_RETURN_IF_ERROR(topology_.Load());
  int cores = topology_.core_count();
  if (options_.cores > 0) cores = std::min(cores, options_.cores);
  ZMPI_RETURN_IF_ERROR(topology_.Offer(cores));
  cores_ = cores;
  ZMPI_RETURN_IF_ERROR(SetupOwner(cores));
  std::string host = HostName();
  std::string iface = options_.iface;
  ZMPI_RETURN_IF_ERROR(agent::FindInterface(&iface, &address_));
  ZMPI_RETURN_IF_ERROR(Listen());
  ZMPI_RETURN_IF_ERROR(signals_.Install({SIGINT, SIGTERM, SIGHUP, SIGCHLD}));
  agent::RemoveStaleTempDirs("zrund-pmix", host);
  agent::RemoveDeadShmSegments();  // left by jobs whose launcher was SIGKILLed
  ZMPI_RETURN_IF_ERROR(tmpdir_.Create(agent::OwnedTempPrefix("zrund-pmix", host)));
  // Ranks running as the job user reach the PMIx server's files in it (not list them).
  if (job_user_.switch_to && chmod(tmpdir_.path().c_str(), 0711) != 0) {
    return Error(Code::kOther, "cannot open %s to the job user: %s", tmpdir_.path().c_str(),
                 strerror(errno));
  }
  ZMPI_ASSIGN_OR_RETURN(agent::WireupKind kind, agent::WireupKindFromEnvironment());
  ZMPI_ASSIGN_OR_RETURN(pmix_, agent::CreateWireupServer(kind));
  ZMPI_RETURN_IF_ERROR(pmix_->Init(tmpdir_.path(), topology_.hwloc_handle()));

  discovery::AgentInfo info;
  info.protocol_version = proto::kProtocolVersion;
  info.cluster_id = key_->ClusterId();
  info.arch = discovery::LocalArch();
  info.os = discovery::LocalOs();
  info.cores_offered = static_cast<uint32_t>(owner_->offering() ? owner_->OfferedSlots(cores) : 0);
  offered_ = owner_->offering();
  info.name = AgentName(options_);
  info.port = port_;
  // The job offer goes in the TXT record too, so that zrun can show it (--discover) and
  // refuse a job no agent set can serve before it connects; the handshake's copy decides.
  const proto::JobOffer offer = agent::LocalJobOffer(getenv("ZMPI_WIREUP"), getenv("ZMPI_NET"));
  info.offer_known = true;
  info.wireups = offer.wireups;
  info.nets = offer.nets;
  ZMPI_ASSIGN_OR_RETURN(publisher_, discovery::CreatePublisher(address_, info));

  context_ = AgentContext{};
  context_.key = key_.get();
  context_.topology = &topology_;
  context_.pmix = pmix_.get();
  context_.offer = offer;
  context_.signals = &signals_;
  context_.publisher = publisher_.get();
  context_.listen_fd = listen_fd_;
  context_.host = host;
  context_.iface = iface;
  context_.tmpdir = tmpdir_.path();
  context_.lib_dir = LibraryDir();
  context_.cores = cores;
  // A job user must reach the cache: root's home is not the place for it.
  context_.cache_dir = !options_.cache_dir.empty() ? options_.cache_dir
                       : job_user_.switch_to       ? std::string(kSharedCacheDir)
                                                   : agent::ProgramCache::DefaultDir();
  context_.startup_timeout_seconds = options_.startup_timeout_seconds;
  context_.work_dir = options_.work_dir.empty()
                          ? context_.cache_dir.substr(0, context_.cache_dir.find_last_of('/') + 1) + "jobs"
                          : options_.work_dir;
  // Where the OS cannot confine a process to CPUs (Haiku), --cores limits only how many ranks
  // this agent takes.
  context_.cpus = platform::CanConfineToCpus() ? &topology_.offered_cpus() : nullptr;
  if (context_.cpus == nullptr) {
    ZMPI_LOG(kWarn, "zrund", "this system cannot confine ranks to the offered CPUs");
  }
  context_.job_user = &job_user_;
  context_.owner = owner_.get();
  context_.idle_probe = idle_probe_.get();
  context_.control = control_.fd() >= 0 ? &control_ : nullptr;
  context_.job_status = &job_status_;
  context_.owner_tick = [this](const std::vector<pid_t>& ranks) { OwnerTick(ranks); };
  context_.status_text = [this] { return StatusText(); };
  fprintf(stderr,
          "zrund: %s serving on %s:%u (%s), %d cores (cpus %s, confined by affinity: no "
          "writable cgroup v2 cpuset is used), cluster %s\n",
          info.name.c_str(), address_.c_str(), port_, iface.c_str(), cores,
          topology_.offered_list().c_str(), info.cluster_id.c_str());
  fprintf(stderr, "zrund: jobs run as %s; the cluster key lets its holders run any program as %s "
          "on this host\n", job_user_.Describe().c_str(), job_user_.name.c_str());
  const OwnerPolicy& p = owner_->policy();
  std::string limits;
  if (p.max_memory > 0) limits += ", memory " + FormatSize(p.max_memory) + " per rank";
  if (p.max_time_seconds > 0) limits += ", " + std::to_string(p.max_time_seconds) + " s per job";
  if (p.max_ranks > 0) limits += ", " + std::to_string(p.max_ranks) + " ranks per job";
  if (p.max_disk > 0) limits += ", disk " + FormatSize(p.max_disk) + " per job";
  if (p.when_idle) {
    limits += ", cores only while the owner is away (idle " + std::to_string(p.idle_after_seconds) +
              " s; owner back: " + (p.on_return == OnReturn::kEnd ? "end" : "pause") + " jobs)";
  }
  if (p.ask) limits += ", asks before a new client's first job";
  fprintf(stderr, "zrund: owner control on %s%s\n",
          control_.fd() >= 0 ? control_.path().c_str() : "(none)", limits.c_str());
  return OkStatus();
}

void Zrund::Accept() {
  for (int round = 0; round < kAcceptsPerRound; ++round) {
    sockaddr_in sa{};
    socklen_t len = sizeof(sa);
    int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_CLOEXEC);
    if (fd < 0) return;
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, text, sizeof(text));
    std::string source = text;
    std::string peer = source + ":" + std::to_string(ntohs(sa.sin_port));
    std::vector<PendingView> views;
    for (const auto& p : peers_) views.push_back({p->source, p->link->authenticated(), p->since});
    AdmitDecision d = Admit(views, source);
    auto link = std::make_unique<agent::Link>(fd, peer);
    if (!d.accept) {
      Drop(peers_.size(), source, peer, Error(Code::kOther, "%s", d.why.c_str()));
      link->Refuse(Error(Code::kOther, "%s", d.why.c_str()));
      continue;
    }
    if (d.evict.has_value()) {
      Peer& victim = *peers_[*d.evict];
      victim.link->Refuse(Error(Code::kOther, "%s", d.why.c_str()));
      Drop(*d.evict, victim.source, victim.link->peer(), Error(Code::kOther, "%s", d.why.c_str()));
    }
    auto p = std::make_unique<Peer>();
    p->link = std::move(link);
    p->link->BeginAgentHandshake(*key_, publisher_->info().name, context_.offer);
    p->source = source;
    p->since = Clock::now();
    p->deadline = p->since + std::chrono::milliseconds(kHandshakeTimeoutMs);
    peers_.push_back(std::move(p));
  }
}

// Logs (bounded per source: a flood must not fill the log) and forgets peer `i` (none if
// `i` is past the end).
void Zrund::Drop(size_t i, const std::string& source, const std::string& peer, const Status& why) {
  if (log_limiter_.Allow(source, Clock::now())) {
    size_t left_out = log_limiter_.TakeSuppressed(source);
    std::string more =
        left_out > 0 ? " (and " + std::to_string(left_out) + " more from " + source + ")" : "";
    fprintf(stderr, "zrund: refused %s: %s%s\n", peer.c_str(), why.message().c_str(), more.c_str());
  }
  if (i < peers_.size()) peers_.erase(peers_.begin() + static_cast<long>(i));
}

// Advances one peer: handshake, then its Launch. Returns the Launch once it arrived; drops
// (with a log line and, where possible, a reason sent) a peer that failed or took too long.
std::optional<proto::Launch> Zrund::StepPeer(size_t i, bool readable) {
  Peer& p = *peers_[i];
  const std::string peer = p.link->peer();
  Status failed = OkStatus();
  if (readable && !p.link->authenticated()) {
    StatusOr<bool> done = p.link->StepAgentHandshake();
    if (!done.ok()) failed = done.status();
    if (done.ok() && done.value()) {
      p.deadline = Clock::now() + std::chrono::milliseconds(kLaunchTimeoutMs);
    }
  } else if (readable) {
    failed = p.link->Pump();
  }
  if (failed.ok() && p.link->authenticated()) {
    proto::Frame frame;
    StatusOr<bool> got = p.link->Next(&frame);
    StatusOr<proto::Launch> launch = got.ok() && got.value()
                                         ? agent::DecodeAs<proto::Launch>(frame)
                                         : StatusOr<proto::Launch>(got.status());
    if (got.ok() && got.value() && launch.ok()) return std::move(launch.value());
    if (!got.ok() || got.value()) {
      failed = launch.status();
      p.link->Refuse(failed);
    }
  }
  if (failed.ok() && Clock::now() >= p.deadline) {
    failed = Error(Code::kOther, "%s within %d ms",
                   p.link->authenticated() ? "no launch" : "no handshake",
                   p.link->authenticated() ? kLaunchTimeoutMs : kHandshakeTimeoutMs);
    p.link->Refuse(failed);
  }
  if (!failed.ok() && p.link->authenticated() && p.link->closed()) {
    // Authenticated, then gone without a job: how `zrun --doctor` and discovery's checks
    // test an agent. Not a refusal; nothing to log above info.
    ZMPI_LOG(kInfo, "zrund", "%s authenticated and left without a job", peer.c_str());
    peers_.erase(peers_.begin() + static_cast<long>(i));
    return std::nullopt;
  }
  if (!failed.ok()) Drop(i, p.source, peer, failed);
  return std::nullopt;
}

bool Zrund::RunJob(std::unique_ptr<agent::Link> link, proto::Launch launch) {
  // One job at a time: peers still on their way in are told so.
  for (auto& p : peers_) {
    if (p->asked) owner_->Forget(p->client);
    p->link->Refuse(
        Error(Code::kOther, "agent %s is busy with another job", publisher_->info().name.c_str()));
  }
  peers_.clear();
  const std::string choice = launch.wireup.empty() ? std::string()
                             : ", wire-up " + launch.wireup + ", network " + launch.net;
  fprintf(stderr, "zrund: job %llu from %s (%s): %zu of %u ranks%s\n",
          static_cast<unsigned long long>(launch.job_id), link->peer_name().c_str(),
          link->peer().c_str(), launch.ranks.size(), launch.world_size, choice.c_str());
  AgentJob job(context_, link.get(), std::move(launch));
  Status s = job.Run();
  if (!s.ok()) fprintf(stderr, "zrund: job not started: %s\n", s.message().c_str());
  if (job.received_signal() != 0) {
    fprintf(stderr, "zrund: got signal %d (%s) during the job\n", job.received_signal(),
            strsignal(job.received_signal()));
    return true;
  }
  if (pmix_->responsive()) return false;
  link.reset();  // zrun has its answer
  fprintf(stderr, "zrund: restarting: libpmix stopped answering (%s)\n", pmix_->stall().c_str());
  Status restarted = Restart(job.rank_pids(), job.shm_prefix());
  fprintf(stderr, "zrund: cannot restart: %s\n", restarted.message().c_str());
  exit_status_ = 1;
  return true;
}

Status Zrund::Restart(const std::vector<pid_t>& rank_groups, const std::string& shm_prefix) {
  const pid_t own_group = getpgrp();
  for (pid_t group : rank_groups) {
    if (group > 1 && group != own_group) kill(-group, SIGKILL);  // what the ranks left behind
  }
  agent::RemoveShmSegments(shm_prefix);
  publisher_->Goodbye().IgnoreError();  // browsers drop the old records (port, cores used)
  tmpdir_.Remove();  // here, not left to the new image's sweep of stale directories
  fflush(nullptr);
  return ReExec(argv_, inherited_fds_);
}

int Zrund::Run() {
  inherited_fds_ = OpenDescriptors();
  signal(SIGPIPE, SIG_IGN);
  Status s = Setup();
  if (!s.ok()) return Fail(s);
  for (bool stop = false; !stop;) {
    std::vector<pollfd> fds = {
        {signals_.fd(), POLLIN, 0}, {listen_fd_, POLLIN, 0}, {publisher_->fd(), POLLIN, 0}};
    for (const auto& p : peers_) fds.push_back(pollfd{p->link->fd(), POLLIN, 0});
    const size_t control_index = fds.size();
    if (control_.fd() >= 0) fds.push_back(pollfd{control_.fd(), POLLIN, 0});
    int timeout = publisher_->TimeoutMs();
    int n = poll(fds.data(), fds.size(), timeout < 0 || timeout > 200 ? 200 : timeout);
    if (n > 0 && control_index < fds.size() && fds[control_index].revents != 0) {
      control_.ServeOne([this](const std::string& c) { return owner_->Command(c, StatusText()); });
    }
    OwnerTick({});
    if (n > 0 && (fds[0].revents & POLLIN)) {
      for (int signo : signals_.Drain()) {
        if (signo == SIGCHLD) continue;
        fprintf(stderr, "zrund: got signal %d (%s)\n", signo, strsignal(signo));
        stop = true;
      }
    }
    // Between jobs no rank is ours: reap whatever ended, every round (as PID 1 of a
    // container, orphaned grandchildren of ranks end up here, with no SIGCHLD of their own).
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (stop) break;
    Status stepped = publisher_->Step(n > 0 && (fds[2].revents & POLLIN));
    if (!stepped.ok()) ZMPI_LOG(kWarn, "zrund", "mDNS: %s", stepped.message().c_str());
    // Peers from the back, so erasing one keeps the indices of those not yet stepped.
    for (size_t i = peers_.size(); i-- > 0;) {
      bool readable = n > 0 && fds[3 + i].revents != 0;
      std::optional<proto::Launch> launch =
          peers_[i]->asked ? StepWaiting(i, readable) : StepPeer(i, readable);
      if (!launch.has_value() || !Admitted(i, &launch.value())) continue;
      std::unique_ptr<agent::Link> link = std::move(peers_[i]->link);
      peers_.erase(peers_.begin() + static_cast<long>(i));
      stop = RunJob(std::move(link), std::move(launch.value()));
      break;  // the peer list changed
    }
    if (!stop && n > 0 && (fds[1].revents & POLLIN)) Accept();
  }
  publisher_->Goodbye().IgnoreError();
  pmix_.reset();
  close(listen_fd_);
  fprintf(stderr, "zrund: stopped\n");
  return exit_status_;
}

}  // namespace zmpi::launcher::zrund
