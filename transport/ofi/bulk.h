// Bulk: the tagged bulk transfers of one ofi endpoint.
//
// A transfer is split into chunks of at most `chunk` bytes (unless its layout says otherwise,
// below), each a tagged message on
// BulkTag(key) (tag_format.h); receives are directed at the peer's address. Chunks the provider
// refuses with -FI_EAGAIN are posted again by Progress, in order. When every chunk of a transfer
// has completed, the sink gets OnBulkDone(cookie, status) once, with the first error seen.
// Sender and receiver must post the same length (the core's rendezvous guarantees it).
#ifndef ZMPI_TRANSPORT_OFI_BULK_H_
#define ZMPI_TRANSPORT_OFI_BULK_H_

#include <rdma/fabric.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>

#include "common/status.h"
#include "transport/endpoint.h"
#include "transport/ofi/fabric.h"
#include "transport/ofi/op_context.h"

namespace zmpi::transport::ofi {

class Bulk final {
 public:
  Bulk(Fabric& fabric, size_t chunk) : fabric_(fabric), chunk_(chunk) {}
  Bulk(const Bulk&) = delete;
  Bulk& operator=(const Bulk&) = delete;

  // How the receiver wants a transfer of `len` bytes from `peer` cut, as a layout word for
  // Post on both sides: 0 = chunks of `chunk`; else the chunk size (capped at the provider's
  // message limit). Only a transfer of 2-4 chunks that follows another one from the same peer
  // still in flight is cut: such streams of 256-512 KiB messages ran at half speed whole,
  // while alone they arrive sooner whole (one message: one system call and one wake-up on
  // each side), and longer ones were as fast or faster whole (docs/transport-ofi.md, "When a
  // transfer goes in pieces").
  uint64_t ChooseLayout(int peer, size_t len) const;
  // Starts a transfer cut as `layout` says (the same word on both sides). An error here
  // means nothing was posted and no OnBulkDone follows.
  Status Post(bool is_send, int peer, fi_addr_t addr, uint64_t key, void* buf, size_t len,
              uint64_t layout, void* cookie);
  // Posts chunks that were refused earlier; reports transfers that failed doing so.
  int Progress(FrameSink& sink);
  // One chunk completed (status ok) or failed; `len` is the completion's length.
  int OnCompletion(OpContext* op, Status status, size_t len, FrameSink& sink);
  // Reports every transfer with `peer` as failed now, without waiting for its chunks: a dead
  // peer may never complete them. Their contexts stay alive until the chunks come back.
  int FailPeer(int peer, const Status& why, FrameSink& sink);
  // The peer of a chunk's transfer.
  static int PeerOf(const OpContext* chunk) { return static_cast<const Op*>(chunk->owner)->peer; }
  size_t in_flight() const { return ops_.size(); }
  // Chunks the provider refused wait for Progress to post them again.
  bool has_refused() const { return !pending_.empty(); }

 private:
  struct Op {
    bool is_send;
    int peer;
    fi_addr_t addr;
    uint64_t tag;
    char* buf;
    size_t len;
    void* cookie;
    size_t chunk;           // bytes per chunk (the last one may be shorter)
    size_t chunks;          // total
    size_t posted = 0;      // chunks handed to the provider so far
    size_t finished = 0;    // chunks completed
    bool queued = false;    // in pending_
    bool reported = false;  // OnBulkDone already called (peer failed)
    Status status;
    std::unique_ptr<OpContext[]> contexts;
    std::list<Op>::iterator self;
  };

  size_t ChunkLen(const Op& op, size_t index) const;
  // Posts as many chunks as the provider takes; false with op.status set on a hard error.
  bool PostChunks(Op& op);
  int FinishIfDone(Op& op, FrameSink& sink);

  Fabric& fabric_;
  size_t chunk_;
  std::list<Op> ops_;        // transfers in flight; stable addresses for contexts
  std::deque<Op*> pending_;  // transfers with chunks the provider refused
};

}  // namespace zmpi::transport::ofi

#endif  // ZMPI_TRANSPORT_OFI_BULK_H_
