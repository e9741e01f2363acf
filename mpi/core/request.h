// Requests: the state of one send or receive, from start to completion. Owned by the
// RequestPool; MPI handles and wire ids both name a pool slot.
#ifndef ZMPI_MPI_CORE_REQUEST_H_
#define ZMPI_MPI_CORE_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

class Comm;
struct DerivedOp;

// kSend and kRecv are the engine's; the others are built over it (mpi/core/request_ext.h)
// and never reach the transports themselves.
enum class RequestKind : uint8_t {
  kSend,
  kRecv,
  kGeneralized,  // MPI_Grequest_start: completed by the user
  kCompound,     // several sends/receives as one (MPI_Isendrecv, MPI_Isendrecv_replace)
  kPartSend,     // MPI_Psend_init
  kPartRecv,     // MPI_Precv_init
  kCollective,   // non-blocking and persistent collectives (coll_request.h)
};

// What a request that is not a plain send or receive carries (persistent arguments,
// partition state, callbacks); subclasses live in mpi/core/request_ext.h. Owned by the request.
struct RequestExtension {
  virtual ~RequestExtension() = default;
  // Fails the parts of this request (the requests it waits for) whose peer died, so a wait
  // on it ends with kProcAborted instead of hanging; waits call it about once a second
  // (FailDeadPeers in p2p.h). Kinds without parts do nothing.
  virtual void FailDeadPeers() {}
};

struct Request {
  RequestKind kind = RequestKind::kSend;
  bool complete = false;
  bool cancelled = false;
  bool user_freed = false;  // MPI_Request_free before completion: release when complete
  bool live = false;        // allocated and not yet released
  // Anything but a plain send or receive (persistent, generalized, compound, partitioned):
  // completion calls take the cold path (FinishSpecial) for it.
  bool special = false;
  bool persistent = false;  // MPI_*_init / Psend_init / Precv_init: survives completion
  bool active = false;      // persistent: started and not yet completed by a wait or test
  uint32_t slot = 0;
  uint32_t generation = 0;

  // Matching (receives) and addressing (sends): ranks are communicator ranks.
  uint32_t context = 0;
  int rank = 0;  // send: destination; receive: source or MPI_ANY_SOURCE
  int tag = 0;
  int peer = -1;  // world rank of the peer once known
  Comm* comm = nullptr;

  // Buffers.
  const void* send_buf = nullptr;
  void* recv_buf = nullptr;
  size_t bytes = 0;  // send: message size; receive: capacity
  size_t type_size = 1;
  size_t received = 0;  // chunked rendezvous progress

  // Result (receives fill source/tag/count; any request may fail).
  int status_source = MPI_ANY_SOURCE;
  int status_tag = MPI_ANY_TAG;
  size_t status_bytes = 0;
  Status error;

  Request* next = nullptr;  // intrusive list link (posted-receive queue)
  // Non-contiguous datatype: staging buffer and unpack state (derived_op.h); nullptr on the
  // hot path. Engine::Complete finishes and frees it.
  DerivedOp* derived = nullptr;

  // Cold completion work (buffered sends, the parts of a compound or partitioned request):
  // Engine::Complete calls on_complete(this) before a user_freed request is released.
  void (*on_complete)(Request* request) = nullptr;
  Request* parent = nullptr;  // for on_complete: the request this one is part of
  uint32_t part = 0;          // for on_complete: which part
  std::unique_ptr<RequestExtension> ext;

  uint64_t id() const { return (static_cast<uint64_t>(generation) << 32) | slot; }
};

// Slots are reused; a wire id names (slot, generation) so stale ids are detected.
class RequestPool {
 public:
  RequestPool() = default;
  RequestPool(const RequestPool&) = delete;
  RequestPool& operator=(const RequestPool&) = delete;

  Request* Allocate(RequestKind kind);
  void Release(Request* request);
  // The live request with this wire id, or nullptr if it was released since.
  Request* FromId(uint64_t id) const;
  // MPI handle <-> request.
  static MPI_Request ToHandle(const Request* request) {
    return static_cast<MPI_Request>(kHandleBase | request->slot);
  }
  Request* FromHandle(MPI_Request handle) const;
  size_t live() const { return live_; }
  // Whether some live request satisfies `pred` (cold paths: communicator free).
  template <typename Pred>
  bool AnyLive(Pred pred) const {
    for (const auto& r : slots_) {
      if (r->live && pred(*r)) return true;
    }
    return false;
  }

 private:
  static constexpr uint32_t kHandleBase = 0xac000000u;
  static constexpr uint32_t kMaxSlots = 1u << 24;
  std::vector<std::unique_ptr<Request>> slots_;
  std::vector<uint32_t> free_;
  size_t live_ = 0;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_REQUEST_H_
