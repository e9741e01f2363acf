// The transport interface: how the core moves framed messages between ranks.
//
// An Endpoint serves a fixed set of peers (world ranks) over one mechanism: shared memory
// rings (shm), libfabric (ofi), or the process itself (self). The core owns one Endpoint per
// mechanism in use and picks one per peer. A frame is a small header that the core defines
// (opaque here, at most kMaxHeader bytes) followed by a payload of at most
// MaxPayload() bytes.
//
// Contract:
// - Frames from one peer arrive in the order that peer sent them (FIFO per peer), exactly once.
// - Send never blocks. kDone: the frame is on its way and both buffers may be reused at once.
//   kRetry: nothing was sent (no room); call Poll, then send again. Errors are Statuses with
//   an MPI error class (kProcAborted for a peer that is known dead).
// - SendReferenced may also send the payload straight from the caller's memory: kPending
//   means the frame is on its way, the header may be reused, and the payload must stay
//   untouched until the endpoint calls sink.OnBulkDone(cookie, status). Worth it only from
//   ReferenceMin() bytes of payload; below that (and by default) it is Send.
// - Poll delivers arrived frames to the sink and completed bulk operations; it never blocks.
//   A sink may refuse a frame (OnFrame returns false): the endpoint then keeps it and offers the
//   same frame again on a later Poll, and frames behind it from that peer wait (backpressure).
// - Bulk transfers move large payloads. An endpoint offers either or both of:
//     Read:  the receiver copies straight out of the sender's memory (single copy);
//     Tagged bulk: sender and receiver each post the buffer with the same 64-bit key; the
//            endpoint calls sink.OnBulkDone(cookie, status) on each side when its part is done.
//            The receiver posts first and may choose how the data travels: a layout word
//            (0 = the endpoint's default) that the core carries to the sender in its
//            clear-to-send and the sender passes to PostBulkSend.
// - Not thread-safe: the core calls an Endpoint from one thread at a time.
#ifndef ZMPI_TRANSPORT_ENDPOINT_H_
#define ZMPI_TRANSPORT_ENDPOINT_H_

#include <sys/uio.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace zmpi::transport {

inline constexpr size_t kMaxHeader = 64;

enum class SendResult { kDone, kRetry, kPending };

struct Frame {
  const void* header;
  size_t header_len;  // <= kMaxHeader
  const void* payload;
  size_t payload_len;  // <= MaxPayload()
};

// A payload produced while the frame is written (a derived datatype packing straight into the
// transport's buffer): write(ctx, to, len) fills exactly `len` bytes at `to`.
struct PayloadWriter {
  void (*write)(void* ctx, void* to, size_t len);
  void* ctx;
};

struct PeerAddress {
  int rank;             // world rank
  std::string address;  // what the peer's Endpoint::Address() returned
};

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // A frame from `peer`. Pointers are valid only during the call. false = hold it (see above).
  virtual bool OnFrame(int peer, const Frame& frame) = 0;
  // A bulk send or receive posted with `cookie` has finished (or failed).
  virtual void OnBulkDone(void* cookie, Status status) = 0;
};

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  Endpoint() = default;
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // "shm", "ofi", "self": for logs and for tests that check which transport was used.
  virtual const char* Name() const = 0;
  // Printable address blob that peers pass to Connect (published through PMIx).
  virtual std::string Address() const = 0;
  // Makes the listed peers reachable. Called once, after all addresses are known.
  virtual Status Connect(const std::vector<PeerAddress>& peers) = 0;
  // Largest payload a single frame may carry.
  virtual size_t MaxPayload() const = 0;

  [[nodiscard]] virtual StatusOr<SendResult> Send(int peer, const Frame& frame) = 0;
  // Smallest payload that SendReferenced sends from the caller's memory (SIZE_MAX: never).
  virtual size_t ReferenceMin() const { return SIZE_MAX; }
  // Whether a single-copy Read beats an eager frame from ZMPI_SINGLE_COPY_MIN bytes up, even
  // below the eager limit: the core then announces such a contiguous message (kRts) instead of
  // copying it into a frame, unless the link is busy (docs/protocol-p2p.md). Default: no.
  virtual bool ReadBeatsEager() const { return false; }
  [[nodiscard]] virtual StatusOr<SendResult> SendReferenced(int peer, const Frame& frame,
                                                            void* /*cookie*/) {
    return Send(peer, frame);
  }
  // Send of a frame whose payload (`payload_len` bytes) `writer` writes straight into the
  // transport's own buffer (a ring slot, a bounce buffer) instead of being copied from memory:
  // one copy instead of two for data that must be packed anyway. Results as Send; on kRetry
  // nothing was written. The default writes into a temporary and calls Send.
  [[nodiscard]] virtual StatusOr<SendResult> SendWritten(int peer, const void* header,
                                                         size_t header_len, size_t payload_len,
                                                         const PayloadWriter& writer) {
    std::vector<char> payload(payload_len);
    if (payload_len > 0) writer.write(writer.ctx, payload.data(), payload_len);
    return Send(peer, Frame{header, header_len, payload.data(), payload_len});
  }
  // Delivers arrived frames and bulk completions; returns how many events it delivered.
  [[nodiscard]] virtual StatusOr<int> Poll(FrameSink& sink) = 0;
  // A hint: about `frames` frames to `peer` follow at once (a stream starts). A transport may
  // make room for them now rather than while they go (shm: grow the pair's ring).
  virtual void ExpectFrames(int /*peer*/, size_t /*frames*/) {}

  // Single-copy read of `len` bytes at `remote_addr` in peer's address space into `local`.
  virtual bool CanRead(int /*peer*/) const { return false; }
  virtual Status Read(int /*peer*/, uint64_t /*remote_addr*/, void* /*local*/, size_t /*len*/) {
    return Error(Code::kUnsupported, "%s: single-copy read is not supported", Name());
  }
  // The same read where the owner of the memory is waiting for it (it reads none of our
  // messages meanwhile): the transport may ask it to copy part (shm's copy assist). Default:
  // Read.
  virtual Status ReadShared(int peer, uint64_t remote_addr, void* local, size_t len) {
    return Read(peer, remote_addr, local, len);
  }
  // The same read scattered into `count` local pieces in order (their lengths sum to the
  // bytes read from remote_addr on): a receive lands in a derived datatype's layout with no
  // staging copy. The default reads piece by piece.
  virtual Status ReadV(int peer, uint64_t remote_addr, const iovec* local, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      ZMPI_RETURN_IF_ERROR(Read(peer, remote_addr, local[i].iov_base, local[i].iov_len));
      remote_addr += local[i].iov_len;
    }
    return OkStatus();
  }
  // Gathers remote pieces into local pieces (both lists in order, equal totals): a receive of
  // a sender's non-contiguous layout. The default reads piece by piece.
  virtual Status ReadVV(int peer, const iovec* local, size_t local_count, const iovec* remote,
                        size_t remote_count) {
    size_t li = 0, ri = 0, loff = 0, roff = 0;
    while (li < local_count && ri < remote_count) {
      size_t n = std::min(local[li].iov_len - loff, remote[ri].iov_len - roff);
      if (n > 0) {
        ZMPI_RETURN_IF_ERROR(
            Read(peer, reinterpret_cast<uint64_t>(remote[ri].iov_base) + roff,
                 static_cast<char*>(local[li].iov_base) + loff, n));
      }
      loff += n;
      roff += n;
      if (loff == local[li].iov_len) ++li, loff = 0;
      if (roff == remote[ri].iov_len) ++ri, roff = 0;
    }
    return OkStatus();
  }

  // Tagged bulk transfer (see contract). Keys are unique per (sender, receiver) pair in flight.
  virtual bool HasBulk() const { return false; }
  // `layout`: what PostBulkRecv returned on the receiver's side for this key.
  virtual Status PostBulkSend(int /*peer*/, uint64_t /*key*/, const void* /*buf*/, size_t /*len*/,
                              void* /*cookie*/, uint64_t /*layout*/ = 0) {
    return Error(Code::kUnsupported, "%s: bulk send is not supported", Name());
  }
  // Sets *layout (when not null) to the word the sender's PostBulkSend must get.
  virtual Status PostBulkRecv(int /*peer*/, uint64_t /*key*/, void* /*buf*/, size_t /*len*/,
                              void* /*cookie*/, uint64_t* /*layout*/ = nullptr) {
    return Error(Code::kUnsupported, "%s: bulk receive is not supported", Name());
  }

  // True when every frame Send accepted has left this process (e.g. transmit completions
  // reaped), so the endpoint may be closed without losing data. Polled during MPI_Finalize.
  virtual bool Idle() const { return true; }

  // Whether the peer is still alive as far as this endpoint can tell (cheap; called while
  // waiting). Endpoints that cannot tell return true.
  virtual bool PeerAlive(int /*peer*/) { return true; }

  // Sleeping instead of polling, for ranks that outnumber their host's CPUs: a rank that polls
  // or yields keeps the CPU share a peer needs (docs/benchmarks.md, "Oversubscribed hosts").
  // Wakes: whatever arrives through this endpoint wakes a rank blocked in its Sleep.
  virtual bool Wakes() const { return false; }
  // Blocks until a peer wakes this endpoint (a frame arrived; with `want_room`, also a slot
  // freed in a ring a send found full), `seconds` pass or a signal; returns at once if one of
  // those is already there. Only where Wakes() is true.
  virtual void Sleep(double /*seconds*/, bool /*want_room*/) {}
  // Whether a Poll would deliver nothing, now and until something is sent through this
  // endpoint by this process: the rank may sleep in another endpoint (self: an empty queue).
  virtual bool Quiet() const { return false; }
};

}  // namespace zmpi::transport

#endif  // ZMPI_TRANSPORT_ENDPOINT_H_
