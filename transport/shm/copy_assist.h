// Cooperative single-copy Read. The reader posts the transfer in an AssistControl line
// (shm_format.h) and bumps the owner's AssistHint; then the reader (process_vm_readv) and
// the owner of the source memory (process_vm_writev, from its Poll) claim disjoint chunks,
// so two cores move the data at once. The reader alone can finish every chunk: progress
// never depends on the owner polling, the owner only speeds the copy up.
//
// Chunks are claimed with a generation-tagged counter, so an owner that looked at an older
// transfer can never claim a chunk of a newer one with stale addresses.
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
  // Transfers smaller than this are read by the reader alone (one syscall beats sharing).
  static constexpr size_t kMinAssisted = size_t{128} << 10;

  CopyAssist() = default;
  CopyAssist(AssistControl* control, std::atomic<uint64_t>* owner_hint)
      : control_(control), owner_hint_(owner_hint) {}

  // Reader: copies `len` bytes at `src` in `owner` into `dst`. Returns when every chunk is in
  // place (or failed); kProcAborted if the owner dies meanwhile.
  Status Read(PeerProcess& owner, uint64_t src, void* dst, size_t len);

  // Owner: copies the unclaimed chunks of the posted transfer, if any, into `reader`.
  // Returns how many chunks it copied.
  int Help(PeerProcess& reader);

  static size_t ChunkFor(size_t len);

 private:
  AssistControl* control_ = nullptr;
  std::atomic<uint64_t>* owner_hint_ = nullptr;
  uint32_t generation_ = 0;  // reader end
};

}  // namespace zmpi::transport::shm

#endif  // ZMPI_TRANSPORT_SHM_COPY_ASSIST_H_
