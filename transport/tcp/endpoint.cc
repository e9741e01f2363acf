#include "transport/tcp/endpoint.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <vector>

#include "common/log.h"
#include "transport/tcp/mesh.h"
#include "transport/tcp/wire_format.h"

namespace zmpi::transport::tcp {
namespace {

using Clock = std::chrono::steady_clock;

// Unparsed bytes a peer's input buffer may hold before its stream is no longer read (the
// sink holding frames back: backpressure reaches the sender through TCP's window).
constexpr size_t kMaxBuffered = 4 << 20;
constexpr size_t kReadChunk = 256 * 1024;
constexpr auto kQuietBeforeThrottle = std::chrono::microseconds(200);

struct Peer {
  int rank = -1;
  int fd = -1;
  std::vector<char> out;  // queued bytes [out_begin, out.size())
  size_t out_begin = 0;
  std::vector<char> in;  // received, undelivered bytes [in_begin, in_end)
  size_t in_begin = 0;
  size_t in_end = 0;
  bool eof = false;  // the stream ended: dead once `in` is delivered
  bool dead = false;
  std::string why;  // what ended it

  size_t queued() const { return out.size() - out_begin; }
  size_t buffered() const { return in_end - in_begin; }
};

class TcpEndpoint final : public Endpoint {
 public:
  explicit TcpEndpoint(const Options& options) : options_(options) {}
  ~TcpEndpoint() override {
    for (Peer& p : peers_) close(p.fd);
  }

  Status Init() {
    ZMPI_ASSIGN_OR_RETURN(std::string ip, InterfaceAddress(options_.iface));
    return listener_.Open(ip);
  }

  const char* Name() const override { return "tcp"; }
  std::string Address() const override { return listener_.address(); }
  size_t MaxPayload() const override { return options_.max_payload; }

  Status Connect(const std::vector<PeerAddress>& peers) override;
  StatusOr<SendResult> Send(int peer, const Frame& frame) override;
  StatusOr<int> Poll(FrameSink& sink) override;

  bool Idle() const override { return queued_peers_ == 0; }
  bool PeerAlive(int rank) override {
    Peer* p = Find(rank);
    return p == nullptr || !p->dead;
  }

 private:
  Peer* Find(int rank) {
    if (rank < 0 || rank >= static_cast<int>(index_of_rank_.size())) return nullptr;
    int i = index_of_rank_[rank];
    return i < 0 ? nullptr : &peers_[i];
  }
  Status Gone(const Peer& p) const {
    return Error(Code::kProcAborted, "tcp: rank %d is gone (%s)", p.rank, p.why.c_str());
  }
  void MarkDead(Peer& p, const std::string& why);
  void Queue(Peer& p, const char* data, size_t len);
  void Flush(Peer& p);
  void ReadFrom(Peer& p);
  int Deliver(Peer& p, FrameSink& sink);

  Options options_;
  Listener listener_;
  std::vector<Peer> peers_;         // fixed after Connect
  std::vector<int> index_of_rank_;  // world rank -> index in peers_, -1 if not a peer
  std::vector<pollfd> pollfds_;     // one per peer, same order
  int queued_peers_ = 0;            // peers with queued() > 0
  Clock::time_point last_activity_{};
  Clock::time_point last_poll_{};
};

Status TcpEndpoint::Connect(const std::vector<PeerAddress>& peers) {
  ZMPI_ASSIGN_OR_RETURN(auto fds, ConnectMesh(options_.my_rank, options_.world_size, listener_,
                                              peers, options_.connect_timeout_ms));
  index_of_rank_.assign(static_cast<size_t>(options_.world_size), -1);
  peers_.resize(fds.size());
  size_t i = 0;
  for (auto& [rank, fd] : fds) {
    peers_[i].rank = rank;
    peers_[i].fd = fd;
    peers_[i].in.resize(kReadChunk + sizeof(FramePrefix) + kMaxHeader + options_.max_payload);
    index_of_rank_[rank] = static_cast<int>(i);
    pollfds_.push_back(pollfd{fd, POLLIN, 0});
    ++i;
  }
  return OkStatus();
}

void TcpEndpoint::MarkDead(Peer& p, const std::string& why) {
  if (p.dead) return;
  p.dead = true;
  p.why = why;
  if (p.queued() > 0) --queued_peers_;
  p.out.clear();
  p.out_begin = 0;
  ZMPI_LOG(kDebug, "tcp", "rank %d: %s", p.rank, why.c_str());
}

void TcpEndpoint::Queue(Peer& p, const char* data, size_t len) {
  if (len == 0) return;
  if (p.queued() == 0) ++queued_peers_;
  p.out.insert(p.out.end(), data, data + len);
}

void TcpEndpoint::Flush(Peer& p) {
  while (p.queued() > 0) {
    ssize_t n = send(p.fd, p.out.data() + p.out_begin, p.queued(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      p.out_begin += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    MarkDead(p, std::string("send: ") + strerror(errno));
    return;
  }
  p.out.clear();  // keeps its capacity: no allocation for the next queued frame
  p.out_begin = 0;
  --queued_peers_;
}

StatusOr<SendResult> TcpEndpoint::Send(int rank, const Frame& frame) {
  Peer* p = Find(rank);
  if (p == nullptr) return Error(Code::kIntern, "tcp: rank %d is not a peer", rank);
  if (p->dead) return Gone(*p);
  FramePrefix prefix{static_cast<uint32_t>(frame.header_len),
                     static_cast<uint32_t>(frame.payload_len)};
  const size_t total = sizeof(prefix) + frame.header_len + frame.payload_len;
  const char* parts[3] = {reinterpret_cast<const char*>(&prefix),
                          static_cast<const char*>(frame.header),
                          static_cast<const char*>(frame.payload)};
  const size_t lens[3] = {sizeof(prefix), frame.header_len, frame.payload_len};
  size_t sent = 0;
  if (p->queued() > 0) {
    Flush(*p);
    if (p->dead) return Gone(*p);
    if (p->queued() > 0 && p->queued() + total > options_.max_queued_bytes) {
      return SendResult::kRetry;
    }
  }
  if (p->queued() == 0) {  // the usual case: straight to the socket
    iovec iov[3];
    for (int i = 0; i < 3; ++i) iov[i] = iovec{const_cast<char*>(parts[i]), lens[i]};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = 3;
    ssize_t n = sendmsg(p->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      MarkDead(*p, std::string("send: ") + strerror(errno));
      return Gone(*p);
    }
    sent = n > 0 ? static_cast<size_t>(n) : 0;
    if (sent == total) return SendResult::kDone;
  }
  for (int i = 0; i < 3; ++i) {  // the rest waits in the queue; the caller's buffers are free
    size_t skip = sent < lens[i] ? sent : lens[i];
    Queue(*p, parts[i] + skip, lens[i] - skip);
    sent -= skip;
  }
  return SendResult::kDone;
}

void TcpEndpoint::ReadFrom(Peer& p) {
  if (p.in.size() - p.in_end < kReadChunk) {  // make room: move the rest to the front first
    memmove(p.in.data(), p.in.data() + p.in_begin, p.buffered());
    p.in_end -= p.in_begin;
    p.in_begin = 0;
    if (p.in.size() - p.in_end < kReadChunk) p.in.resize(p.in_end + kReadChunk);
  }
  ssize_t n = recv(p.fd, p.in.data() + p.in_end, p.in.size() - p.in_end, MSG_DONTWAIT);
  if (n > 0) {
    p.in_end += static_cast<size_t>(n);
  } else if (n == 0) {
    p.eof = true;
    p.why = "its stream ended";
  } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    p.eof = true;
    p.why = std::string("recv: ") + strerror(errno);
  }
}

int TcpEndpoint::Deliver(Peer& p, FrameSink& sink) {
  int delivered = 0;
  while (p.buffered() >= sizeof(FramePrefix)) {
    FramePrefix prefix;
    memcpy(&prefix, p.in.data() + p.in_begin, sizeof(prefix));
    if (prefix.header_len > kMaxHeader || prefix.payload_len > options_.max_payload) {
      MarkDead(p, "a frame of impossible size arrived");
      return delivered;
    }
    size_t need = sizeof(prefix) + prefix.header_len + prefix.payload_len;
    if (p.buffered() < need) break;
    const char* at = p.in.data() + p.in_begin + sizeof(prefix);
    Frame frame{at, prefix.header_len, at + prefix.header_len, prefix.payload_len};
    if (!sink.OnFrame(p.rank, frame)) break;  // held: offered again on a later Poll
    p.in_begin += need;
    ++delivered;
  }
  if (p.in_begin == p.in_end) p.in_begin = p.in_end = 0;
  if (p.eof && p.buffered() < sizeof(FramePrefix)) MarkDead(p, p.why);
  return delivered;
}

StatusOr<int> TcpEndpoint::Poll(FrameSink& sink) {
  if (peers_.empty()) return 0;
  Clock::time_point now{};
  if (options_.idle_poll_us > 0) {
    now = Clock::now();
    bool quiet = queued_peers_ == 0 && now - last_activity_ > kQuietBeforeThrottle;
    if (quiet && now - last_poll_ < std::chrono::microseconds(options_.idle_poll_us)) return 0;
    last_poll_ = now;
  }
  if (queued_peers_ > 0) {
    for (Peer& p : peers_) {
      if (p.queued() > 0) Flush(p);
    }
  }
  for (size_t i = 0; i < peers_.size(); ++i) {
    const Peer& p = peers_[i];
    pollfds_[i].events = !p.eof && !p.dead && p.buffered() < kMaxBuffered ? POLLIN : 0;
    pollfds_[i].revents = 0;
  }
  int ready = poll(pollfds_.data(), pollfds_.size(), 0);
  int delivered = 0;
  for (size_t i = 0; i < peers_.size(); ++i) {
    Peer& p = peers_[i];
    if (ready > 0 && pollfds_[i].revents != 0) ReadFrom(p);
    if (p.buffered() > 0 || p.eof) delivered += Deliver(p, sink);
  }
  if (delivered > 0 && options_.idle_poll_us > 0) last_activity_ = now;
  return delivered;
}

}  // namespace

StatusOr<std::unique_ptr<Endpoint>> CreateEndpoint(const Options& options) {
  if (options.world_size < 1 || options.my_rank < 0 || options.my_rank >= options.world_size) {
    return Error(Code::kArg, "tcp: rank %d of %d", options.my_rank, options.world_size);
  }
  auto endpoint = std::make_unique<TcpEndpoint>(options);
  ZMPI_RETURN_IF_ERROR(endpoint->Init());
  return std::unique_ptr<Endpoint>(std::move(endpoint));
}

}  // namespace zmpi::transport::tcp
