// Inbox: the receive side of frames for one ofi endpoint.
//
// A fixed set of receive buffers stays posted as wildcard tagged receives (FrameTag, any
// sender). A completed receive joins its sender's queue, ordered by the frame's sequence
// number, and Deliver offers each sender's frames in order. A frame the sink refuses keeps its
// buffer, and frames behind it from that sender wait (backpressure).
//
// Liveness across senders: if held frames tie up more than three quarters of the buffers, the
// newest held frames are copied to the heap and their buffers posted again, so one sender the
// core is not taking from cannot starve the others (whose frames may be the ones the core
// waits for). How many frames are held at most is bounded by the core's flow control.
// Not thread-safe.
#ifndef ZMPI_TRANSPORT_OFI_INBOX_H_
#define ZMPI_TRANSPORT_OFI_INBOX_H_

#include <rdma/fabric.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "common/status.h"
#include "transport/endpoint.h"
#include "transport/ofi/fabric.h"
#include "transport/ofi/op_context.h"

namespace zmpi::transport::ofi {

class Inbox final {
 public:
  // `slots` receive buffers of `frame_bytes` each; senders are ranks 0..world_size-1.
  Inbox(Fabric& fabric, size_t slots, size_t frame_bytes, int world_size);
  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;

  // Posts every buffer (those the provider refuses now are posted by Repost later).
  Status Start();
  // Posts buffers the provider refused earlier.
  Status Repost();
  // A receive completed with `entry`. Returns the sender's rank if the frame is malformed (it
  // is dropped: the caller should give up on that peer), else -1.
  int OnArrived(OpContext* op, const fi_cq_tagged_entry& entry);
  // A receive failed (not canceled): the buffer is posted again.
  void OnFailed(OpContext* op);
  // Offers waiting frames in per-sender order; returns how many the sink took.
  StatusOr<int> Deliver(FrameSink& sink);

  size_t posted() const { return posted_; }
  // Frames wait to be delivered, or buffers to be posted again: a Poll may have work to do
  // without anything new arriving.
  bool has_work() const { return !active_.empty() || !unposted_.empty(); }
  size_t spilled() const { return spilled_; }

 private:
  struct Slot {
    OpContext op;
    std::vector<char> buf;
  };
  // A frame that arrived and was not taken yet: in its receive buffer, or copied out.
  struct Held {
    uint32_t seq;
    Slot* slot;        // nullptr once copied out
    std::string copy;  // prefix + header + payload, when copied out
    const char* data() const { return slot != nullptr ? slot->buf.data() : copy.data(); }
  };
  struct Sender {
    uint32_t next_seq = 0;  // the next frame to deliver
    std::deque<Held> held;  // ordered by seq
    bool listed = false;    // in active_
  };

  Status Post(Slot* slot);
  // Copies held frames out of their buffers until half of the buffers are posted again.
  Status Spill();

  Fabric& fabric_;
  size_t frame_bytes_;
  std::vector<Slot> slots_;
  std::vector<Slot*> unposted_;  // buffers the provider would not take yet
  std::vector<Sender> senders_;
  std::vector<int> active_;  // senders with held frames
  size_t posted_ = 0;
  size_t spilled_ = 0;  // frames ever copied out (for tests and logs)
};

}  // namespace zmpi::transport::ofi

#endif  // ZMPI_TRANSPORT_OFI_INBOX_H_
