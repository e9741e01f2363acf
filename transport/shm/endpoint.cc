#include "transport/shm/endpoint.h"

#include <errno.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/log.h"
#include "common/platform/platform.h"
#include "transport/shm/copy_assist.h"
#include "transport/shm/peer_process.h"
#include "transport/shm/ring.h"
#include "transport/shm/segment.h"
#include "transport/shm/sleeper.h"

namespace zmpi::transport::shm {
namespace {

// Frames delivered from one peer per Poll before moving on, so one busy sender cannot
// starve the others.
constexpr int kPollBatch = 32;
// Full-ring retries between two liveness checks of the receiver (a syscall).
constexpr uint32_t kRetriesPerAliveCheck = 4096;

struct ParsedAddress {
  std::string name;
  pid_t pid = 0;
  uint64_t probe_addr = 0;
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

// Where the parts of a segment's header are for `n` local ranks (shm_format.h).
struct HeaderLayout {
  explicit HeaderLayout(size_t n, const Geometry& g = Geometry::Host())
      : offers(RoundUp(g.ranks + n * sizeof(int32_t), g.line)),
        assist(RoundUp(offers + n * sizeof(uint64_t), g.assist_stride)),
        ring_area(RoundUp(assist + n * g.assist_stride, g.page)) {}
  size_t offers;
  size_t assist;
  size_t ring_area;
};

uint32_t Log2(size_t pow2) { return static_cast<uint32_t>(__builtin_ctzll(pow2)); }

Status ValidateOptions(const Options& o) {
  if (!Ring::ValidGeometry(o.ring_slots, o.slot_size) ||
      !Ring::ValidGeometry(o.first_ring_slots, o.slot_size) || o.first_ring_slots > o.ring_slots) {
    return Error(Code::kArg,
                 "shm: rings of %zu (first %zu) slots of %zu bytes are invalid (slots: power of "
                 "two >= 2, first <= largest; slot size: multiple of 64 in [128, 16M])",
                 o.ring_slots, o.first_ring_slots, o.slot_size);
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
      : options_(options),
        max_payload_(Ring::MaxPayloadFor(options.slot_size)),
        layout_(options.local_ranks.size()),
        my_index_(LocalIndex(options.my_rank)),
        wake_(options.wake_sleepers && platform::CanWaitOnWords()) {
    uint64_t v = 0;
    if (!platform::FillRandom(&v, sizeof(v), /*block=*/false)) {
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
  // Two copies through a slot move every line across the cores twice (the receiver reads it
  // from the sender's cache, the sender's next write takes it back); one process_vm_readv
  // costs ~0.6 us and copies lines the receiver often still holds: from ~8 KiB the read wins
  // (docs/benchmarks.md, "shm 8-32 KiB latency").
  bool ReadBeatsEager() const override { return options_.single_copy; }
  StatusOr<SendResult> Send(int peer, const Frame& frame) override;
  StatusOr<SendResult> SendWritten(int peer, const void* header, size_t header_len,
                                   size_t payload_len, const PayloadWriter& writer) override;
  StatusOr<int> Poll(FrameSink& sink) override;
  bool CanRead(int peer) const override;
  Status Read(int peer, uint64_t remote_addr, void* local, size_t len) override;
  Status ReadShared(int peer, uint64_t remote_addr, void* local, size_t len) override;
  Status ReadV(int peer, uint64_t remote_addr, const iovec* local, size_t count) override;
  Status ReadVV(int peer, const iovec* local, size_t local_count, const iovec* remote,
                size_t remote_count) override;
  bool PeerAlive(int peer) override;
  bool Wakes() const override { return wake_; }
  void ExpectFrames(int peer, size_t frames) override;
  void Sleep(double seconds, bool want_room) override;

 private:
  struct Peer {
    Ring out;                // ours to fill, in our segment (detached until the first Send)
    Ring in;                 // ours to drain, in the peer's segment (attached when it offers one)
    CopyAssist read_assist;  // reader end: our line in the peer's segment
    CopyAssist help_assist;  // owner end: the peer's line in our segment
    int rank = -1;
    size_t index = 0;  // among the local ranks
    uint32_t full_retries = 0;
    bool contacted = false;  // segment mapped, process known, single copy probed
    bool can_read = false;
    bool out_growable = false;
    bool starved = false;      // wake_: a send to it found the ring full (and no push since)
    Doorbell* bell = nullptr;  // in the peer's segment, once contacted
    ParsedAddress address;
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
  std::atomic<uint64_t>* OffersOf(const Segment& seg) const {
    return reinterpret_cast<std::atomic<uint64_t>*>(seg.data() + layout_.offers);
  }
  Doorbell* DoorbellOf(const Segment& seg) const {
    return reinterpret_cast<Doorbell*>(seg.data() + Geometry::Host().doorbell);
  }
  AssistControl* AssistOf(const Segment& seg, size_t index) const {
    return reinterpret_cast<AssistControl*>(seg.data() + layout_.assist +
                                            index * Geometry::Host().assist_stride);
  }

  [[gnu::cold, gnu::noinline]] StatusOr<SendResult> SendSlow(Peer& peer, const Frame& frame);
  // SendSlow's ring work: opens or grows the ring, or says kRetry (full) / an error (dead).
  // OkStatus with *retry false: try the push again.
  Status MakeRoom(Peer& peer, bool* retry);
  [[gnu::cold, gnu::noinline]] Status AnswerDoorbell();
  Status Contact(Peer& peer);
  Status CheckPeerHeader(const Peer& peer) const;
  Status OpenOut(Peer& peer);
  Status GrowOut(Peer& peer);
  StatusOr<size_t> NewRing(size_t slots);
  bool Prefaulted(size_t slots) const;
  Status AttachIn(Peer& peer, uint64_t offset, uint64_t slots);
  [[gnu::cold, gnu::noinline]] Status SwitchIn(Peer& peer, const Frame& record);
  void HelpReaders();
  // wake_: after a push to `peer`, wakes it if it sleeps.
  [[gnu::cold, gnu::noinline]] void Pushed(Peer& peer) {
    peer.starved = false;
    WakeIfAsleep(*peer.bell, kSleepForFrames);
  }

  const Options options_;
  const size_t max_payload_;
  const HeaderLayout layout_;
  const size_t my_index_;
  const bool wake_;  // Options::wake_sleepers, where the platform can sleep on a word
  std::unique_ptr<Segment> segment_;  // ours: header and the rings we write
  size_t next_ring_ = 0;              // where our next ring goes in segment_
  size_t growth_left_ = 0;            // bytes of our budget for grown rings
  size_t first_slots_ = 0;            // slots of a first ring (Init: first or middle ring)
  bool few_ranks_ = false;            // Options::middle_first applies: rings start in the middle
  std::vector<Peer> peers_;           // connected peers
  std::vector<int> index_of_rank_;    // world rank -> index in peers_, -1 if not connected
  std::vector<Peer*> polled_;         // peers whose ring to us exists, in attach order
  size_t next_poll_ = 0;
  Doorbell* doorbell_ = nullptr;  // in our segment
  uint64_t doorbell_seen_ = 0;
  uint64_t rings_seen_ = 0;
  bool connected_ = false;
  // Peers read this word with process_vm_readv to check that single copy works.
  alignas(8) uint64_t probe_value_;
};

Status ShmEndpoint::Init() {
  const size_t n = options_.local_ranks.size();
  growth_left_ = options_.host_ring_budget / n;
  first_slots_ = options_.first_ring_slots;
  const size_t middle = std::min(options_.middle_ring_slots, options_.ring_slots);
  if (options_.middle_first && middle > first_slots_ &&
      (n - 1) * Ring::BytesFor(middle, options_.slot_size) * 4 <= growth_left_) {
    first_slots_ = middle;  // Options::middle_first
    few_ranks_ = true;
  }
  const size_t first_ring = Ring::BytesFor(first_slots_, options_.slot_size);
  // Virtual size: one first ring per local rank (itself included) plus the growth budget.
  // The object is sparse: only what Reserve allocates uses memory.
  const Geometry& g = Geometry::Host();
  const size_t size = layout_.ring_area + n * first_ring + RoundUp(growth_left_, g.page);
  std::string name = options_.name_prefix;
  if (name.empty() || name[0] != '/') name.insert(0, "/");
  name += "shm-" + std::to_string(options_.my_rank);
  ZMPI_ASSIGN_OR_RETURN(segment_, Segment::Create(name, size));
  ZMPI_RETURN_IF_ERROR(segment_->Reserve(0, layout_.ring_area));
  next_ring_ = layout_.ring_area;

  auto* h = reinterpret_cast<SegmentHeader*>(segment_->data());
  h->magic = kSegmentMagic;
  h->version = kSegmentVersion;
  h->num_ranks = static_cast<uint32_t>(n);
  h->owner_rank = options_.my_rank;
  h->max_ring_slots = static_cast<uint32_t>(options_.ring_slots);
  h->slot_size = static_cast<uint32_t>(options_.slot_size);
  h->offers_offset = static_cast<uint32_t>(layout_.offers);
  h->assist_offset = static_cast<uint32_t>(layout_.assist);
  h->ring_area_offset = layout_.ring_area;
  h->owner_pid = getpid();
  h->probe_value = probe_value_;
  h->line = static_cast<uint32_t>(g.line);
  h->page = static_cast<uint32_t>(g.page);
  std::copy(options_.local_ranks.begin(), options_.local_ranks.end(),
            reinterpret_cast<int32_t*>(segment_->data() + g.ranks));
  doorbell_ = DoorbellOf(*segment_);
  return OkStatus();
}

std::string ShmEndpoint::Address() const {
  char tail[64];
  snprintf(tail, sizeof(tail), ";%d;%" PRIx64, static_cast<int>(getpid()),
           static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&probe_value_)));
  return segment_->name() + tail;
}

// Records the peers; nothing is mapped until a ring to or from a peer is set up.
Status ShmEndpoint::Connect(const std::vector<PeerAddress>& peers) {
  if (connected_) return Error(Code::kIntern, "shm: Connect called twice");
  connected_ = true;
  std::vector<Peer> list(peers.size());
  std::vector<int> index(options_.local_ranks.back() + 1, -1);
  for (size_t i = 0; i < peers.size(); ++i) {
    const PeerAddress& address = peers[i];
    if (!std::binary_search(options_.local_ranks.begin(), options_.local_ranks.end(),
                            address.rank)) {
      return Error(Code::kArg, "shm: rank %d is not on this host", address.rank);
    }
    if (index[address.rank] >= 0)
      return Error(Code::kArg, "shm: rank %d listed twice", address.rank);
    if (!ParseAddress(address.address, &list[i].address)) {
      return Error(Code::kOther, "shm: bad address '%s' for rank %d", address.address.c_str(),
                   address.rank);
    }
    list[i].rank = address.rank;
    list[i].index = LocalIndex(address.rank);
    index[address.rank] = static_cast<int>(i);
  }
  peers_ = std::move(list);  // nothing half-made is kept
  index_of_rank_ = std::move(index);
  polled_.reserve(peers_.size());
  return OkStatus();
}

// Maps the peer's segment, checks it, and probes single copy: once per peer, on first use.
Status ShmEndpoint::Contact(Peer& peer) {
  if (peer.contacted) return OkStatus();
  if (!peer.process) peer.process = std::make_unique<PeerProcess>(peer.address.pid);
  const HeaderLayout min(0);
  StatusOr<std::unique_ptr<Segment>> segment = Segment::Open(peer.address.name, min.ring_area);
  if (!segment.ok()) {
    // A peer that has exited has unlinked its segment (or died with it).
    if (!peer.process->Alive()) {
      return Error(Code::kProcAborted, "shm: rank %d (pid %d) has exited", peer.rank,
                   static_cast<int>(peer.address.pid));
    }
    return segment.status();
  }
  peer.segment = std::move(*segment);
  Status checked = CheckPeerHeader(peer);
  if (!checked.ok()) {
    peer.segment.reset();
    return checked;
  }
  const auto* h = reinterpret_cast<const SegmentHeader*>(peer.segment->data());
  peer.can_read =
      options_.single_copy && peer.process->Probe(peer.address.probe_addr, h->probe_value);
  peer.read_assist =
      CopyAssist(AssistOf(*peer.segment, my_index_), &DoorbellOf(*peer.segment)->any);
  peer.help_assist = CopyAssist(AssistOf(*segment_, peer.index), nullptr);
  peer.bell = DoorbellOf(*peer.segment);
  peer.contacted = true;
  ZMPI_LOG(kDebug, "shm", "contact with rank %d (pid %d, single copy %s)", peer.rank,
           static_cast<int>(peer.address.pid), peer.can_read ? "yes" : "no");
  return OkStatus();
}

Status ShmEndpoint::CheckPeerHeader(const Peer& peer) const {
  const Segment& seg = *peer.segment;
  const auto* h = reinterpret_cast<const SegmentHeader*>(seg.data());
  if (h->magic != kSegmentMagic || h->version != kSegmentVersion) {
    return Error(Code::kOther, "shm: %s is not a zmpi segment of version %u", seg.name().c_str(),
                 kSegmentVersion);
  }
  const Geometry& g = Geometry::Host();
  if (h->line != g.line || h->page != g.page) {
    return Error(Code::kOther,
                 "shm: %s was laid out for %u-byte cache lines and %u-byte pages, this process "
                 "uses %zu and %zu (another architecture on this host?)",
                 seg.name().c_str(), h->line, h->page, g.line, g.page);
  }
  if (h->owner_rank != peer.rank || h->owner_pid != peer.address.pid) {
    return Error(Code::kOther, "shm: %s belongs to rank %d pid %lld, expected rank %d pid %d",
                 seg.name().c_str(), h->owner_rank, static_cast<long long>(h->owner_pid), peer.rank,
                 static_cast<int>(peer.address.pid));
  }
  if (h->max_ring_slots != options_.ring_slots || h->slot_size != options_.slot_size) {
    return Error(Code::kOther,
                 "shm: rank %d uses rings of up to %u x %u bytes, this rank %zu x %zu "
                 "(ZMPI_SHM_RING_SLOTS / ZMPI_SHM_SLOT_SIZE differ)",
                 peer.rank, h->max_ring_slots, h->slot_size, options_.ring_slots,
                 options_.slot_size);
  }
  const size_t n = options_.local_ranks.size();
  if (h->num_ranks != n || h->offers_offset != layout_.offers ||
      h->assist_offset != layout_.assist || h->ring_area_offset != layout_.ring_area ||
      seg.size() < layout_.ring_area ||
      !std::equal(options_.local_ranks.begin(), options_.local_ranks.end(),
                  reinterpret_cast<const int32_t*>(seg.data() + Geometry::Host().ranks))) {
    return Error(Code::kOther, "shm: %s lists other local ranks than this rank does",
                 seg.name().c_str());
  }
  return OkStatus();
}

// Whether both ends map a ring's pages at once. First and middle rings: yes (9 and 33
// pages). Where many ranks share the host, the largest ring's pages fault in as its slots are
// first used: a pair that streams small frames touches one page per slot, and the faults are
// spread over the messages instead of stopping both ranks for ~0.1-0.5 ms each (1 MiB:
// allocation 0.1 ms, mapping 0.1-0.45 ms per side, more on a loaded host). Where few do
// (few_ranks_), every ring is mapped at once: such a ring grows when a stream starts
// (ExpectFrames), in the first exchange of a size, and faulting in as used put ~500 faults a
// side per ring into the exchanges after it (4 ranks on 2 cores: halo2d's first streaming
// size, 32 KiB faces, 0.7-1.1x Open MPI; docs/benchmarks.md).
bool ShmEndpoint::Prefaulted(size_t slots) const {
  return slots <= options_.middle_ring_slots || few_ranks_;
}

// A zeroed ring of `slots` in our segment, its memory allocated now; returns its offset.
StatusOr<size_t> ShmEndpoint::NewRing(size_t slots) {
  const size_t bytes = Ring::BytesFor(slots, options_.slot_size);
  if (next_ring_ + bytes > segment_->size()) {
    return Error(Code::kIntern, "shm: no room left in %s for a ring of %zu slots",
                 segment_->name().c_str(), slots);
  }
  ZMPI_RETURN_IF_ERROR(segment_->Reserve(next_ring_, bytes));
  if (Prefaulted(slots)) segment_->Prefault(next_ring_, bytes);
  const size_t offset = next_ring_;
  next_ring_ += bytes;
  return offset;
}

// The first Send to a peer: a first ring in our segment, offered in the peer's.
Status ShmEndpoint::OpenOut(Peer& peer) {
  ZMPI_RETURN_IF_ERROR(Contact(peer));
  const size_t slots = first_slots_;
  ZMPI_ASSIGN_OR_RETURN(size_t offset, NewRing(slots));
  peer.out = Ring(segment_->data() + offset, slots, options_.slot_size);
  peer.out_growable = slots < options_.ring_slots;
  const bool middle = slots >= options_.middle_ring_slots;  // grows only when really full
  peer.out.SetGrowable(peer.out_growable, middle ? Ring::kOnlyWhenFull : options_.grow_after_full);
  OffersOf(*peer.segment)[my_index_].store(MakeOffer(offset, Log2(slots)),
                                           std::memory_order_release);
  Doorbell* bell = DoorbellOf(*peer.segment);
  bell->rings.fetch_add(1, std::memory_order_release);
  bell->any.fetch_add(1, std::memory_order_release);
  return OkStatus();
}

// A busy pair: a first ring grows to the middle ring, that one to the largest ring
// (ring_slots) the rest of our budget pays for, announced by a switch record in the old
// ring's reserved slot. No budget or no room in /dev/shm: the old ring stays, with all its
// slots. The middle ring grows only when a push finds it full: refilled every 7 frames, it
// would grow after 28 of any pair's messages (the 1 MiB ring's allocation and fault-in cost
// a 4-rank allreduce on 2 cores 1-4 ms of its first calls, docs/shm-format.md).
Status ShmEndpoint::GrowOut(Peer& peer) {
  size_t slots = options_.ring_slots;
  if (peer.out.slots() < options_.middle_ring_slots) {
    slots = std::min(slots, options_.middle_ring_slots);
  }
  while (slots > peer.out.slots() && Ring::BytesFor(slots, options_.slot_size) > growth_left_) {
    slots /= 2;
  }
  StatusOr<size_t> offset = slots > peer.out.slots() ? NewRing(slots) : StatusOr<size_t>(0);
  if (slots <= peer.out.slots() || !offset.ok()) {
    if (!offset.ok()) {
      ZMPI_LOG_ONCE(kInfo, "shm", "rings stop growing: %s", offset.status().ToString().c_str());
    }
    peer.out_growable = false;
    peer.out.SetGrowable(false);
    return OkStatus();
  }
  growth_left_ -= Ring::BytesFor(slots, options_.slot_size);
  ZMPI_CHECK(peer.out.PushSwitch(RingSwitch{*offset, slots}));
  peer.out = Ring(segment_->data() + *offset, slots, options_.slot_size);
  peer.out_growable = slots < options_.ring_slots;
  const bool middle = slots <= options_.middle_ring_slots;
  peer.out.SetGrowable(peer.out_growable, middle ? Ring::kOnlyWhenFull : options_.grow_after_full);
  ZMPI_LOG(kDebug, "shm", "ring to rank %d grows to %zu slots", peer.rank, slots);
  return OkStatus();
}

// Few ranks on the host: a ring that a stream would fill grows now, to the largest ring, before
// the stream's first frame (the stream starts in an exchange's first turn; growing when a push
// found the ring full came later, in the exchanges a benchmark times).
void ShmEndpoint::ExpectFrames(int rank, size_t frames) {
  if (!few_ranks_) return;
  Peer* peer = Find(rank);
  if (peer == nullptr || !peer->out.attached() || !peer->out_growable) return;
  if (frames < peer->out.slots()) return;
  Status grown = GrowOut(*peer);  // a failure leaves the ring as it was: the stream still goes
  if (!grown.ok()) ZMPI_LOG_ONCE(kInfo, "shm", "ring growth failed: %s", grown.ToString().c_str());
}

StatusOr<SendResult> ShmEndpoint::Send(int rank, const Frame& frame) {
  Peer* peer = Find(rank);
  if (peer == nullptr) return Error(Code::kIntern, "shm: rank %d is not connected", rank);
  if (frame.header_len > kMaxHeader || frame.payload_len > max_payload_) {
    return Error(Code::kIntern, "shm: frame of %zu + %zu bytes exceeds %zu + %zu", frame.header_len,
                 frame.payload_len, kMaxHeader, max_payload_);
  }
  if (peer->out.TryPush(frame.header, frame.header_len, frame.payload, frame.payload_len)) {
    if (wake_) [[unlikely]] Pushed(*peer);
    return SendResult::kDone;
  }
  return SendSlow(*peer, frame);
}

// No ring yet, a ring that grows, or a full one.
StatusOr<SendResult> ShmEndpoint::SendSlow(Peer& peer, const Frame& frame) {
  bool retry = false;
  ZMPI_RETURN_IF_ERROR(MakeRoom(peer, &retry));
  if (!retry &&
      peer.out.TryPush(frame.header, frame.header_len, frame.payload, frame.payload_len)) {
    if (wake_) Pushed(peer);
    return SendResult::kDone;
  }
  peer.starved = true;
  return SendResult::kRetry;
}

Status ShmEndpoint::MakeRoom(Peer& peer, bool* retry) {
  *retry = false;
  if (!peer.out.attached()) return OpenOut(peer);
  if (peer.out_growable) return GrowOut(peer);
  if (++peer.full_retries % kRetriesPerAliveCheck == 0 && !peer.process->Alive()) {
    // A dead receiver never frees its ring: notice it now and then instead of retrying forever.
    return Error(Code::kProcAborted, "shm: rank %d (pid %d) has exited", peer.rank,
                 static_cast<int>(peer.process->pid()));
  }
  *retry = true;
  return OkStatus();
}

// The derived-datatype send: packs straight into the slot (cold; Send stays as it was).
StatusOr<SendResult> ShmEndpoint::SendWritten(int rank, const void* header, size_t header_len,
                                              size_t payload_len, const PayloadWriter& writer) {
  Peer* peer = Find(rank);
  if (peer == nullptr) return Error(Code::kIntern, "shm: rank %d is not connected", rank);
  if (header_len > kMaxHeader || payload_len > max_payload_) {
    return Error(Code::kIntern, "shm: frame of %zu + %zu bytes exceeds %zu + %zu", header_len,
                 payload_len, kMaxHeader, max_payload_);
  }
  if (peer->out.TryPushWritten(header, header_len, payload_len, writer)) {
    if (wake_) [[unlikely]] Pushed(*peer);
    return SendResult::kDone;
  }
  bool retry = false;
  ZMPI_RETURN_IF_ERROR(MakeRoom(*peer, &retry));
  if (!retry && peer->out.TryPushWritten(header, header_len, payload_len, writer)) {
    if (wake_) Pushed(*peer);
    return SendResult::kDone;
  }
  peer->starved = true;
  return SendResult::kRetry;
}

StatusOr<int> ShmEndpoint::Poll(FrameSink& sink) {
  // A peer offered a ring or posted a cooperative Read of our memory.
  if (doorbell_->any.load(std::memory_order_relaxed) != doorbell_seen_) {
    ZMPI_RETURN_IF_ERROR(AnswerDoorbell());
  }
  const size_t n = polled_.size();
  int delivered = 0;
  size_t i = next_poll_;
  for (size_t k = 0; k < n; ++k, ++i) {
    if (i >= n) i = 0;
    Peer& peer = *polled_[i];
    Frame frame;
    const int before = delivered;
    for (int budget = kPollBatch; budget > 0 && peer.in.Peek(&frame); --budget) {
      if (Ring::IsSwitch(frame)) [[unlikely]] {
        ZMPI_RETURN_IF_ERROR(SwitchIn(peer, frame));
        continue;
      }
      if (!sink.OnFrame(peer.rank, frame)) break;  // stays in the ring, offered again later
      peer.in.Pop();
      ++delivered;
    }
    // The slots we freed may be what the peer sleeps for (a send that found the ring full).
    if (wake_ && delivered != before) [[unlikely]] WakeIfAsleep(*peer.bell, kSleepForRoom);
  }
  if (++next_poll_ >= n) next_poll_ = 0;
  return delivered;
}

Status ShmEndpoint::AnswerDoorbell() {
  doorbell_seen_ = doorbell_->any.load(std::memory_order_acquire);
  const uint64_t rings = doorbell_->rings.load(std::memory_order_acquire);
  if (rings != rings_seen_) {
    rings_seen_ = rings;
    const std::atomic<uint64_t>* offers = OffersOf(*segment_);
    for (Peer& peer : peers_) {
      if (peer.in.attached()) continue;
      const uint64_t offer = offers[peer.index].load(std::memory_order_acquire);
      if (offer == 0) continue;
      ZMPI_RETURN_IF_ERROR(Contact(peer));
      ZMPI_RETURN_IF_ERROR(
          AttachIn(peer, offer & ~kOfferSlotsMask, uint64_t{1} << (offer & kOfferSlotsMask)));
      polled_.push_back(&peer);
    }
  }
  HelpReaders();
  return OkStatus();
}

// Attaches the ring at `offset` of the peer's segment, after checking it lies inside it.
Status ShmEndpoint::AttachIn(Peer& peer, uint64_t offset, uint64_t slots) {
  const size_t bytes = Ring::BytesFor(slots, options_.slot_size);
  if (slots > options_.ring_slots || !Ring::ValidGeometry(slots, options_.slot_size) ||
      offset < layout_.ring_area || offset % Geometry::Host().page != 0 ||
      offset + bytes > peer.segment->size()) {
    return Error(Code::kIntern, "shm: rank %d offered a ring of %llu slots at %llu outside %s",
                 peer.rank, static_cast<unsigned long long>(slots),
                 static_cast<unsigned long long>(offset), peer.segment->name().c_str());
  }
  peer.in = Ring(peer.segment->data() + offset, slots, options_.slot_size);
  if (Prefaulted(slots)) peer.segment->Prefault(offset, bytes);
  return OkStatus();
}

Status ShmEndpoint::SwitchIn(Peer& peer, const Frame& record) {
  RingSwitch next;
  memcpy(&next, record.header, sizeof(next));
  peer.in.Pop();
  return AttachIn(peer, next.offset, next.slots);
}

// Usually asked about a peer that sent us something (so contacted); otherwise contacts it.
bool ShmEndpoint::CanRead(int rank) const {
  auto* self = const_cast<ShmEndpoint*>(this);  // contact state is a cache, not our value
  Peer* peer = self->Find(rank);
  return peer != nullptr && self->Contact(*peer).ok() && peer->can_read;
}

Status ShmEndpoint::Read(int rank, uint64_t remote_addr, void* local, size_t len) {
  Peer* peer = Find(rank);
  if (peer == nullptr || !peer->can_read) {
    return Error(Code::kUnsupported, "shm: no single-copy read from rank %d", rank);
  }
  return peer->process->Read(remote_addr, local, len);
}

Status ShmEndpoint::ReadShared(int rank, uint64_t remote_addr, void* local, size_t len) {
  if (options_.assist_min_bytes == 0 || len < options_.assist_min_bytes) {
    return Read(rank, remote_addr, local, len);
  }
  Peer* peer = Find(rank);
  if (peer == nullptr || !peer->can_read) {
    return Error(Code::kUnsupported, "shm: no single-copy read from rank %d", rank);
  }
  return peer->read_assist.Read(*peer->process, remote_addr, local, len);
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

// A reader reads from us only after a frame of ours told it where: we have contacted it.
void ShmEndpoint::HelpReaders() {
  for (Peer& peer : peers_) {
    if (peer.can_read) peer.help_assist.Help(*peer.process);
  }
}

// The owner's side of sleeper.h: anything already there (an offer, a frame, room in a ring
// that was full) ends the sleep before it starts.
void ShmEndpoint::Sleep(double seconds, bool want_room) {
  if (!wake_) return;
  const uint32_t seen = PrepareSleep(*doorbell_, want_room ? kSleepForFrames | kSleepForRoom
                                                           : kSleepForFrames);
  bool ready = doorbell_->any.load(std::memory_order_relaxed) != doorbell_seen_;
  for (size_t i = 0; i < polled_.size() && !ready; ++i) ready = polled_[i]->in.Ready();
  for (size_t i = 0; i < peers_.size() && want_room && !ready; ++i) {
    ready = peers_[i].starved && peers_[i].out.HasRoom();
  }
  FinishSleep(*doorbell_, seen, ready, seconds);
  // Something is there already, and the caller polls again at once. It may be a frame the
  // engine holds back (unexpected messages over their budget stay in the ring): yield, as a
  // wait that cannot sleep does, rather than poll it in a tight loop on a shared CPU.
  if (ready) sched_yield();
}

bool ShmEndpoint::PeerAlive(int rank) {
  Peer* peer = Find(rank);
  if (peer == nullptr) return true;
  if (!peer->process) peer->process = std::make_unique<PeerProcess>(peer->address.pid);
  return peer->process->Alive();
}

}  // namespace

StatusOr<std::unique_ptr<Endpoint>> CreateEndpoint(const Options& options) {
  ZMPI_RETURN_IF_ERROR(ValidateOptions(options));
  if (options.single_copy) {
    // Under Yama ptrace_scope 1 only an ancestor may use process_vm_* on us; local ranks
    // are siblings, so allow them (as Open MPI does for CMA).
    platform::AllowMemoryAccessBySiblings();
  }
  auto endpoint = std::make_unique<ShmEndpoint>(options);
  ZMPI_RETURN_IF_ERROR(endpoint->Init());
  return std::unique_ptr<Endpoint>(std::move(endpoint));
}

}  // namespace zmpi::transport::shm
