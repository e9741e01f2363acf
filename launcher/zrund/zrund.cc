#include "launcher/zrund/zrund.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "common/log.h"
#include "launcher/agent/link.h"
#include "launcher/agent/net_iface.h"
#include "launcher/agent/program_cache.h"
#include "launcher/proto/handshake.h"
#include "launcher/zrund/agent_job.h"

namespace zmpi::launcher::zrund {

namespace {

constexpr int kHandshakeTimeoutMs = 5000;
constexpr int kLaunchTimeoutMs = 10000;

int Fail(const Status& status) {
  fprintf(stderr, "zrund: %s\n", status.message().c_str());
  return 1;
}

std::string HostName() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

std::string LibraryDir() {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0) return "";
  exe[n] = '\0';
  std::string lib = std::string(exe).substr(0, std::string(exe).rfind('/')) + "/../lib";
  char real[PATH_MAX];
  return realpath(lib.c_str(), real) != nullptr ? std::string(real) : lib;
}

}  // namespace

void RefusePending(int listen_fd, const std::string& reason) {
  int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) return;
  std::string frame = proto::RefusalFrame(Error(Code::kOther, "%s", reason.c_str()));
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
      listen(listen_fd_, 16) != 0) {
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
  std::string host = HostName();
  std::string iface = options_.iface;
  ZMPI_RETURN_IF_ERROR(agent::FindInterface(&iface, &address_));
  ZMPI_RETURN_IF_ERROR(Listen());
  ZMPI_RETURN_IF_ERROR(signals_.Install({SIGINT, SIGTERM, SIGHUP, SIGCHLD}));
  agent::RemoveStaleTempDirs("zrund-pmix", host);
  ZMPI_RETURN_IF_ERROR(tmpdir_.Create(agent::OwnedTempPrefix("zrund-pmix", host)));
  pmix_ = std::make_unique<agent::PmixServer>();
  ZMPI_RETURN_IF_ERROR(pmix_->Init(tmpdir_.path(), topology_.hwloc_handle()));

  discovery::AgentInfo info;
  info.protocol_version = proto::kProtocolVersion;
  info.cluster_id = key_->ClusterId();
  info.arch = discovery::LocalArch();
  info.os = discovery::LocalOs();
  info.cores_offered = static_cast<uint32_t>(cores);
  info.name = discovery::SanitizeName(options_.name.empty() ? host : options_.name);
  info.port = port_;
  ZMPI_ASSIGN_OR_RETURN(publisher_, discovery::Publisher::Create(address_, info));

  context_ = AgentContext{key_.get(), &topology_, pmix_.get(), &signals_, publisher_.get(),
                          listen_fd_, host, iface, tmpdir_.path(), LibraryDir(), cores,
                          options_.cache_dir.empty() ? agent::ProgramCache::DefaultDir()
                                                     : options_.cache_dir};
  fprintf(stderr, "zrund: %s serving on %s:%u (%s), %d cores, cluster %s\n", info.name.c_str(),
          address_.c_str(), port_, iface.c_str(), cores, info.cluster_id.c_str());
  return OkStatus();
}

bool Zrund::ServeConnection(int fd, const std::string& peer) {
  agent::Link link(fd, peer);
  Status s = link.HandshakeAsAgent(*key_, publisher_->info().name, kHandshakeTimeoutMs);
  if (!s.ok()) {
    fprintf(stderr, "zrund: refused %s: %s\n", peer.c_str(), s.message().c_str());
    return false;
  }
  StatusOr<proto::Frame> frame = link.Receive(kLaunchTimeoutMs);
  StatusOr<proto::Launch> launch =
      frame.ok() ? agent::DecodeAs<proto::Launch>(frame.value()) : frame.status();
  if (!launch.ok()) {
    fprintf(stderr, "zrund: bad launch from %s: %s\n", peer.c_str(),
            launch.status().message().c_str());
    link.Send(proto::ErrorMessage::From(launch.status())).IgnoreError();
    return false;
  }
  fprintf(stderr, "zrund: job %llu from %s (%s): %zu of %u ranks\n",
          static_cast<unsigned long long>(launch->job_id), link.peer_name().c_str(),
          peer.c_str(), launch->ranks.size(), launch->world_size);
  AgentJob job(context_, &link, std::move(launch.value()));
  s = job.Run();
  if (!s.ok()) fprintf(stderr, "zrund: job not started: %s\n", s.message().c_str());
  return job.received_signal() != 0;
}

int Zrund::Run() {
  signal(SIGPIPE, SIG_IGN);
  Status s = Setup();
  if (!s.ok()) return Fail(s);
  for (;;) {
    pollfd fds[3] = {{signals_.fd(), POLLIN, 0},
                     {listen_fd_, POLLIN, 0},
                     {publisher_->fd(), POLLIN, 0}};
    int timeout = publisher_->TimeoutMs();
    int n = poll(fds, 3, timeout < 0 || timeout > 1000 ? 1000 : timeout);
    bool stop = false;
    if (n > 0 && (fds[0].revents & POLLIN)) {
      for (int signo : signals_.Drain()) stop = stop || signo != SIGCHLD;
      // Between jobs no rank is ours: reap whatever ended (as PID 1 of a container, orphans
      // of ranks end up here too).
      while (waitpid(-1, nullptr, WNOHANG) > 0) {
      }
    }
    if (stop) break;
    Status stepped = publisher_->Step(n > 0 && (fds[2].revents & POLLIN));
    if (!stepped.ok()) ZMPI_LOG(kWarn, "zrund", "mDNS: %s", stepped.message().c_str());
    if (n > 0 && (fds[1].revents & POLLIN)) {
      sockaddr_in sa{};
      socklen_t len = sizeof(sa);
      int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_CLOEXEC);
      if (fd < 0) continue;
      char text[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &sa.sin_addr, text, sizeof(text));
      if (ServeConnection(fd, std::string(text) + ":" + std::to_string(ntohs(sa.sin_port)))) {
        break;
      }
    }
  }
  publisher_->Goodbye().IgnoreError();
  pmix_.reset();
  close(listen_fd_);
  fprintf(stderr, "zrund: stopped\n");
  return 0;
}

}  // namespace zmpi::launcher::zrund
