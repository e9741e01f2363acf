#include "mpi/core/engine.h"

#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "common/check.h"
#include "common/copy.h"
#include "common/log.h"
#include "common/platform/platform.h"
#include "mpi/core/comm.h"
#include "mpi/core/derived_op.h"
#include "mpi/core/threads.h"

namespace zmpi::core {
namespace {

// A bulk operation's cookie is its request's wire id, not its address: a completion that
// arrives after the request failed (dead peer) and its slot was reused must find nothing.
static_assert(sizeof(void*) >= sizeof(uint64_t), "a wire id must fit in a bulk cookie");
void* BulkCookie(const Request* r) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(r->id()));
}

FrameHeader MakeHeader(FrameType type, const Request* r, uint64_t bytes) {
  FrameHeader h = MatchHeader(type, r->context, r->comm->rank(), r->tag, bytes);
  h.sreq = r->id();
  h.addr = reinterpret_cast<uint64_t>(r->send_buf);
  return h;
}

}  // namespace

Engine::Engine(const Config& config, RequestPool& pool) : config_(config), pool_(pool) {}

transport::Endpoint* Engine::AddEndpoint(std::unique_ptr<transport::Endpoint> endpoint) {
  endpoints_.push_back(std::move(endpoint));
  return endpoints_.back().get();
}

void Engine::AssignPeer(int world_rank, transport::Endpoint* endpoint) {
  if (world_rank >= static_cast<int>(peers_.size())) {
    peers_.resize(world_rank + 1);
    peer_counters_.resize(world_rank + 1);
    read_choice_.resize(world_rank + 1);
    unanswered_rts_.resize(world_rank + 1);
    quiet_reads_.resize(world_rank + 1);
  }
  Peer& p = peers_[world_rank];
  p.endpoint = endpoint;
  p.counters = CountersOf(endpoint->Name());
  peer_counters_[world_rank] = p.counters;
  SetPeerEagerLimit(p, config_.eager_limit);
}

void Engine::SetPeerEagerLimit(Peer& p, size_t limit) {
  p.eager_limit = std::min(limit, p.endpoint->MaxPayload());
  p.reference_min = p.endpoint->ReferenceMin();
  p.copied_limit = p.reference_min > 0 ? std::min(p.eager_limit, p.reference_min - 1) : 0;
  const bool reads = config_.single_copy && p.endpoint->ReadBeatsEager();
  read_choice_[&p - peers_.data()].beats_eager = reads;
  // A blocking send that may read instead leaves TrySendNow for StartSend.
  if (reads && config_.single_copy_min <= p.copied_limit) {
    p.copied_limit = config_.single_copy_min > 0 ? config_.single_copy_min - 1 : 0;
  }
}

StatusOr<bool> Engine::NotNow(int peer, size_t bytes) {
  const Peer& p = peers_[peer];
  read_choice_[peer].blocking = bytes > p.copied_limit && bytes <= p.eager_limit;
  return false;
}

// A lone blocking send reads (kRts, one process_vm_readv, kFin); a nonblocking one, or one sent
// while the last such read to the peer is still under way, goes eagerly, so a window of sends
// streams through the ring with both ranks copying at once instead of the receiver making one
// system call per message.
bool Engine::ReadInstead(const Request* r) {
  ReadChoice& c = read_choice_[r->peer];
  const bool blocking = c.blocking;
  c.blocking = false;
  if (!c.beats_eager || !blocking || r->bytes < config_.single_copy_min) return false;
  // Collectives' own sends stay eager: their ranks send to each other at once (a 2-rank
  // allreduce of 8-16 KiB went 2.3 -> 4.4 us when each send waited for the other's read).
  if (r->comm != nullptr && r->context != r->comm->p2p_context()) return false;
  // A peer this rank cannot read from (no process_vm_readv: the portable build, ptrace rules)
  // cannot read from us either: such a send stays eager for good, or it would wait for a
  // match that an eager frame does not need.
  if (!peers_[r->peer].endpoint->CanRead(r->peer)) {
    c.beats_eager = false;
    return false;
  }
  const Request* last = c.last != 0 ? pool_.FromId(c.last) : nullptr;
  if (last != nullptr && !last->complete) return false;
  c.last = r->id();
  return true;
}

void Engine::SetEagerLimit(size_t limit) {
  for (Peer& p : peers_) {
    if (p.endpoint != nullptr) SetPeerEagerLimit(p, limit);
  }
}

const char* Engine::TransportOf(int world_rank) const {
  if (world_rank < 0 || world_rank >= static_cast<int>(peers_.size())) return "none";
  const Peer& p = peers_[world_rank];
  return p.endpoint ? p.endpoint->Name() : "none";
}

void Engine::Complete(Request* r) {
  MarkComplete(&r->complete);  // a plain store; another thread may watch it (threads.h)
  if (r->derived != nullptr || r->user_freed || r->on_complete != nullptr) [[unlikely]] {
    CompleteCold(r);
  }
}

// A request with a derived datatype's staging state (unpack, free it), an on_complete hook
// (persistent, buffered, partitioned, ... requests) or already freed by the user. Out of
// line, so Complete stays frameless.
void Engine::CompleteCold(Request* r) {
  if (r->derived != nullptr) FinishDerived(r);
  if (r->on_complete != nullptr) r->on_complete(r);
  if (r->user_freed) pool_.Release(r);
}

// ---- sending ----

Status Engine::StartSend(Request* r, bool synchronous) {
  Peer& p = peers_[r->peer];
  ++p.counters->messages_sent;
  p.counters->bytes_sent += r->bytes;
  if (r->bytes <= p.eager_limit && !(r->bytes > p.copied_limit && ReadInstead(r))) {
    FrameHeader h =
        MakeHeader(synchronous ? FrameType::kEagerSync : FrameType::kEager, r, r->bytes);
    return Post(r->peer, h, r->send_buf, r->bytes, synchronous ? nullptr : r);
  }
  ++counters.rendezvous_sends;
  CountRts(r->peer);
  // Derived datatypes start in StartSendTyped (engine_typed.cc).
  FrameHeader h = MakeHeader(FrameType::kRts, r, r->bytes);
  return Post(r->peer, h, nullptr, 0, nullptr);
}

Status Engine::Post(int peer, const FrameHeader& header, const void* payload, size_t len,
                    Request* done_when_sent) {
  Peer& p = peers_[peer];
  if (p.backlog.empty()) {
    StatusOr<transport::SendResult> sent = Transmit(peer, header, payload, len, done_when_sent);
    if (!sent.ok()) return sent.status();
    if (*sent != transport::SendResult::kRetry) return OkStatus();
    backlogged_.push_back(peer);
  }
  p.backlog.push_back(Outgoing{header, payload, len, done_when_sent});
  return OkStatus();
}

// A frame whose request completes when it is out may leave from the request's buffer; the
// endpoint then completes the request through OnBulkDone (kPending).
StatusOr<transport::SendResult> Engine::Transmit(int peer, const FrameHeader& header,
                                                 const void* payload, size_t len,
                                                 Request* done_when_sent) {
  Peer& p = peers_[peer];
  transport::Frame frame{&header, sizeof(header), payload, len};
  StatusOr<transport::SendResult> sent =
      done_when_sent != nullptr && len >= p.reference_min
          ? p.endpoint->SendReferenced(peer, frame, BulkCookie(done_when_sent))
          : p.endpoint->Send(peer, frame);
  if (sent.ok() && *sent == transport::SendResult::kDone && done_when_sent != nullptr) {
    Complete(done_when_sent);
  }
  return sent;
}

int Engine::DrainBacklogs() {
  int events = 0;
  for (size_t i = 0; i < backlogged_.size();) {
    int peer = backlogged_[i];
    Peer& p = peers_[peer];
    while (!p.backlog.empty()) {
      Outgoing& out = p.backlog.front();
      StatusOr<transport::SendResult> sent =
          Transmit(peer, out.header, out.payload, out.len, out.done_when_sent);
      if (sent.ok() && *sent == transport::SendResult::kRetry) break;
      if (!sent.ok()) {
        ZMPI_LOG(kError, "p2p", "send to rank %d failed: %s", peer,
                 sent.status().ToString().c_str());
        Request* blame = out.done_when_sent ? out.done_when_sent : pool_.FromId(out.header.sreq);
        if (blame) {
          blame->error = sent.status();
          Complete(blame);
        }
      }
      p.backlog.pop_front();
      ++events;
    }
    if (p.backlog.empty()) {
      backlogged_[i] = backlogged_.back();
      backlogged_.pop_back();
    } else {
      ++i;
    }
  }
  return events;
}

void Engine::PostControl(int peer, FrameType type, uint64_t sreq, uint64_t rreq, uint64_t bytes,
                         Request* blame, uint64_t addr, uint16_t flags) {
  FrameHeader h = ControlHeader(type, sreq, rreq, bytes);
  h.addr = addr;
  h.reserved = flags;
  Status s = Post(peer, h, nullptr, 0, nullptr);
  if (!s.ok() && blame) blame->error = s;
}

// ---- receiving ----

void Engine::SetRecvStatus(Request* r, const FrameHeader& header, size_t delivered) {
  r->status_source = header.source;
  r->status_tag = header.tag;
  r->status_bytes = delivered;
  if (header.bytes > r->bytes) [[unlikely]] {
    FailTruncated(r, header);
  }
}

void Engine::FailTruncated(Request* r, const FrameHeader& header) {
  r->error =
      Error(Code::kTruncate,
            "message of %llu bytes from rank %d (tag %d) does not fit "
            "in a receive buffer of %zu bytes",
            static_cast<unsigned long long>(header.bytes), header.source, header.tag, r->bytes);
}

// A receive with a derived datatype has capacity 0 (derived_op.h), so its nonempty messages
// take the truncation branch that every message tests anyway: no test of its own here.
inline void Engine::DeliverEager(Request* r, int peer, const FrameHeader& header,
                                 const void* payload, size_t len) {
  size_t n = std::min(len, r->bytes);
  CopyBytes(r->recv_buf, payload, n);
  r->status_source = header.source;
  r->status_tag = header.tag;
  r->status_bytes = n;
  if (header.bytes > r->bytes) [[unlikely]] {
    DeliverEagerCold(r, header, payload, len);
  }
  r->peer = peer;
  if (header.type == FrameType::kEagerSync) {
    PostControl(peer, FrameType::kSyncAck, header.sreq, 0, 0, r);
  }
  Complete(r);
}

void Engine::StartRendezvousRecv(Request* r, int peer, const FrameHeader& header,
                                 const void* payload, size_t len) {
  // A derived datatype on either side (the sender's flags, the receive's state): cold.
  if ((header.reserved != 0) | (r->derived != nullptr)) [[unlikely]] {
    StartRendezvousTyped(r, peer, header, payload, len);
    return;
  }
  size_t n = std::min<size_t>(header.bytes, r->bytes);
  SetRecvStatus(r, header, n);
  r->peer = peer;
  Peer& p = peers_[peer];
  // Single copy for large messages; below single_copy_min the data streams through frames,
  // which on shm means both ranks copy at once through a ring that stays in cache.
  if (config_.single_copy && n >= config_.single_copy_min && p.endpoint->CanRead(peer)) {
    if (n) {
      Status s = ReadAnnounced(peer, header.addr, r->recv_buf, n);
      if (!s.ok()) r->error = s;
    }
    PostControl(peer, FrameType::kFin, header.sreq, 0, 0, r);
    Complete(r);
    return;
  }
  AskForData(r, peer, header, n, 0);
}

// A peer that reads none of our messages meanwhile is waiting for this one: it may copy part
// of it (shm's copy assist: both cores copy, bw 64 KiB-1 MiB 1.2-2x, docs/protocol-p2p.md).
// One that does (a bidirectional exchange: OSU bibw, 2-rank allgatherv, halo exchanges) has
// its own copying to do; asking it to help there cost bibw 7-30%.
Status Engine::ReadAnnounced(int peer, uint64_t remote_addr, void* local, size_t len) {
  transport::Endpoint& e = *peers_[peer].endpoint;
  if (unanswered_rts_[peer] != 0) {
    quiet_reads_[peer] = 0;
    return e.Read(peer, remote_addr, local, len);
  }
  if (quiet_reads_[peer] < kQuietReads) {
    ++quiet_reads_[peer];
    return e.Read(peer, remote_addr, local, len);
  }
  ++counters.shared_reads;
  return e.ReadShared(peer, remote_addr, local, len);
}

void Engine::AskForData(Request* r, int peer, const FrameHeader& header, size_t n,
                        uint16_t cts_flags) {
  Peer& p = peers_[peer];
  if (n == 0) {
    PostControl(peer, FrameType::kCts, header.sreq, r->id(), 0, r);
    Complete(r);
    return;
  }
  r->received = 0;
  uint64_t layout = 0;  // how the endpoint wants the bulk data cut, for the sender's endpoint
  if (p.endpoint->HasBulk()) {
    Status s = p.endpoint->PostBulkRecv(peer, r->id(), r->recv_buf, n, BulkCookie(r), &layout);
    if (!s.ok()) {
      r->error = s;
      Complete(r);
      return;
    }
  }
  PostControl(peer, FrameType::kCts, header.sreq, r->id(), n, r, layout, cts_flags);
}

Status Engine::StartRecv(Request* r) {
  MatchQueues& q = matcher_.For(r->context);
  std::unique_ptr<Unexpected> u = q.TakeUnexpected(r->rank, r->tag);
  if (!u) {
    q.AppendPosted(r);
    return OkStatus();
  }
  DeliverUnexpected(r, u);
  return OkStatus();
}

inline void Engine::DeliverUnexpected(Request* r, std::unique_ptr<Unexpected>& u) {
  if (u->header.type == FrameType::kRts) {
    DeferRendezvous(r, std::move(u));
  } else {
    unexpected_bytes_ -= u->data_len;
    DeliverEager(r, u->peer, u->header, u->data.get(), u->data_len);
  }
}

// A receive that matches a rendezvous announcement already here starts the transfer (a
// single-copy read of the whole message, or kCts) from the next progress pass, not inside
// MPI_Irecv/MPI_Mrecv: a rank that posts a window of receives and then its sends (OSU's bibw,
// a halo exchange a step behind its neighbour) would otherwise copy the peer's whole window
// before its own sends are even announced, and the peer, finished, would then wait for them:
// the two ranks copied in turn instead of at once (bibw 64 KiB: 9-12 GB/s in those runs,
// 40-42 when the ranks happened to stay in step).
class DeferredRendezvousOp final : public PendingOp {
 public:
  DeferredRendezvousOp(Engine& engine, uint64_t rreq, std::unique_ptr<Unexpected> message)
      : engine_(engine), rreq_(rreq), message_(std::move(message)) {}
  bool Advance() override {
    Request* r = engine_.pool_.FromId(rreq_);
    // Completed meanwhile (its peer died): nothing to start.
    if (r != nullptr && !r->complete) {
      engine_.StartRendezvousRecv(r, message_->peer, message_->header, message_->data.get(),
                                  message_->data_len);
    }
    return true;
  }

 private:
  Engine& engine_;
  uint64_t rreq_;
  std::unique_ptr<Unexpected> message_;
};

void Engine::DeferRendezvous(Request* r, std::unique_ptr<Unexpected> message) {
  AddPendingOp(std::make_unique<DeferredRendezvousOp>(*this, r->id(), std::move(message)));
}

bool Engine::TakeMatched(Comm* comm, uint32_t context, int source, int tag, int* handle,
                         int* out_source, int* out_tag, size_t* out_bytes) {
  std::unique_ptr<Unexpected> u = matcher_.For(context).TakeUnexpected(source, tag);
  if (!u) return false;
  *out_source = u->header.source;
  *out_tag = u->header.tag;
  *out_bytes = u->header.bytes;
  *handle = messages_.Add(std::unique_ptr<MatchedMessage>(new MatchedMessage{std::move(u), comm}));
  return true;
}

bool Engine::StartMatchedRecv(Request* r, int handle) {
  std::unique_ptr<MatchedMessage> m = messages_.Release(handle);
  if (!m) return false;
  r->comm = m->comm;
  DeliverUnexpected(r, m->message);
  return true;
}

bool Engine::Probe(uint32_t context, int source, int tag, int* out_source, int* out_tag,
                   size_t* out_bytes) {
  const Unexpected* u = matcher_.For(context).PeekUnexpected(source, tag);
  if (!u) return false;
  *out_source = u->header.source;
  *out_tag = u->header.tag;
  *out_bytes = u->header.bytes;
  return true;
}

bool Engine::CancelRecv(Request* r) { return matcher_.For(r->context).RemovePosted(r); }

inline bool Engine::OnMatchable(int peer, const FrameHeader& header, const void* payload,
                                size_t len) {
  TransportCounters* c = peer_counters_[peer];
  ++c->messages_received;
  c->bytes_received += header.bytes;
  MatchQueues& q = matcher_.For(header.context);
  if (Request* r = q.TakePosted(header.source, header.tag)) {
    if (header.type == FrameType::kRts)
      StartRendezvousRecv(r, peer, header, payload, len);
    else
      DeliverEager(r, peer, header, payload, len);
    return true;
  }
  return KeepUnexpected(q, peer, header, payload, len);
}

bool Engine::KeepUnexpected(MatchQueues& q, int peer, const FrameHeader& header,
                            const void* payload, size_t len) {
  if (header.type == FrameType::kRts && header.reserved == 0 &&
      header.bytes <= peers_[peer].eager_limit && KeepUnexpectedRead(q, peer, header)) {
    return true;
  }
  if (header.type != FrameType::kRts && unexpected_bytes_ + len > config_.unexpected_limit &&
      unexpected_bytes_ > 0) {
    ZMPI_LOG_ONCE(kInfo, "p2p", "unexpected-message budget of %zu bytes reached; holding senders",
                  config_.unexpected_limit);
    return false;  // the transport keeps it: backpressure on that sender
  }
  auto u = std::make_unique<Unexpected>();
  u->header = header;
  u->peer = peer;
  if (len > 0) {  // an eager message, or a kRts's layout (small, outside the budget)
    u->data.reset(new char[len]);
    memcpy(u->data.get(), payload, len);
    u->data_len = len;
    if (header.type != FrameType::kRts) unexpected_bytes_ += len;
  }
  q.AppendUnexpected(std::move(u));
  return true;
}

// A kRts within the eager limit comes only from a standard-mode blocking send that announced
// itself for a read instead of an eager frame (ReadInstead; synchronous sends of that size go
// as kEagerSync). Unmatched, it is read now and its sender released (kFin), as the eager frame
// would have been kept: two ranks that both MPI_Send such a message before receiving (unsafe,
// but eager sizes let it through under every MPI) must not wait for each other for ever. Within
// the unexpected-message budget only; false (keep the announcement) when it cannot be read.
bool Engine::KeepUnexpectedRead(MatchQueues& q, int peer, const FrameHeader& header) {
  Peer& p = peers_[peer];
  const size_t n = header.bytes;
  if (!p.endpoint->CanRead(peer)) return false;
  if (unexpected_bytes_ + n > config_.unexpected_limit && unexpected_bytes_ > 0) return false;
  auto u = std::make_unique<Unexpected>();
  u->header = header;
  u->header.type = FrameType::kEager;
  u->peer = peer;
  if (n > 0) {
    u->data.reset(new char[n]);
    if (!p.endpoint->Read(peer, header.addr, u->data.get(), n).ok()) return false;
    u->data_len = n;
    unexpected_bytes_ += n;
  }
  PostControl(peer, FrameType::kFin, header.sreq, 0, 0, nullptr);
  q.AppendUnexpected(std::move(u));
  return true;
}

void Engine::OnCts(int peer, const FrameHeader& header) {
  CountAnswer(peer);
  Request* r = pool_.FromId(header.sreq);
  if (!r) {
    ZMPI_LOG(kWarn, "p2p", "clear-to-send for a request that no longer exists");
    return;
  }
  size_t n = header.bytes;
  if (n == 0) {
    Complete(r);
    return;
  }
  if (r->derived != nullptr) [[unlikely]] {  // packs as it leaves (engine_typed.cc)
    OnCtsTyped(peer, header, r);
    return;
  }
  Peer& p = peers_[peer];
  if (p.endpoint->HasBulk()) {
    Status s =
        p.endpoint->PostBulkSend(peer, header.rreq, r->send_buf, n, BulkCookie(r), header.addr);
    if (!s.ok()) {
      r->error = s;
      Complete(r);
    }
    return;
  }
  // No bulk path: push the data as frames; the last one completes the send. A receive with a
  // derived datatype asks for kDataTyped frames (kData + kCtsTypedData).
  const char* base = static_cast<const char*>(r->send_buf);
  size_t chunk = p.endpoint->MaxPayload();
  const FrameType data = static_cast<FrameType>(static_cast<uint8_t>(FrameType::kData) +
                                                (header.reserved & kCtsTypedData));
  for (size_t off = 0; off < n; off += chunk) {
    FrameHeader h = ControlHeader(data, 0, header.rreq, 0);
    h.addr = off;
    size_t len = std::min(chunk, n - off);
    Status s = Post(peer, h, base + off, len, off + len >= n ? r : nullptr);
    if (!s.ok()) {
      r->error = s;
      Complete(r);
      return;
    }
  }
}

void Engine::OnData(const FrameHeader& header, const void* payload, size_t len) {
  Request* r = pool_.FromId(header.rreq);
  if (!r) return;
  if (header.addr + len <= r->status_bytes) {
    memcpy(static_cast<char*>(r->recv_buf) + header.addr, payload, len);
  }
  r->received += len;
  if (r->received >= r->status_bytes) Complete(r);
}

void Engine::OnAck(const FrameHeader& header) {
  Request* r = pool_.FromId(header.sreq);
  if (r) Complete(r);
}

bool Engine::OnFrame(int peer, const transport::Frame& frame) {
  FrameHeader h;
  ZMPI_CHECK_EQ(frame.header_len, sizeof(h));
  memcpy(&h, frame.header, sizeof(h));
  // Messages first, in one test: they are the frames a waiting receive is waiting for.
  if (h.type == FrameType::kEager) [[likely]] {
    return OnMatchable(peer, h, frame.payload, frame.payload_len);
  }
  switch (h.type) {
    case FrameType::kEager:
    case FrameType::kEagerSync:
    case FrameType::kRts:
      return OnMatchable(peer, h, frame.payload, frame.payload_len);
    case FrameType::kCts:
      OnCts(peer, h);
      return true;
    case FrameType::kFin:
      CountAnswer(peer);
      OnAck(h);
      return true;
    case FrameType::kSyncAck:
      OnAck(h);
      return true;
    case FrameType::kData:
      OnData(h, frame.payload, frame.payload_len);
      return true;
    case FrameType::kDataTyped:
      OnDataTyped(h, frame.payload, frame.payload_len);
      return true;
  }
  ZMPI_LOG(kError, "p2p", "dropping a frame of unknown type %d from rank %d",
           static_cast<int>(h.type), peer);
  return true;
}

void Engine::OnBulkDone(void* cookie, Status status) {
  Request* r = pool_.FromId(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(cookie)));
  if (r == nullptr) return;  // failed and released meanwhile
  if (!status.ok()) r->error = status;
  Complete(r);
}

// ---- progress ----

int Engine::Progress() {
  int events = 0;
  for (auto& endpoint : endpoints_) {
    StatusOr<int> n = endpoint->Poll(*this);
    if (n.ok()) [[likely]] {
      events += *n;
    } else {
      LogPollError(*endpoint, n.status());
    }
  }
  if (!backlogged_.empty()) events += DrainBacklogs();
  if (!pending_ops_.empty()) [[unlikely]]
    events += AdvancePendingOps();
  return events;
}

// An op may add another while it advances (push_back may move the list): index, not iterate.
int Engine::AdvancePendingOps() {
  int done = stream_frames_;
  stream_frames_ = 0;
  for (size_t i = 0; i < pending_ops_.size();) {
    if (pending_ops_[i]->Advance()) {
      pending_ops_.erase(pending_ops_.begin() + static_cast<long>(i));
      ++done;
    } else {
      ++i;
    }
  }
  done += stream_frames_;
  stream_frames_ = 0;
  return done;
}

bool Engine::Sleep(double seconds) {
  transport::Endpoint* sleeper = nullptr;
  for (auto& endpoint : endpoints_) {
    if (sleeper == nullptr && endpoint->Wakes()) {
      sleeper = endpoint.get();
    } else if (!endpoint->Quiet()) {
      return false;
    }
  }
  if (sleeper == nullptr) return false;
  // Backlogged sends and pending ops (streams, schedules) wait for room in a full ring too.
  sleeper->Sleep(seconds, !backlogged_.empty() || !pending_ops_.empty());
  return true;
}

void Engine::LogPollError(transport::Endpoint& endpoint, const Status& error) {
  ZMPI_LOG(kError, "p2p", "%s: %s", endpoint.Name(), error.ToString().c_str());
}

void Engine::Flush(double timeout_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    Progress();
    bool idle = backlogged_.empty();
    for (auto& endpoint : endpoints_) idle = idle && endpoint->Idle();
    if (idle) return;
    if (Threads::enabled()) Threads::Yield();
    sched_yield();
  }
  ZMPI_LOG(kWarn, "p2p", "outgoing messages still pending after %.0f s at finalize",
           timeout_seconds);
}

void Engine::FailPeerDead(Request* r) {
  if (r->kind == RequestKind::kRecv) {
    CancelRecv(r);
  } else if (r->peer >= 0 && r->peer < static_cast<int>(peers_.size())) {
    peers_[r->peer].backlog.clear();  // DrainBacklogs drops the peer from backlogged_
  }
  r->error = Error(Code::kProcAborted, "rank %d (world) died", r->peer);
  Complete(r);
}

bool Engine::PeerAlive(int world_rank) {
  if (world_rank < 0 || world_rank >= static_cast<int>(peers_.size())) return true;
  Peer& p = peers_[world_rank];
  if (p.process != nullptr && p.process->Gone()) return false;
  return p.endpoint == nullptr || p.endpoint->PeerAlive(world_rank);
}

void Engine::WatchProcess(int world_rank, pid_t pid) {
  if (world_rank < 0 || world_rank >= static_cast<int>(peers_.size()) || pid <= 0) return;
  peers_[world_rank].process = std::make_unique<ProcessWatch>(pid);
}

ProcessWatch::ProcessWatch(pid_t process) : pid(process), fd(platform::OpenProcessWatch(process)) {}

ProcessWatch::~ProcessWatch() {
  if (fd >= 0) close(fd);
}

bool ProcessWatch::Gone() {
  if (gone) return true;
  if (fd >= 0) {
    pollfd p = {fd, POLLIN, 0};
    gone = poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
  } else {
    gone = platform::ProcessGone(pid);
  }
  return gone;
}

}  // namespace zmpi::core
