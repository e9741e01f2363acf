// The Engine's cold paths for derived datatypes (derived_op.h, docs/protocol-p2p.md "Derived
// datatypes"): packing straight into the transport's frames on the way out, unpacking straight
// from them on the way in, and the choice between reading a layout and streaming chunks.
#include <algorithm>
#include <climits>
#include <cstring>

#include "mpi/core/comm.h"
#include "mpi/core/derived_op.h"
#include "mpi/core/engine.h"

namespace zmpi::core {
namespace {

void* BulkCookie(const Request* r) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(r->id()));
}

FrameHeader MakeHeader(FrameType type, const Request* r, uint64_t bytes) {
  FrameHeader h = MatchHeader(type, r->context, r->comm->rank(), r->tag, bytes);
  h.sreq = r->id();
  return h;
}

// Pieces of at least this mean size are read (iovec lists) rather than streamed.
bool LargePieces(const DerivedOp& op) { return op.direct; }

// Streaming sends over a transport without bulk transfers (shm) pack one frame per progress
// pass each, so that the streams of one exchange take turns and every pass also unpacks what
// arrived; while more than one streams, a frame carries kInterleavedChunk bytes instead of a
// whole slot. A halo exchange's faces lie in the same rows of the field (a 2-D field's first,
// second, second-to-last and last columns share each row's cache line): packing both faces'
// next 4 KiB (512 rows of one double) and unpacking the peer's chunks of the same rows touches
// those lines while they are in L1/L2, where one whole face after the other streamed the field
// through the cache four times. Measured on 2 cores (pack, pack, unpack, unpack of 1 MiB
// columns): 1.3 ms one after the other, 0.69 ms in 2048-row turns, 0.50 ms in 512-row turns;
// halo2d 2 ranks, 1 MiB faces, 1.6 -> 3.1 GB/s. A lone stream keeps whole slots (one-way 64 KiB
// columns: 12.2 GB/s in 16 KiB frames, 9.7 in 4 KiB ones). ofi keeps packing while its bounce
// buffers take frames. 4 KiB is the measured optimum here (halo2d 64 KiB-1 MiB faces, frames of
// 2, 3, 4, 6 and 8 KiB): smaller frames cost ~100 ns each in ring and dispatch work, larger
// ones (768 rows of 64 bytes and more) no longer fit the 48 KiB L1 data cache.
// Where ranks outnumber CPUs, streams keep whole slots: ranks that share a core do not pack
// and unpack at once, and a rank's time slice is best spent filling the ring (4 ranks on 2
// cores, with the ring grown at the stream's start: halo2d 32 KiB-1 MiB faces 1.1-2.3x the 4
// KiB turns' rate, medians of 6 rounds; docs/benchmarks.md, "Halos with ranks that share
// cores").
constexpr int kStreamFramesPerPass = 1;
constexpr int64_t kInterleavedChunk = 4096;

// Combined frames. While several streams of at most kCombinedMaxBytes go to one shm peer, one
// frame per pass carries the next kInterleavedChunk of each of them, for kCombinedRounds rounds
// while the slot has room (two 512-row ranges of both columns of a 2-D halo exchange in one 16
// KiB slot), instead of one 4 KiB frame per stream in a 16 KiB slot each: the ring's lines are
// used back to back. halo2d, 2 ranks, 64 KiB faces: 1.48-1.57x Open MPI's rate against
// 1.34-1.44x with a frame per stream (a two-process model of the stream, 23.8-24.5 us an
// exchange against 26.1-26.8; benchmarks/results/halo-where-2026-12-07). The frame is a
// kDataTyped frame with kDataCombined in `reserved`; its payload is chunks, each a ChunkHeader
// and `len` packed bytes for the receive `rreq` at `offset`, handled as the kData or kDataTyped
// frame `type` says.
constexpr uint16_t kDataCombined = 1;
constexpr int kMaxCombinedStreams = 8;
// Two rounds fill a 16 KiB slot with two streams (8 KiB frames of one round gained 1-4%).
constexpr int kCombinedRounds = 2;
// Only while every stream to the peer is at most this long: combined frames gained 9-14% at 64
// KiB faces and 5-15% at 128 KiB, but lost 1-8% at 256 KiB and 12-33% at 1 MiB (paired best-of
// samples, benchmarks/results/halo-where-2026-12-07). Not explained yet; a suspect: with 16 KiB
// frames the ring holds four times the rows of 4 KiB ones, so a rank that falls behind unpacks
// into rows it packed longer ago, out of its cache.
constexpr int64_t kCombinedMaxBytes = 128 * 1024;
// Pacing. A stream to a peer that streams to us too (a halo exchange's faces, both ways) pauses
// while it has packed more than kStreamLead bytes beyond what the furthest of the peer's
// streams to us has delivered. Unpaced, a rank got up to a ring (64 slots of 4 KiB chunks:
// 16384 rows of each of halo2d's columns) ahead of its peer, so each rank unpacked the peer's
// rows long after it had packed the same rows of its own field: every line of a field larger
// than L2 came through the cache twice an exchange. halo2d, 2 ranks, 1 MiB faces, best-of
// samples, median of 5 rounds: 1221 MB/s unpaced, 1899 with a 32 KiB lead, 1827 with 64 KiB
// (Open MPI 1245); 512 KiB +6% / +2%; 256 KiB no change (docs/benchmarks.md). Cannot stall:
// of two ranks whose streams both pause, each would have to be more than the lead ahead of
// the other once the frames in flight have landed. Off where ranks outnumber CPUs. A stream
// more than kStreamLeadMax ahead (the peer's started much later: not an exchange in step)
// does not wait for the peer's to catch up, which would serialize the two.
constexpr int64_t kStreamLead = 32 * 1024;
constexpr int64_t kStreamLeadMax = 256 * 1024;
constexpr int kMaxChunks = 8;
constexpr int64_t kMinChunk = 512;  // a shorter tail of a slot is left empty
struct ChunkHeader {
  uint64_t rreq;
  uint64_t offset;
  uint32_t len;
  uint8_t type;
  uint8_t pad[3];
};
static_assert(sizeof(ChunkHeader) == 24, "ChunkHeader is part of the wire format");

struct Chunk {
  Request* r;
  int64_t pos;
  int64_t len;
};
struct CombinedSource {
  const Chunk* chunks;
  int n;
};

// A PayloadWriter function: each chunk's header, then its bytes packed from the send's layout.
void WriteCombined(void* source, void* to, size_t /*len*/) {
  const CombinedSource& s = *static_cast<const CombinedSource*>(source);
  char* at = static_cast<char*>(to);
  for (int i = 0; i < s.n; ++i) {
    const Chunk& c = s.chunks[i];
    const DerivedOp& op = *c.r->derived;
    ChunkHeader h{op.stream_rreq,
                  static_cast<uint64_t>(c.pos),
                  static_cast<uint32_t>(c.len),
                  op.stream_type,
                  {0, 0, 0}};
    memcpy(at, &h, sizeof(h));
    at += sizeof(h);
    PackSource packs{op.type.get(), op.user_buf, op.count, c.pos};
    WritePacked(&packs, at, static_cast<size_t>(c.len));
    at += c.len;
  }
}

}  // namespace

// Pumps a streaming send after each progress pass until it is out (pending_op.h).
class StreamOp final : public PendingOp {
 public:
  StreamOp(Engine& engine, int peer, uint64_t sreq) : engine_(engine), peer_(peer), sreq_(sreq) {}
  bool Advance() override { return engine_.PumpStream(peer_, sreq_); }

 private:
  Engine& engine_;
  int peer_;
  uint64_t sreq_;
};

Status Engine::StartSendTyped(Request* r, bool synchronous) {
  DerivedOp& op = *r->derived;
  Peer& p = peers_[r->peer];
  ++p.counters->messages_sent;  // the MPI_T counters StartSend keeps for contiguous data
  p.counters->bytes_sent += r->bytes;
  if (r->bytes <= p.eager_limit) {
    FrameHeader h =
        MakeHeader(synchronous ? FrameType::kEagerSync : FrameType::kEager, r, r->bytes);
    if (p.backlog.empty()) {
      PackSource source{op.type.get(), op.user_buf, op.count, 0};
      transport::PayloadWriter writer{WritePacked, &source};
      ZMPI_ASSIGN_OR_RETURN(transport::SendResult sent,
                            p.endpoint->SendWritten(r->peer, &h, sizeof(h), r->bytes, writer));
      if (sent == transport::SendResult::kDone) {
        if (!synchronous) Complete(r);
        return OkStatus();
      }
    }
    // No room now: packed into staging, the frame waits in the backlog like any other.
    PackDerivedSend(r);
    return Post(r->peer, h, r->send_buf, r->bytes, synchronous ? nullptr : r);
  }
  ++counters.rendezvous_sends;
  CountRts(r->peer);
  FrameHeader h = MakeHeader(FrameType::kRts, r, r->bytes);
  if (op.lazy) {  // the receiver may gather straight from our layout
    h.reserved = kRtsLayout;
    h.addr = reinterpret_cast<uint64_t>(op.user_buf);
    return Post(r->peer, h, op.rts.get(), op.rts_len, nullptr);
  }
  h.reserved = kRtsPack;  // nothing to read: we pack once the receiver answers kCts
  op.stream = true;
  return Post(r->peer, h, nullptr, 0, nullptr);
}

StatusOr<bool> Engine::TrySendWritten(int peer, uint32_t context, int source, int tag, size_t bytes,
                                      const transport::PayloadWriter& writer) {
  Peer& p = peers_[peer];
  if (bytes > p.eager_limit || !p.backlog.empty()) return false;
  FrameHeader h = MatchHeader(FrameType::kEager, context, source, tag, bytes);
  ZMPI_ASSIGN_OR_RETURN(transport::SendResult sent,
                        p.endpoint->SendWritten(peer, &h, sizeof(h), bytes, writer));
  return sent == transport::SendResult::kDone;
}

void Engine::DeliverEagerCold(Request* r, const FrameHeader& header, const void* payload,
                              size_t len) {
  DerivedOp* op = r->derived;
  if (op == nullptr) {
    FailTruncated(r, header);
    return;
  }
  // A derived receive (capacity 0 in the request): unpack straight from the frame.
  const size_t capacity = Capacity(*op);
  const size_t n = std::min(len, capacity);
  UnpackAt(*op, 0, payload, n);
  op->landed = true;
  r->status_bytes = n;
  if (header.bytes > capacity) {
    r->error =
        Error(Code::kTruncate,
              "message of %llu bytes from rank %d (tag %d) does not fit in a receive "
              "buffer of %zu bytes",
              static_cast<unsigned long long>(header.bytes), header.source, header.tag, capacity);
  }
}

// A rendezvous with a derived datatype on either side. The receive reads when one copy does
// it: the sender's data lie contiguous or as its layout (large pieces), and the receive's
// buffer is contiguous or has large pieces. Anything with small pieces streams through the
// transport's frames instead: the sender packs into them (kRtsPack), the receiver unpacks from
// them (kDataTyped), both at once, with no staging buffer on either side.
void Engine::StartRendezvousTyped(Request* r, int peer, const FrameHeader& header,
                                  const void* payload, size_t len) {
  DerivedOp* op = r->derived;
  const size_t capacity = op != nullptr ? Capacity(*op) : r->bytes;
  const size_t n = std::min<size_t>(header.bytes, capacity);
  r->status_source = header.source;
  r->status_tag = header.tag;
  r->status_bytes = n;
  if (header.bytes > capacity) {
    r->error =
        Error(Code::kTruncate,
              "message of %llu bytes from rank %d (tag %d) does not fit in a receive "
              "buffer of %zu bytes",
              static_cast<unsigned long long>(header.bytes), header.source, header.tag, capacity);
  }
  r->peer = peer;
  Peer& p = peers_[peer];
  const bool gather = (header.reserved & kRtsLayout) != 0 && payload != nullptr;
  const bool packs = (header.reserved & kRtsPack) != 0;
  const bool layout_ok = op == nullptr || LargePieces(*op);
  const bool contiguous_sender = (header.reserved & (kRtsLayout | kRtsPack)) == 0;
  // A contiguous sender into a contiguous receive (a flag we do not know) reads as usual.
  const bool big = op != nullptr || gather || n >= config_.single_copy_min;
  if (config_.single_copy && !packs && layout_ok && big && (gather || contiguous_sender) &&
      p.endpoint->CanRead(peer)) {
    if (n) {
      Status s = gather          ? ReadFromLayout(*p.endpoint, peer, header, payload, len, r, n)
                 : op != nullptr ? ReadIntoLayout(*p.endpoint, peer, header.addr, r, n)
                                 : ReadAnnounced(peer, header.addr, r->recv_buf, n);
      if (!s.ok()) r->error = s;
    }
    PostControl(peer, FrameType::kFin, header.sreq, 0, 0, r);
    Complete(r);
    return;
  }
  if (op == nullptr) {  // a contiguous receive of a sender's stream
    AskForData(r, peer, header, n, 0);
    return;
  }
  if (!p.endpoint->HasBulk()) {
    op->landed = true;  // the chunks unpack as they arrive
    if (n > 0) incoming_.Add(peer, r->id());
    AskForData(r, peer, header, n, kCtsTypedData);
    return;
  }
  if (contiguous_sender || n == 0) {  // one transfer into staging; Complete unpacks it
    r->recv_buf = RecvStaging(*op);
    AskForData(r, peer, header, n, 0);
    return;
  }
  // A bulk transport and a sender that packs: frames instead of one bulk transfer, so that
  // the sender packs chunk k + 1 into a bounce buffer while chunk k is on the wire and we
  // unpack each as it lands (no staging buffer, no whole-message pack before the transfer).
  op->landed = true;
  r->received = 0;
  PostControl(peer, FrameType::kCts, header.sreq, r->id(), n, r, 0, kCtsTypedData | kCtsFrames);
}

void Engine::OnCtsTyped(int peer, const FrameHeader& header, Request* r) {
  DerivedOp& op = *r->derived;
  const size_t n = header.bytes;
  Peer& p = peers_[peer];
  if (p.endpoint->HasBulk() && (header.reserved & kCtsFrames) == 0) {  // one bulk transfer
    PackDerivedSend(r);
    Status s =
        p.endpoint->PostBulkSend(peer, header.rreq, r->send_buf, n, BulkCookie(r), header.addr);
    if (!s.ok()) {
      r->error = s;
      Complete(r);
    }
    return;
  }
  op.stream = true;
  op.streamed = 0;
  op.stream_end = static_cast<int64_t>(n);
  op.stream_rreq = header.rreq;
  op.stream_type = static_cast<uint8_t>(static_cast<uint8_t>(FrameType::kData) +
                                        (header.reserved & kCtsTypedData));
  // The first frame leaves after this progress pass, not now: a kCts that arrives with
  // others (a halo exchange's faces) then starts its stream beside theirs, in the same rows.
  const size_t chunk = oversubscribed_ ? p.endpoint->MaxPayload() : kInterleavedChunk;
  p.endpoint->ExpectFrames(peer, (n + chunk - 1) / chunk);  // the most frames it may take
  streams_.Add(peer, r->id());
  AddPendingOp(std::make_unique<StreamOp>(*this, peer, r->id()));
}

bool Engine::PumpStream(int peer, uint64_t sreq) {
  const bool done = PumpStreamFrames(peer, sreq);
  if (done) streams_.Remove(peer, sreq);
  return done;
}

bool Engine::PumpStreamFrames(int peer, uint64_t sreq) {
  Request* r = pool_.FromId(sreq);
  if (r == nullptr || r->complete || r->derived == nullptr) return true;  // failed meanwhile
  DerivedOp& op = *r->derived;
  Peer& p = peers_[peer];
  const bool bulk = p.endpoint->HasBulk();
  const bool several = !bulk && streams_.size() > 1;
  if (several) {
    // The streams to this peer, oldest first; the first one packs for all of them.
    Request* streams[kMaxCombinedStreams];
    int n = 0;
    bool small = true;
    for (uint64_t id : streams_.To(peer)) {
      if (n == kMaxCombinedStreams) break;
      Request* q = pool_.FromId(id);
      if (q == nullptr || q->complete || q->derived == nullptr) continue;
      small = small && q->derived->stream_end <= kCombinedMaxBytes;
      streams[n++] = q;
    }
    if (n > 1 && small) return PumpCombined(peer, r, streams, n);
  }
  if (!bulk && StreamRunsAhead(peer, op.streamed)) return false;
  int64_t chunk = static_cast<int64_t>(p.endpoint->MaxPayload());
  if (several && !oversubscribed_) chunk = std::min(chunk, kInterleavedChunk);
  const int per_pass = bulk ? INT_MAX : kStreamFramesPerPass;
  for (int frames = 0; op.streamed < op.stream_end && frames < per_pass; ++frames) {
    const int64_t len = std::min(chunk, op.stream_end - op.streamed);
    FrameHeader h = ControlHeader(static_cast<FrameType>(op.stream_type), 0, op.stream_rreq, 0);
    h.addr = static_cast<uint64_t>(op.streamed);
    PackSource source{op.type.get(), op.user_buf, op.count, op.streamed};
    transport::PayloadWriter writer{WritePacked, &source};
    StatusOr<transport::SendResult> sent =
        p.endpoint->SendWritten(peer, &h, sizeof(h), static_cast<size_t>(len), writer);
    if (!sent.ok()) {
      r->error = sent.status();
      Complete(r);
      return true;
    }
    if (*sent == transport::SendResult::kRetry) return false;
    op.streamed += len;
    ++stream_frames_;
  }
  if (op.streamed < op.stream_end) return false;
  Complete(r);
  return true;
}

bool Engine::PumpCombined(int peer, Request* r, Request* const* streams, int n) {
  if (streams[0] != r) return false;  // the first stream packs ours too, once a pass
  Peer& p = peers_[peer];
  // kCombinedRounds rounds of the next chunk of each stream, while the slot has room.
  const int64_t room = static_cast<int64_t>(p.endpoint->MaxPayload());
  Chunk chunks[kMaxChunks];
  int64_t next[kMaxCombinedStreams];
  for (int i = 0; i < n; ++i) next[i] = streams[i]->derived->streamed;
  int nc = 0;
  int64_t used = 0;
  for (int round = 0; round < kCombinedRounds && nc < kMaxChunks; ++round) {
    bool more = false;
    for (int i = 0; i < n && nc < kMaxChunks; ++i) {
      const int64_t left = streams[i]->derived->stream_end - next[i];
      const int64_t space = room - used - static_cast<int64_t>(sizeof(ChunkHeader));
      const int64_t len = std::min({kInterleavedChunk, left, space});
      if (left <= 0 || len < std::min(left, kMinChunk)) continue;
      chunks[nc++] = Chunk{streams[i], next[i], len};
      next[i] += len;
      used += static_cast<int64_t>(sizeof(ChunkHeader)) + len;
      more = true;
    }
    if (!more) break;
  }
  if (nc > 0) {  // none: every stream here is empty (a zero-byte kCts) and just completes
    FrameHeader h = ControlHeader(FrameType::kDataTyped, 0, 0, 0);
    h.reserved = kDataCombined;
    CombinedSource source{chunks, nc};
    transport::PayloadWriter writer{WriteCombined, &source};
    StatusOr<transport::SendResult> sent =
        p.endpoint->SendWritten(peer, &h, sizeof(h), static_cast<size_t>(used), writer);
    if (!sent.ok()) {
      for (int i = 0; i < n; ++i) {
        streams[i]->error = sent.status();
        Complete(streams[i]);
      }
      return true;
    }
    if (*sent == transport::SendResult::kRetry) return false;
    ++stream_frames_;
    for (int i = 0; i < nc; ++i) chunks[i].r->derived->streamed += chunks[i].len;
  }
  // The others' StreamOps find their request complete and end on their next turn.
  bool done = false;  // ours (read before Complete, which may release the request)
  for (int i = 0; i < n; ++i) {
    const DerivedOp& o = *streams[i]->derived;
    if (o.streamed < o.stream_end) continue;
    done = done || streams[i] == r;
    Complete(streams[i]);
  }
  return done;
}

bool Engine::StreamRunsAhead(int peer, int64_t streamed) {
  if (oversubscribed_ || incoming_.size() == 0) return false;
  int64_t back = -1;
  incoming_.RemoveIf(peer, [&](uint64_t id) {
    const Request* in = pool_.FromId(id);
    if (in == nullptr || in->complete) return true;
    back = std::max(back, static_cast<int64_t>(in->received));
    return false;
  });
  const int64_t ahead = streamed - back;
  return back >= 0 && ahead > kStreamLead && ahead <= kStreamLeadMax;
}

void Engine::OnDataTyped(const FrameHeader& header, const void* payload, size_t len) {
  if (header.reserved & kDataCombined) {  // chunks of several streams (PumpStreamFrames)
    const char* at = static_cast<const char*>(payload);
    size_t left = len;
    while (left >= sizeof(ChunkHeader)) {
      ChunkHeader c;
      memcpy(&c, at, sizeof(c));
      at += sizeof(c);
      left -= sizeof(c);
      if (c.len > left) break;  // cannot happen: our own writer sized the frame
      FrameHeader h = header;
      h.reserved = 0;
      h.rreq = c.rreq;
      h.addr = c.offset;
      if (c.type == static_cast<uint8_t>(FrameType::kData)) {
        OnData(h, at, c.len);
      } else {
        OnDataTyped(h, at, c.len);
      }
      at += c.len;
      left -= c.len;
    }
    return;
  }
  Request* r = pool_.FromId(header.rreq);
  if (r == nullptr) return;
  if (r->derived != nullptr && header.addr + len <= r->status_bytes) {
    UnpackAt(*r->derived, static_cast<int64_t>(header.addr), payload, len);
  }
  r->received += len;
  if (r->received >= r->status_bytes) {
    incoming_.Remove(r->peer, r->id());
    Complete(r);
  }
}

}  // namespace zmpi::core
