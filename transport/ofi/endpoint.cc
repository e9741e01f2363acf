#include "transport/ofi/endpoint.h"

#include <rdma/fi_errno.h>
#include <rdma/fi_tagged.h>
#include <sys/uio.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

#include "common/check.h"
#include "common/log.h"
#include "transport/ofi/bulk.h"
#include "transport/ofi/fabric.h"
#include "transport/ofi/inbox.h"
#include "transport/ofi/op_context.h"
#include "transport/ofi/tag_format.h"

namespace zmpi::transport::ofi {
namespace {

// Messages up to this size go eagerly between hosts (as Open MPI's TCP path does): a 32 KiB
// rendezvous costs two extra trips over the wire (~20 us between namespace hosts here).
constexpr size_t kMaxPayload = 64 * 1024;
constexpr size_t kMaxFrameBytes = sizeof(FramePrefix) + kMaxHeader + kMaxPayload;
// From this payload size SendReferenced gathers the payload from the caller's memory instead
// of copying it into the bounce buffer: +9% bandwidth at 32 KiB and +15% at 64 KiB between
// namespace hosts with net (docs/transport-ofi.md, "What replaced it").
constexpr size_t kReferenceMin = 16 * 1024;
constexpr size_t kSendSlots = 128;  // bounce buffers (capped by the provider's tx size)
constexpr size_t kRecvSlots = 64;   // posted frame receives (capped by its rx size)
constexpr int kCqBatch = 16;
constexpr int kMaxCqBatchesPerPoll = 8;
// After any activity the provider is polled on every call for this long.
constexpr std::chrono::microseconds kBusyWindow{200};

using Clock = std::chrono::steady_clock;

// A bounce buffer for one outgoing frame, with the operation context that names it.
struct SendSlot {
  OpContext op;
  char* buf;
  int peer = -1;           // destination of the frame in flight
  void* cookie = nullptr;  // set when the payload is the caller's: OnBulkDone(cookie) at the end
};

struct Peer {
  fi_addr_t addr = FI_ADDR_NOTAVAIL;
  uint32_t send_seq = 0;
  Status dead;  // not ok once the peer is known unreachable
};

class OfiEndpoint final : public Endpoint {
 public:
  OfiEndpoint(const Options& options, std::unique_ptr<Fabric> fabric);
  ~OfiEndpoint() override;
  Status Start();

  const char* Name() const override { return "ofi"; }
  std::string Address() const override { return fabric_->address(); }
  Status Connect(const std::vector<PeerAddress>& peers) override;
  size_t MaxPayload() const override { return kMaxPayload; }
  StatusOr<SendResult> Send(int peer, const Frame& frame) override {
    return Transmit(peer, frame, nullptr, CopyPayload{frame.payload});
  }
  // A derived datatype's payload packs straight into the frame's bounce buffer.
  StatusOr<SendResult> SendWritten(int peer, const void* header, size_t header_len,
                                   size_t payload_len, const PayloadWriter& writer) override {
    return Transmit(peer, Frame{header, header_len, nullptr, payload_len}, nullptr,
                    WritePayload{writer});
  }
  size_t ReferenceMin() const override { return reference_min_; }
  StatusOr<SendResult> SendReferenced(int peer, const Frame& frame, void* cookie) override {
    return Transmit(peer, frame, frame.payload_len >= reference_min_ ? cookie : nullptr,
                    CopyPayload{frame.payload});
  }
  StatusOr<int> Poll(FrameSink& sink) override;
  bool HasBulk() const override { return true; }
  Status PostBulkSend(int peer, uint64_t key, const void* buf, size_t len, void* cookie,
                      uint64_t layout = 0) override;
  Status PostBulkRecv(int peer, uint64_t key, void* buf, size_t len, void* cookie,
                      uint64_t* layout = nullptr) override;
  bool Idle() const override { return free_sends_.size() == send_slots_.size(); }
  bool PeerAlive(int peer) override { return ValidPeer(peer) && peers_[peer].dead.ok(); }
  // With Options::blocking (net): Sleep blocks in the completion queue's wait object.
  bool Wakes() const override { return fabric_->waits(); }
  void Sleep(double seconds, bool want_room) override;

 private:
  bool ValidPeer(int peer) const { return peer >= 0 && peer < static_cast<int>(peers_.size()); }
  Status CheckPeer(int peer) const;
  // How Transmit fills a bounce buffer's payload: a copy, or a writer (SendWritten).
  struct CopyPayload {
    const void* from;
    void operator()(void* to, size_t len) const { memcpy(to, from, len); }
  };
  struct WritePayload {
    const PayloadWriter& writer;
    void operator()(void* to, size_t len) const { writer.write(writer.ctx, to, len); }
  };
  // Send and SendReferenced: with a cookie the payload is sent from the caller's memory.
  template <typename Fill>
  StatusOr<SendResult> Transmit(int peer, const Frame& frame, void* cookie, Fill fill);
  // A frame send has completed or failed: frees its slot; true if it carried a cookie.
  bool ReleaseSend(SendSlot* slot, FrameSink& sink, const Status& status);
  // Whether this Poll looks at the provider (a system call for tcp and net): always, unless
  // options_.idle_poll_us > 0 and nothing happened for a while (see Options).
  bool ShouldPollProvider();
  void NoteActivity() {
    if (options_.idle_poll_us > 0) busy_until_ = Clock::now() + kBusyWindow;
  }
  // Reads completions; `entries` counts every completion read.
  StatusOr<int> DrainCq(FrameSink& sink, int* entries);
  int HandleError(FrameSink& sink);
  // Marks a peer dead (sends fail with kProcAborted); its bulk transfers fail on the next Poll.
  void MarkDead(int peer, const std::string& why);

  Options options_;
  std::unique_ptr<Fabric> fabric_;
  Bulk bulk_;
  Inbox inbox_;
  std::vector<char> send_memory_;
  std::vector<SendSlot> send_slots_;
  std::vector<SendSlot*> free_sends_;
  std::vector<Peer> peers_;
  std::vector<int> newly_dead_;  // peers whose bulk transfers still need failing
  Clock::time_point busy_until_{};
  Clock::time_point next_idle_poll_{};
  size_t reference_min_;  // kReferenceMin, or SIZE_MAX when the provider cannot gather
};

OfiEndpoint::OfiEndpoint(const Options& options, std::unique_ptr<Fabric> fabric)
    : options_(options),
      fabric_(std::move(fabric)),
      bulk_(*fabric_, options.bulk_chunk != 0
                          ? std::min(options.bulk_chunk, fabric_->max_msg_size())
                          : fabric_->max_msg_size()),
      inbox_(*fabric_, std::min(kRecvSlots, std::max<size_t>(fabric_->rx_size() / 2, 4)),
             kMaxFrameBytes, options.world_size),
      peers_(options.world_size),
      reference_min_(fabric_->iov_limit() >= 2 ? kReferenceMin : SIZE_MAX) {
  size_t sends = std::min(kSendSlots, std::max<size_t>(fabric_->tx_size() / 2, 1));
  send_memory_.resize(sends * kMaxFrameBytes);
  send_slots_.resize(sends);
  for (size_t i = 0; i < sends; ++i) {
    send_slots_[i].op.kind = OpKind::kFrameSend;
    send_slots_[i].op.index = static_cast<int>(i);
    send_slots_[i].buf = &send_memory_[i * kMaxFrameBytes];
    free_sends_.push_back(&send_slots_[i]);
  }
}

OfiEndpoint::~OfiEndpoint() {
  // Closing the endpoint (in ~Fabric) cancels what is still posted; buffers outlive it.
  fabric_.reset();
}

Status OfiEndpoint::Start() { return inbox_.Start(); }

Status OfiEndpoint::Connect(const std::vector<PeerAddress>& peers) {
  for (const PeerAddress& peer : peers) {
    if (!ValidPeer(peer.rank)) {
      return Error(Code::kRank, "ofi: peer rank %d outside world of %d", peer.rank,
                   options_.world_size);
    }
    ZMPI_ASSIGN_OR_RETURN(peers_[peer.rank].addr, fabric_->Insert(peer.address));
  }
  return OkStatus();
}

Status OfiEndpoint::CheckPeer(int peer) const {
  if (!ValidPeer(peer) || peers_[peer].addr == FI_ADDR_NOTAVAIL) {
    return Error(Code::kRank, "ofi: rank %d is not connected", peer);
  }
  return peers_[peer].dead;
}

template <typename Fill>
StatusOr<SendResult> OfiEndpoint::Transmit(int peer, const Frame& frame, void* cookie, Fill fill) {
  ZMPI_RETURN_IF_ERROR(CheckPeer(peer));
  if (frame.header_len > kMaxHeader || frame.payload_len > kMaxPayload) {
    return Error(Code::kArg, "ofi: frame of %zu+%zu bytes exceeds %zu+%zu", frame.header_len,
                 frame.payload_len, kMaxHeader, kMaxPayload);
  }
  Peer& p = peers_[peer];
  FramePrefix prefix = {kWireVersion, static_cast<uint8_t>(frame.header_len),   0,
                        p.send_seq,   static_cast<uint32_t>(frame.payload_len), 0};
  size_t total = sizeof(prefix) + frame.header_len + frame.payload_len;
  // Every frame holds a slot until its completion, injected ones too (FI_INJECT with
  // FI_COMPLETION): that bounds frames in flight and tells Idle() when all have left.
  if (free_sends_.empty()) return SendResult::kRetry;
  SendSlot* slot = free_sends_.back();
  char* buf = slot->buf;
  memcpy(buf, &prefix, sizeof(prefix));
  if (frame.header_len != 0) memcpy(buf + sizeof(prefix), frame.header, frame.header_len);
  if (frame.payload_len != 0 && cookie == nullptr) {
    fill(buf + sizeof(prefix) + frame.header_len, frame.payload_len);
  }
  uint64_t tag = FrameTag(static_cast<uint32_t>(options_.my_rank));
  ssize_t ret;
  if (cookie != nullptr) {
    iovec iov[2] = {{buf, sizeof(prefix) + frame.header_len},
                    {const_cast<void*>(frame.payload), frame.payload_len}};
    ret = fi_tsendv(fabric_->ep(), iov, nullptr, 2, p.addr, tag, &slot->op);
  } else if (total <= fabric_->inject_size()) {
    iovec iov = {buf, total};
    fi_msg_tagged msg = {};
    msg.msg_iov = &iov;
    msg.iov_count = 1;
    msg.addr = p.addr;
    msg.tag = tag;
    msg.context = &slot->op;
    ret = fi_tsendmsg(fabric_->ep(), &msg, FI_INJECT | FI_COMPLETION);
  } else {
    ret = fi_tsend(fabric_->ep(), buf, total, nullptr, p.addr, tag, &slot->op);
  }
  if (ret == -FI_EAGAIN) return SendResult::kRetry;
  if (ret != 0) {
    Status status = OfiError("fi_tsend", ret);
    if (status.code() == Code::kProcAborted) MarkDead(peer, status.message());
    return status;
  }
  free_sends_.pop_back();
  slot->peer = peer;
  slot->cookie = cookie;
  ++p.send_seq;
  NoteActivity();
  return cookie != nullptr ? SendResult::kPending : SendResult::kDone;
}

bool OfiEndpoint::ReleaseSend(SendSlot* slot, FrameSink& sink, const Status& status) {
  free_sends_.push_back(slot);
  void* cookie = slot->cookie;
  if (cookie == nullptr) return false;
  slot->cookie = nullptr;
  sink.OnBulkDone(cookie, status);
  return true;
}

StatusOr<int> OfiEndpoint::Poll(FrameSink& sink) {
  int events = bulk_.Progress(sink);
  for (int peer : newly_dead_) events += bulk_.FailPeer(peer, peers_[peer].dead, sink);
  newly_dead_.clear();
  ZMPI_RETURN_IF_ERROR(inbox_.Repost());
  int completed = 0;
  if (ShouldPollProvider()) {
    int entries = 0;
    ZMPI_ASSIGN_OR_RETURN(completed, DrainCq(sink, &entries));
    if (entries > 0) NoteActivity();
  }
  ZMPI_ASSIGN_OR_RETURN(int delivered, inbox_.Deliver(sink));
  return events + completed + delivered;
}

// A completion ends the block: a frame or bulk chunk that arrived, and also a send that
// completed (the room a full send pool or a refused send waits for). Work that a Poll can do
// without anything arriving (held frames, refused receives or chunks) means no block at all.
void OfiEndpoint::Sleep(double seconds, bool /*want_room*/) {
  if (inbox_.has_work() || bulk_.has_refused() || !newly_dead_.empty()) return;
  fabric_->Block(std::max(1, static_cast<int>(seconds * 1000 + 0.5)));
}

bool OfiEndpoint::ShouldPollProvider() {
  if (options_.idle_poll_us <= 0) return true;
  bool in_flight = free_sends_.size() < send_slots_.size() || bulk_.in_flight() > 0;
  Clock::time_point now = Clock::now();
  if (in_flight || now < busy_until_ || now >= next_idle_poll_) {
    next_idle_poll_ = now + std::chrono::microseconds(options_.idle_poll_us);
    return true;
  }
  return false;
}

StatusOr<int> OfiEndpoint::DrainCq(FrameSink& sink, int* entries_read) {
  int events = 0;
  fi_cq_tagged_entry entries[kCqBatch];
  for (int batch = 0; batch < kMaxCqBatchesPerPoll; ++batch) {
    ssize_t n = fi_cq_read(fabric_->cq(), entries, kCqBatch);
    if (n == -FI_EAGAIN) break;
    if (n == -FI_EAVAIL) {
      ++*entries_read;
      events += HandleError(sink);
      continue;
    }
    if (n < 0) return OfiError("fi_cq_read", n);
    *entries_read += static_cast<int>(n);
    for (ssize_t i = 0; i < n; ++i) {
      auto* op = static_cast<OpContext*>(entries[i].op_context);
      ZMPI_CHECK(op != nullptr);  // every operation that reports a completion has a context
      switch (op->kind) {
        case OpKind::kFrameSend:
          events += ReleaseSend(&send_slots_[op->index], sink, OkStatus());
          break;
        case OpKind::kFrameRecv: {
          int bad = inbox_.OnArrived(op, entries[i]);
          if (bad >= 0) MarkDead(bad, "sent a malformed frame");
          break;
        }
        case OpKind::kBulkChunk:
          events += bulk_.OnCompletion(op, OkStatus(), entries[i].len, sink);
          break;
      }
    }
    if (n < kCqBatch) break;
  }
  return events;
}

int OfiEndpoint::HandleError(FrameSink& sink) {
  fi_cq_err_entry entry = {};
  if (fi_cq_readerr(fabric_->cq(), &entry, 0) != 1) return 0;
  auto* op = static_cast<OpContext*>(entry.op_context);
  std::string text = fabric_->CompletionErrorText(entry);
  // A lost connection shows as the error itself or, for a canceled operation, as the
  // provider's errno (tcp and net report socket errnos there).
  bool lost = IsPeerLost(entry.err) || (entry.err == FI_ECANCELED && IsPeerLost(entry.prov_errno));
  Code code = lost ? Code::kProcAborted : entry.err == FI_ETRUNC ? Code::kTruncate : Code::kOther;
  if (op == nullptr) {
    ZMPI_LOG(kWarn, "ofi", "completion error without context: %s", text.c_str());
    return 0;
  }
  switch (op->kind) {
    case OpKind::kFrameSend: {
      SendSlot* slot = &send_slots_[op->index];
      MarkDead(slot->peer, "frame send failed: " + text);
      return ReleaseSend(slot, sink, Error(code, "ofi: frame send failed: %s", text.c_str()));
    }
    case OpKind::kFrameRecv:
      if (entry.err != FI_ECANCELED) {
        ZMPI_LOG(kWarn, "ofi", "frame receive failed: %s", text.c_str());
        inbox_.OnFailed(op);
      }
      return 0;
    case OpKind::kBulkChunk:
      if (lost) MarkDead(Bulk::PeerOf(op), "bulk transfer failed: " + text);
      return bulk_.OnCompletion(op, Error(code, "ofi: bulk transfer failed: %s", text.c_str()),
                                entry.len, sink);
  }
  return 0;
}

void OfiEndpoint::MarkDead(int peer, const std::string& why) {
  if (!ValidPeer(peer) || !peers_[peer].dead.ok()) return;
  ZMPI_LOG(kWarn, "ofi", "rank %d is unreachable: %s", peer, why.c_str());
  peers_[peer].dead =
      Error(Code::kProcAborted, "ofi: rank %d is unreachable: %s", peer, why.c_str());
  newly_dead_.push_back(peer);
}

Status OfiEndpoint::PostBulkSend(int peer, uint64_t key, const void* buf, size_t len,
                                 void* cookie, uint64_t layout) {
  ZMPI_RETURN_IF_ERROR(CheckPeer(peer));
  NoteActivity();
  return bulk_.Post(true, peer, peers_[peer].addr, key, const_cast<void*>(buf), len, layout,
                    cookie);
}

Status OfiEndpoint::PostBulkRecv(int peer, uint64_t key, void* buf, size_t len, void* cookie,
                                 uint64_t* layout) {
  ZMPI_RETURN_IF_ERROR(CheckPeer(peer));
  NoteActivity();
  uint64_t chosen = layout != nullptr ? bulk_.ChooseLayout(peer, len) : 0;
  ZMPI_RETURN_IF_ERROR(bulk_.Post(false, peer, peers_[peer].addr, key, buf, len, chosen, cookie));
  if (layout != nullptr) *layout = chosen;
  return OkStatus();
}

// The providers zmpi accepts. Measured here: sockets takes milliseconds per message and
// udp;ofi_rxd collapses under load. "net" (libfabric 1.17) is the reworked tcp provider with
// its own RDM endpoints; from 1.18 on it is called "tcp", and "tcp;ofi_rxm" is the older
// layering (docs/transport-ofi.md, "Which provider").
bool KnownProvider(const std::string& name) {
  return name == "net" || name == "tcp" || name == "tcp;ofi_rxm";
}

// Opens the first provider of the comma-separated list that this libfabric offers.
StatusOr<std::unique_ptr<Fabric>> OpenFirstProvider(const Options& options) {
  Status last = Error(Code::kArg, "ofi: no provider given");
  size_t begin = 0;
  while (begin <= options.provider.size()) {
    size_t end = std::min(options.provider.find(',', begin), options.provider.size());
    std::string name = options.provider.substr(begin, end - begin);
    begin = end + 1;
    if (!KnownProvider(name)) {
      return Error(Code::kArg, "ofi: provider '%s' is not supported (use net, tcp or tcp;ofi_rxm)",
                   name.c_str());
    }
    StatusOr<std::unique_ptr<Fabric>> fabric =
        Fabric::Open(name, options.iface, options.world_size, options.blocking);
    if (fabric.ok() || fabric.status().code() != Code::kUnsupported) return fabric;
    last = fabric.status();
  }
  return last;
}

}  // namespace

StatusOr<std::unique_ptr<Endpoint>> CreateEndpoint(const Options& options) {
  if (options.world_size <= 0 || options.my_rank < 0 || options.my_rank >= options.world_size) {
    return Error(Code::kArg, "ofi: rank %d outside world of %d", options.my_rank,
                 options.world_size);
  }
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<Fabric> fabric, OpenFirstProvider(options));
  auto endpoint = std::make_unique<OfiEndpoint>(options, std::move(fabric));
  ZMPI_RETURN_IF_ERROR(endpoint->Start());
  return std::unique_ptr<Endpoint>(std::move(endpoint));
}

}  // namespace zmpi::transport::ofi
