// Cooperative single-copy Read. The reader posts the transfer in an AssistControl line
// (shm_format.h) and bumps the owner's AssistHint; then the reader (process_vm_readv) and
// the owner of the source memory (process_vm_writev, from its Poll) claim disjoint chunks,
// so two cores move the data at once. The reader alone can finish every chunk: progress
// never depends on the owner polling, the owner only speeds the copy up.
//
// Chunks are claimed with a generation-tagged counter, so an owner that looked at an older
// transfer can never claim a chunk of a newer one with stale addresses.
//
// Sharing is not always faster: when the owner shares its core with other work, the reader
// waits for chunks the owner was preempted in the middle of, and the two copies slow each
// other down. So the reader keeps the measured cost per byte of reading alone and of reading
// assisted, uses the cheaper one, and retries the other every kExplorePeriod reads.
//
// A CopyAssist is a view over one AssistControl plus the reader's generation; a process uses
// it as one end only (reader: Read; owner: Help). Not thread-safe per end.
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
  static constexpr uint32_t kExplorePeriod = 16;

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
  bool NextReadAssisted() const;

 private:
  Status ReadAssisted(PeerProcess& owner, uint64_t src, void* dst, size_t len);

  AssistControl* control_ = nullptr;
  std::atomic<uint64_t>* owner_hint_ = nullptr;
  // Reader end.
  uint32_t generation_ = 0;
  uint32_t reads_ = 0;
  double cost_[2] = {0, 0};  // ns per byte alone [0] and assisted [1]; 0 = not measured
};

}  // namespace zmpi::transport::shm

#endif  // ZMPI_TRANSPORT_SHM_COPY_ASSIST_H_
