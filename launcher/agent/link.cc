#include "launcher/agent/link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>


namespace zmpi::launcher::agent {

namespace {

using Clock = std::chrono::steady_clock;

int MsLeft(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms < 0 ? 0 : static_cast<int>(ms);
}

StatusOr<in_addr> Resolve(const std::string& address) {
  in_addr a{};
  if (inet_pton(AF_INET, address.c_str(), &a) == 1) return a;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(address.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) {
    return Error(Code::kArg, "cannot resolve host '%s'", address.c_str());
  }
  a = reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr;
  freeaddrinfo(res);
  return a;
}

}  // namespace

Link::Link(int fd, std::string peer) : fd_(fd), peer_(std::move(peer)) {
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));  // fences are latency-bound
  // A peer whose host vanished (link down, power off) sends no FIN or RST: without these the
  // connection looks alive forever and a job waits on it. The kernel probes an idle connection
  // after kLivenessIdleS and gives up after kLivenessProbes unanswered probes a second apart;
  // TCP_USER_TIMEOUT bounds unacknowledged data the same way. Then recv/send fail with
  // ETIMEDOUT and the owner of the link ends the job (fault_matrix_test.sh link_down).
  // The kernel answers probes, not the process, so a busy or stopped peer is not taken for dead.
  int idle = kLivenessIdleS, interval = 1, probes = kLivenessProbes;
  unsigned int user_timeout_ms = (kLivenessIdleS + kLivenessProbes) * 1000;
  setsockopt(fd_, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
  setsockopt(fd_, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(fd_, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
  setsockopt(fd_, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof(probes));
  setsockopt(fd_, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof(user_timeout_ms));
}

Link::~Link() {
  if (fd_ >= 0) close(fd_);
}

StatusOr<std::unique_ptr<Link>> Link::Connect(const std::string& address, uint16_t port,
                                              int timeout_ms) {
  ZMPI_ASSIGN_OR_RETURN(in_addr ip, Resolve(address));
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error(Code::kOther, "socket: %s", strerror(errno));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr = ip;
  std::string peer = address + ":" + std::to_string(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 && errno != EINPROGRESS) {
    int e = errno;
    close(fd);
    return Error(Code::kOther, "cannot connect to %s: %s", peer.c_str(), strerror(e));
  }
  pollfd p{fd, POLLOUT, 0};
  int err = 0;
  socklen_t len = sizeof(err);
  if (poll(&p, 1, timeout_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
      err != 0) {
    close(fd);
    return Error(Code::kOther, "cannot connect to %s: %s", peer.c_str(),
                 err != 0 ? strerror(err) : "timed out");
  }
  return std::make_unique<Link>(fd, peer);
}

StatusOr<std::unique_ptr<Link>> Link::StartConnect(const std::string& address, uint16_t port) {
  ZMPI_ASSIGN_OR_RETURN(in_addr ip, Resolve(address));
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error(Code::kOther, "socket: %s", strerror(errno));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr = ip;
  std::string peer = address + ":" + std::to_string(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 && errno != EINPROGRESS) {
    int e = errno;
    close(fd);
    return Error(Code::kOther, "cannot connect to %s: %s", peer.c_str(), strerror(e));
  }
  return std::make_unique<Link>(fd, peer);
}

Status Link::FinishConnect() {
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) return Error(Code::kOther, "cannot connect to %s: %s", peer_.c_str(), strerror(err));
  return OkStatus();
}

Status Link::WriteAll(const std::string& bytes) {
  const char* data = bytes.data();
  size_t left = bytes.size();
  Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(kSendTimeoutMs);
  while (left > 0) {
    ssize_t n = send(fd_, data, left, MSG_NOSIGNAL);
    if (n > 0) {
      data += n;
      left -= static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd_, POLLOUT, 0};
      if (MsLeft(deadline) == 0 || poll(&p, 1, MsLeft(deadline)) < 0) {
        return Error(Code::kOther, "%s does not read (send timed out)", peer_.c_str());
      }
      continue;
    }
    if (errno == ETIMEDOUT) {
      return Error(Code::kOther, "%s stopped answering: no reply from its host for %d s",
                   peer_.c_str(), kLivenessIdleS + kLivenessProbes);
    }
    return Error(Code::kOther, "send to %s: %s", peer_.c_str(), strerror(errno));
  }
  return OkStatus();
}

Status Link::Pump() {
  char buf[65536];
  for (int i = 0; i < 64; ++i) {  // bounded: a flood cannot starve the loop
    // Never more than the frame in hand can use: before the handshake that is a few KiB, so
    // a peer without the key cannot make this process hold its bytes (docs/security.md).
    size_t want = std::min(sizeof(buf), reader_.room());
    if (want == 0) return OkStatus();  // Next() consumes or refuses what is buffered
    ssize_t n = recv(fd_, buf, want, 0);
    if (n > 0) {
      reader_.Append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return OkStatus();
    eof_ = true;
    if (n < 0 && errno == ETIMEDOUT) {
      return Error(Code::kOther, "%s stopped answering: no reply from its host for %d s",
                   peer_.c_str(), kLivenessIdleS + kLivenessProbes);
    }
    return Error(Code::kOther, "%s closed the connection", peer_.c_str());
  }
  return OkStatus();
}

StatusOr<bool> Link::Next(proto::Frame* frame) {
  ZMPI_ASSIGN_OR_RETURN(bool got, reader_.Next(frame));
  if (!got) return false;
  if (session_ == nullptr) return Error(Code::kIntern, "frame before the handshake");
  ZMPI_RETURN_IF_ERROR(session_->Open(frame));
  return true;
}

StatusOr<proto::Frame> Link::ReceiveRaw(int timeout_ms) {
  Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  proto::Frame frame;
  for (;;) {
    ZMPI_ASSIGN_OR_RETURN(bool got, reader_.Next(&frame));
    if (got) return frame;
    if (eof_) return Error(Code::kOther, "%s closed the connection", peer_.c_str());
    pollfd p{fd_, POLLIN, 0};
    int left = MsLeft(deadline);
    if (left == 0 || poll(&p, 1, left) == 0) {
      return Error(Code::kOther, "%s sent nothing for %d ms", peer_.c_str(), timeout_ms);
    }
    Status s = Pump();
    if (!s.ok() && reader_.buffered() == 0) return s;
  }
}

StatusOr<proto::Frame> Link::Receive(int timeout_ms) {
  if (session_ == nullptr) return Error(Code::kIntern, "receive before the handshake");
  ZMPI_ASSIGN_OR_RETURN(proto::Frame frame, ReceiveRaw(timeout_ms));
  ZMPI_RETURN_IF_ERROR(session_->Open(&frame));
  return frame;
}

Status Link::HandshakeAsClient(const proto::KeyFile& key, const std::string& name,
                               int timeout_ms) {
  proto::Handshake handshake(proto::Handshake::Role::kClient, key, name);
  ZMPI_ASSIGN_OR_RETURN(std::string hello, handshake.Start());
  ZMPI_RETURN_IF_ERROR(WriteAll(hello));
  Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!handshake.done()) {
    ZMPI_ASSIGN_OR_RETURN(proto::Frame frame, ReceiveRaw(MsLeft(deadline)));
    ZMPI_ASSIGN_OR_RETURN(std::string reply, handshake.OnFrame(frame));
    if (!reply.empty()) ZMPI_RETURN_IF_ERROR(WriteAll(reply));
  }
  OnAuthenticated(&handshake);
  return OkStatus();
}

void Link::OnAuthenticated(proto::Handshake* handshake) {
  session_ = handshake->TakeSession();
  peer_name_ = handshake->peer_name();
  version_ = handshake->version();
  peer_offer_ = handshake->peer_offer();
  reader_.set_max_frame(proto::kMaxFrame);  // the peer holds the key: full-size frames
}

void Link::Refuse(const Status& why) {
  if (session_ != nullptr) {
    Send(proto::ErrorMessage::From(why)).IgnoreError();
  } else {
    WriteAll(proto::RefusalFrame(why)).IgnoreError();
  }
}

void Link::BeginAgentHandshake(const proto::KeyFile& key, const std::string& name,
                               proto::JobOffer offer) {
  handshake_ = std::make_unique<proto::Handshake>(proto::Handshake::Role::kAgent, key, name);
  handshake_->set_offer(std::move(offer));
}

StatusOr<bool> Link::StepAgentHandshake() { return StepHandshake(true); }

Status Link::BeginClientHandshake(const proto::KeyFile& key, const std::string& name) {
  handshake_ = std::make_unique<proto::Handshake>(proto::Handshake::Role::kClient, key, name);
  ZMPI_ASSIGN_OR_RETURN(std::string hello, handshake_->Start());
  return WriteAll(hello);  // a few hundred bytes into an empty socket: never waits
}

StatusOr<bool> Link::StepClientHandshake() { return StepHandshake(false); }

StatusOr<bool> Link::StepHandshake(bool refuse) {
  if (handshake_ == nullptr) return Error(Code::kIntern, "no handshake begun");
  Status pumped = Pump();
  proto::Frame frame;
  while (!handshake_->done()) {
    StatusOr<bool> got = reader_.Next(&frame);
    StatusOr<std::string> reply = got.ok() ? StatusOr<std::string>(std::string())
                                           : StatusOr<std::string>(got.status());
    if (got.ok() && !got.value()) break;  // wait for more bytes
    if (got.ok()) reply = handshake_->OnFrame(frame);
    if (!reply.ok()) {
      if (refuse) WriteAll(proto::RefusalFrame(reply.status())).IgnoreError();
      return reply.status();
    }
    if (!reply->empty()) ZMPI_RETURN_IF_ERROR(WriteAll(reply.value()));
  }
  if (handshake_->done()) {
    OnAuthenticated(handshake_.get());
    handshake_.reset();
    return true;
  }
  if (!pumped.ok()) return pumped;  // closed before finishing
  return false;
}

Status Link::HandshakeAsAgent(const proto::KeyFile& key, const std::string& name,
                              int timeout_ms) {
  proto::Handshake handshake(proto::Handshake::Role::kAgent, key, name);
  Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!handshake.done()) {
    StatusOr<proto::Frame> frame = ReceiveRaw(MsLeft(deadline));
    StatusOr<std::string> reply =
        frame.ok() ? handshake.OnFrame(frame.value()) : StatusOr<std::string>(frame.status());
    if (!reply.ok()) {
      WriteAll(proto::RefusalFrame(reply.status())).IgnoreError();
      return reply.status();
    }
    if (!reply->empty()) ZMPI_RETURN_IF_ERROR(WriteAll(reply.value()));
  }
  OnAuthenticated(&handshake);
  return OkStatus();
}

}  // namespace zmpi::launcher::agent
