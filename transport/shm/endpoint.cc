#include "transport/shm/endpoint.h"

#include <errno.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/log.h"
#include "transport/shm/copy_assist.h"
#include "transport/shm/peer_process.h"
#include "transport/shm/ring.h"
#include "transport/shm/segment.h"

namespace zmpi::transport::shm {
namespace {

// Frames delivered from one peer per Poll before moving on, so one busy sender cannot
// starve the others.
constexpr int kPollBatch = 32;
// Full-ring retries between two liveness checks of the receiver (a syscall).
constexpr uint32_t kRetriesPerAliveCheck = 4096;

struct ParsedAddress {
  std::string name;
  pid_t pid;
  uint64_t probe_addr;
};

// "<name>;<pid>;<probe hex>", split from the right so the name may contain ';'.
bool ParseAddress(const std::string& text, ParsedAddress* out) {
  size_t b = text.rfind(';');
  if (b == std::string::npos || b == 0) return false;
  size_t a = text.rfind(';', b - 1);
  if (a == std::string::npos || a == 0) return false;
  out->name = text.substr(0, a);
  char* end = nullptr;
  std::string pid = text.substr(a + 1, b - a - 1);
  long v = strtol(pid.c_str(), &end, 10);
  if (pid.empty() || *end != '\0' || v <= 0) return false;
  out->pid = static_cast<pid_t>(v);
  std::string probe = text.substr(b + 1);
  out->probe_addr = strtoull(probe.c_str(), &end, 16);
  return !probe.empty() && *end == '\0';
}

size_t HeaderBytes(size_t num_ranks) {
  return RoundUp(kRanksOffset + num_ranks * sizeof(int32_t), kPageSize);
}

const int32_t* RanksOf(const SegmentHeader* h) {
  return reinterpret_cast<const int32_t*>(reinterpret_cast<const char*>(h) + kRanksOffset);
}

std::atomic<uint64_t>* HintOf(const Segment& seg) {
  return &reinterpret_cast<AssistHint*>(seg.data() + kAssistHintOffset)->requests;
}

AssistControl* AssistOf(char* ring_base) {
  return reinterpret_cast<AssistControl*>(ring_base + kAssistControlOffset);
}

Status ValidateOptions(const Options& o) {
  if (!Ring::ValidGeometry(o.ring_slots, o.slot_size)) {
    return Error(Code::kArg,
                 "shm: ring of %zu slots of %zu bytes is invalid (slots: power of two >= 2; "
                 "slot size: multiple of 64 in [128, 16M])",
                 o.ring_slots, o.slot_size);
  }
  if (o.local_ranks.empty() || !std::is_sorted(o.local_ranks.begin(), o.local_ranks.end()) ||
      std::adjacent_find(o.local_ranks.begin(), o.local_ranks.end()) != o.local_ranks.end() ||
      o.local_ranks.front() < 0) {
    return Error(Code::kArg, "shm: local ranks must be sorted, distinct and >= 0");
  }
  if (!std::binary_search(o.local_ranks.begin(), o.local_ranks.end(), o.my_rank)) {
    return Error(Code::kArg, "shm: rank %d is not among the local ranks", o.my_rank);
  }
  return OkStatus();
}

class ShmEndpoint final : public Endpoint {
 public:
  explicit ShmEndpoint(const Options& options)
      : options_(options), max_payload_(Ring::MaxPayloadFor(options.slot_size)) {
    uint64_t v = 0;
    if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v)) {
      v = static_cast<uint64_t>(getpid()) * 0x9E3779B97F4A7C15ULL ^
          static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    }
    probe_value_ = v | 1;  // never 0, the value of untouched memory
  }

  Status Init();

  const char* Name() const override { return "shm"; }
  std::string Address() const override;
  Status Connect(const std::vector<PeerAddress>& peers) override;
  size_t MaxPayload() const override { return max_payload_; }
  StatusOr<SendResult> Send(int peer, const Frame& frame) override;
  StatusOr<int> Poll(FrameSink& sink) override;
  bool CanRead(int peer) const override;
  Status Read(int peer, uint64_t remote_addr, void* local, size_t len) override;
  Status ReadV(int peer, uint64_t remote_addr, const iovec* local, size_t count) override;
  Status ReadVV(int peer, const iovec* local, size_t local_count, const iovec* remote,
                size_t remote_count) override;
  bool PeerAlive(int peer) override;

 private:
  struct Peer {
    Ring out;  // ours to fill, in the peer's segment
    Ring in;   // ours to drain, in our segment
    CopyAssist read_assist;  // reader end, over the control line of `in`
    CopyAssist help_assist;  // owner end, over the control line of `out`
    int rank = -1;
    uint32_t full_retries = 0;
    bool can_read = false;
    std::unique_ptr<Segment> segment;  // the peer's
    std::unique_ptr<PeerProcess> process;
  };

  Peer* Find(int rank) {
    if (static_cast<size_t>(rank) >= index_of_rank_.size()) return nullptr;
    int i = index_of_rank_[rank];
    return i < 0 ? nullptr : &peers_[i];
  }
  const Peer* Find(int rank) const { return const_cast<ShmEndpoint*>(this)->Find(rank); }
  size_t LocalIndex(int rank) const {
    return std::lower_bound(options_.local_ranks.begin(), options_.local_ranks.end(), rank) -
           options_.local_ranks.begin();
  }
  void HelpReaders();
  Status ConnectOne(const PeerAddress& address, Peer* peer);
  StatusOr<char*> RingInPeerSegment(const Segment& seg, const ParsedAddress& addr, int rank);

  const Options options_;
  const size_t max_payload_;
  std::unique_ptr<Segment> segment_;  // ours: inbound rings
  std::vector<Peer> peers_;
  std::vector<int> index_of_rank_;  // world rank -> index in peers_, -1 if not connected
  size_t next_poll_ = 0;
  std::atomic<uint64_t>* assist_hint_ = nullptr;  // in our segment, bumped by readers
  uint64_t assist_seen_ = 0;
  bool connected_ = false;
  // Peers read this word with process_vm_readv to check that single copy works.
  alignas(8) uint64_t probe_value_;
};

Status ShmEndpoint::Init() {
  const size_t n = options_.local_ranks.size();
  const size_t header_bytes = HeaderBytes(n);
  const size_t stride = Ring::BytesFor(options_.ring_slots, options_.slot_size);
  std::string name = options_.name_prefix;
  if (name.empty() || name[0] != '/') name.insert(0, "/");
  name += "shm-" + std::to_string(options_.my_rank);
  ZMPI_ASSIGN_OR_RETURN(segment_, Segment::Create(name, header_bytes + n * stride));

  auto* h = reinterpret_cast<SegmentHeader*>(segment_->data());
  h->magic = kSegmentMagic;
  h->version = kSegmentVersion;
  h->num_ranks = static_cast<uint32_t>(n);
  h->owner_rank = options_.my_rank;
  h->ring_slots = options_.ring_slots;
  h->slot_size = options_.slot_size;
  h->ring_offset = header_bytes;
  h->ring_stride = stride;
  h->owner_pid = getpid();
  h->probe_value = probe_value_;
  std::copy(options_.local_ranks.begin(), options_.local_ranks.end(),
            reinterpret_cast<int32_t*>(segment_->data() + kRanksOffset));
  assist_hint_ = HintOf(*segment_);
  return OkStatus();
}

std::string ShmEndpoint::Address() const {
  char tail[64];
  snprintf(tail, sizeof(tail), ";%d;%" PRIx64, static_cast<int>(getpid()),
           static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&probe_value_)));
  return segment_->name() + tail;
}

Status ShmEndpoint::Connect(const std::vector<PeerAddress>& peers) {
  if (connected_) return Error(Code::kIntern, "shm: Connect called twice");
  connected_ = true;
  peers_.clear();
  peers_.reserve(peers.size());
  index_of_rank_.assign(options_.local_ranks.back() + 1, -1);
  for (const PeerAddress& address : peers) {
    if (!std::binary_search(options_.local_ranks.begin(), options_.local_ranks.end(),
                            address.rank)) {
      return Error(Code::kArg, "shm: rank %d is not on this host", address.rank);
    }
    if (index_of_rank_[address.rank] >= 0) {
      return Error(Code::kArg, "shm: rank %d listed twice", address.rank);
    }
    Peer peer;
    ZMPI_RETURN_IF_ERROR(ConnectOne(address, &peer));  // nothing half-made is kept
    peers_.push_back(std::move(peer));
    index_of_rank_[address.rank] = static_cast<int>(peers_.size() - 1);
  }
  return OkStatus();
}

Status ShmEndpoint::ConnectOne(const PeerAddress& address, Peer* peer) {
  ParsedAddress parsed;
  if (!ParseAddress(address.address, &parsed)) {
    return Error(Code::kOther, "shm: bad address '%s' for rank %d", address.address.c_str(),
                 address.rank);
  }
  peer->rank = address.rank;
  ZMPI_ASSIGN_OR_RETURN(peer->segment, Segment::Open(parsed.name, HeaderBytes(0)));
  ZMPI_ASSIGN_OR_RETURN(char* out, RingInPeerSegment(*peer->segment, parsed, address.rank));
  peer->out = Ring(out, options_.ring_slots, options_.slot_size);

  const size_t stride = Ring::BytesFor(options_.ring_slots, options_.slot_size);
  const size_t in_offset = HeaderBytes(options_.local_ranks.size()) +
                           LocalIndex(address.rank) * stride;
  peer->in = Ring(segment_->data() + in_offset, options_.ring_slots, options_.slot_size);
  peer->read_assist = CopyAssist(AssistOf(segment_->data() + in_offset), HintOf(*peer->segment));
  peer->help_assist = CopyAssist(AssistOf(out), nullptr);
  // Both ends fault the pages in now rather than on the first messages.
  segment_->Prefault(in_offset, stride);
  peer->segment->Prefault(out - peer->segment->data(), stride);

  peer->process = std::make_unique<PeerProcess>(parsed.pid);
  const auto* h = reinterpret_cast<const SegmentHeader*>(peer->segment->data());
  peer->can_read = options_.single_copy && peer->process->Probe(parsed.probe_addr, h->probe_value);
  ZMPI_LOG(kDebug, "shm", "connected to rank %d (pid %d, single copy %s)", address.rank,
           static_cast<int>(parsed.pid), peer->can_read ? "yes" : "no");
  return OkStatus();
}

// Checks the peer's segment header and returns the ring the peer reserved for this rank.
StatusOr<char*> ShmEndpoint::RingInPeerSegment(const Segment& seg, const ParsedAddress& addr,
                                               int rank) {
  const auto* h = reinterpret_cast<const SegmentHeader*>(seg.data());
  if (h->magic != kSegmentMagic || h->version != kSegmentVersion) {
    return Error(Code::kOther, "shm: %s is not a zmpi segment of version %u", seg.name().c_str(),
                 kSegmentVersion);
  }
  if (h->owner_rank != rank || h->owner_pid != addr.pid) {
    return Error(Code::kOther, "shm: %s belongs to rank %d pid %lld, expected rank %d pid %d",
                 seg.name().c_str(), h->owner_rank, static_cast<long long>(h->owner_pid), rank,
                 static_cast<int>(addr.pid));
  }
  if (h->ring_slots != options_.ring_slots || h->slot_size != options_.slot_size) {
    return Error(Code::kOther,
                 "shm: rank %d uses rings of %llu x %llu bytes, this rank %zu x %zu "
                 "(ZMPI_SHM_RING_SLOTS / ZMPI_SHM_SLOT_SIZE differ)",
                 rank, static_cast<unsigned long long>(h->ring_slots),
                 static_cast<unsigned long long>(h->slot_size), options_.ring_slots,
                 options_.slot_size);
  }
  const size_t n = h->num_ranks;
  if (seg.size() < HeaderBytes(n)) return Error(Code::kOther, "shm: %s truncated", seg.name().c_str());
  const int32_t* ranks = RanksOf(h);
  const int32_t* me = std::find(ranks, ranks + n, options_.my_rank);
  if (me == ranks + n) {
    return Error(Code::kOther, "shm: rank %d has no ring for rank %d", rank, options_.my_rank);
  }
  const size_t offset = h->ring_offset + static_cast<size_t>(me - ranks) * h->ring_stride;
  if (h->ring_offset % kPageSize != 0 || h->ring_stride != Ring::BytesFor(h->ring_slots, h->slot_size) ||
      offset + h->ring_stride > seg.size()) {
    return Error(Code::kOther, "shm: %s has an inconsistent layout", seg.name().c_str());
  }
  return seg.data() + offset;
}

StatusOr<SendResult> ShmEndpoint::Send(int rank, const Frame& frame) {
  Peer* peer = Find(rank);
  if (peer == nullptr) return Error(Code::kIntern, "shm: rank %d is not connected", rank);
  if (frame.header_len > kMaxHeader || frame.payload_len > max_payload_) {
    return Error(Code::kIntern, "shm: frame of %zu + %zu bytes exceeds %zu + %zu",
                 frame.header_len, frame.payload_len, kMaxHeader, max_payload_);
  }
  if (peer->out.TryPush(frame.header, frame.header_len, frame.payload, frame.payload_len)) {
    return SendResult::kDone;
  }
  // A dead receiver never frees its ring: notice it now and then instead of retrying forever.
  if (++peer->full_retries % kRetriesPerAliveCheck == 0 && !peer->process->Alive()) {
    return Error(Code::kProcAborted, "shm: rank %d (pid %d) has exited", rank,
                 static_cast<int>(peer->process->pid()));
  }
  return SendResult::kRetry;
}

StatusOr<int> ShmEndpoint::Poll(FrameSink& sink) {
  const size_t n = peers_.size();
  int delivered = 0;
  size_t i = next_poll_;
  for (size_t k = 0; k < n; ++k, ++i) {
    if (i == n) i = 0;
    Peer& peer = peers_[i];
    Frame frame;
    for (int budget = kPollBatch; budget > 0 && peer.in.Peek(&frame); --budget) {
      if (!sink.OnFrame(peer.rank, frame)) break;  // stays in the ring, offered again later
      peer.in.Pop();
      ++delivered;
    }
  }
  if (++next_poll_ >= n) next_poll_ = 0;
  // A peer posted a cooperative Read of our memory: copy our share of it.
  if (assist_hint_->load(std::memory_order_relaxed) != assist_seen_) HelpReaders();
  return delivered;
}

bool ShmEndpoint::CanRead(int rank) const {
  const Peer* peer = Find(rank);
  return peer != nullptr && peer->can_read;
}

Status ShmEndpoint::Read(int rank, uint64_t remote_addr, void* local, size_t len) {
  Peer* peer = Find(rank);
  if (peer == nullptr || !peer->can_read) {
    return Error(Code::kUnsupported, "shm: no single-copy read from rank %d", rank);
  }
  if (options_.assist_min_bytes != 0 && len >= options_.assist_min_bytes) {
    return peer->read_assist.Read(*peer->process, remote_addr, local, len);
  }
  return peer->process->Read(remote_addr, local, len);
}

Status ShmEndpoint::ReadV(int rank, uint64_t remote_addr, const iovec* local, size_t count) {
  Peer* peer = Find(rank);
  if (peer == nullptr || !peer->can_read) {
    return Error(Code::kUnsupported, "shm: no single-copy read from rank %d", rank);
  }
  return peer->process->ReadV(remote_addr, local, count);
}

Status ShmEndpoint::ReadVV(int rank, const iovec* local, size_t local_count, const iovec* remote,
                           size_t remote_count) {
  Peer* peer = Find(rank);
  if (peer == nullptr || !peer->can_read) {
    return Error(Code::kUnsupported, "shm: no single-copy read from rank %d", rank);
  }
  bool whole = false;
  ZMPI_RETURN_IF_ERROR(peer->process->ReadVV(local, local_count, remote, remote_count, &whole));
  if (whole) return OkStatus();
  // Cut short (a fault or a signal): piece by piece, with Read's retries and errors.
  return Endpoint::ReadVV(rank, local, local_count, remote, remote_count);
}

void ShmEndpoint::HelpReaders() {
  assist_seen_ = assist_hint_->load(std::memory_order_acquire);
  for (Peer& peer : peers_) {
    if (peer.can_read) peer.help_assist.Help(*peer.process);
  }
}

bool ShmEndpoint::PeerAlive(int rank) {
  Peer* peer = Find(rank);
  return peer == nullptr || peer->process->Alive();
}

}  // namespace

StatusOr<std::unique_ptr<Endpoint>> CreateEndpoint(const Options& options) {
  ZMPI_RETURN_IF_ERROR(ValidateOptions(options));
  if (options.single_copy) {
    // Under Yama ptrace_scope 1 only an ancestor may use process_vm_* on us; local ranks
    // are siblings, so allow them (as Open MPI does for CMA). EINVAL: no Yama, nothing to do.
    if (prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0) != 0 && errno != EINVAL) {
      ZMPI_LOG(kDebug, "shm", "prctl(PR_SET_PTRACER): %s", strerror(errno));
    }
  }
  auto endpoint = std::make_unique<ShmEndpoint>(options);
  ZMPI_RETURN_IF_ERROR(endpoint->Init());
  return std::unique_ptr<Endpoint>(std::move(endpoint));
}

}  // namespace zmpi::transport::shm
