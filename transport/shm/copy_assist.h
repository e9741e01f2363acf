// Cooperative single-copy Read. The reader posts the transfer in an AssistControl line
// (shm_format.h) and bumps the owner's AssistHint; then the reader (process_vm_readv) and
// the owner of the source memory (process_vm_writev, from its Poll) copy disjoint chunks, so
// two cores move the data at once. The reader alone can finish every chunk: progress never
// depends on the owner polling, the owner only speeds the copy up.
//
// A read is cut into two halves (up to kMaxChunk each; longer reads into kMaxChunk pieces).
// The reader claims chunks from the front, the owner from the back, so a buffer sent again
// (a window of messages, a ping-pong) is copied by the same core half by half each time and
// its lines stay in that core's cache; one system call a side per read. Chunks are claimed
// with compare-and-swap on a generation-tagged word, so an owner that looked at an older
// transfer can never claim a chunk of a newer one with stale addresses.
//
// Sharing is not always faster: when the owner has lost its core (other work on the host),
// the reader waits for a chunk the owner was preempted in the middle of. A read whose wait
// for the owner outlasted the reader's own copying counts as a miss; after kMissesToBackOff
// misses in a row the reader reads alone for a while (16 reads, doubling up to 1024 while
// the misses go on), then tries again.
//
// A CopyAssist is a view over one AssistControl plus the reader's state; a process uses it
// as one end only (reader: Read; owner: Help). Not thread-safe per end.
#ifndef ZMPI_TRANSPORT_SHM_COPY_ASSIST_H_
#define ZMPI_TRANSPORT_SHM_COPY_ASSIST_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "common/status.h"
#include "transport/shm/peer_process.h"
#include "transport/shm/shm_format.h"

namespace zmpi::transport::shm {

class CopyAssist {
 public:
  static constexpr size_t kMaxChunk = size_t{1} << 20;
  static constexpr uint32_t kMissesToBackOff = 4;
  static constexpr uint32_t kMinBackOff = 16;
  static constexpr uint32_t kMaxBackOff = 1024;

  CopyAssist() = default;
  CopyAssist(AssistControl* control, std::atomic<uint64_t>* owner_hint)
      : control_(control), owner_hint_(owner_hint) {}

  // Reader: copies `len` bytes at `src` in `owner` into `dst`, shared with the owner or alone
  // (see above). Returns when every byte is in place (or failed); kProcAborted if the owner
  // dies meanwhile.
  Status Read(PeerProcess& owner, uint64_t src, void* dst, size_t len);

  // Owner: copies the unclaimed chunks of the posted transfer, if any, into `reader`.
  // Returns how many chunks it copied.
  int Help(PeerProcess& reader);

  static size_t ChunkFor(size_t len);

  // Reader: whether the next Read will ask the owner to help (for tests and benchmarks).
  bool NextReadAssisted() const { return alone_left_ == 0; }

 private:
  // Sets *missed when the wait for the owner's chunks outlasted the reader's own copying.
  Status ReadAssisted(PeerProcess& owner, uint64_t src, void* dst, size_t len, bool* missed);

  AssistControl* control_ = nullptr;
  std::atomic<uint64_t>* owner_hint_ = nullptr;
  // Reader end.
  uint32_t generation_ = 0;
  uint32_t misses_ = 0;      // assisted reads in a row that waited too long for the owner
  uint32_t alone_left_ = 0;  // reads still to do alone after the last back-off
  uint32_t back_off_ = kMinBackOff;
};

}  // namespace zmpi::transport::shm

#endif  // ZMPI_TRANSPORT_SHM_COPY_ASSIST_H_
