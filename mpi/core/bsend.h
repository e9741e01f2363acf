// The buffer of buffered-mode sends (MPI_Buffer_attach, MPI_Bsend & co.): a message is copied
// into the user's attached buffer and leaves from there, so the send completes at once. Each
// message takes its size plus MPI_BSEND_OVERHEAD bytes of the buffer until it has left.
// One per process, owned by the Runtime. Not thread-safe (as the engine).
#ifndef ZMPI_MPI_CORE_BSEND_H_
#define ZMPI_MPI_CORE_BSEND_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/p2p.h"

namespace zmpi::core {

class BsendBuffer {
 public:
  // Bytes of the buffer a message takes beyond its data (MPI_BSEND_OVERHEAD).
  static constexpr size_t kOverhead = MPI_BSEND_OVERHEAD;

  BsendBuffer() = default;
  BsendBuffer(const BsendBuffer&) = delete;
  BsendBuffer& operator=(const BsendBuffer&) = delete;

  // kBuffer when a buffer is attached already.
  Status Attach(void* buffer, size_t size);
  // Waits until every buffered message has left, then detaches and returns the buffer
  // (nullptr and 0 when none was attached).
  void Detach(void** buffer, size_t* size);
  // Waits until every buffered message has left; the buffer stays attached (MPI_Buffer_flush).
  void Flush();
  // MPI_Buffer_iflush: a request that completes once every message buffered before this call
  // has left (at once if none is pending).
  Request* Iflush();
  // Copies the message into the buffer and starts its send (MPI_PROC_NULL: nothing);
  // kBuffer when no buffer is attached or the free room is too small.
  Status Send(const SendArgs& args);
  // MPI_Ibsend: Send, and a request that is complete already (the copy is the send).
  StatusOr<Request*> Isend(const SendArgs& args);
  size_t pending() const { return used_.size(); }
  // Fails the sends of pending messages whose destination died (their room comes back), so
  // a flush or detach ends.
  void FailDeadSends();

  // The buffer that buffered sends on `comm` use: its own or, if none, the process's (this).
  BsendBuffer& For(const Comm& comm) {
    return comm.bsend_buffer() != nullptr ? *comm.bsend_buffer() : *this;
  }
  // MPI_Comm_attach_buffer: a new buffer for `comm` (kBuffer if it has one). The buffers of
  // communicators are owned here, so messages still leaving from one after its communicator
  // was freed find it; each lives until its detach or MPI_Finalize.
  Status AttachToComm(Comm& comm, void* buffer, size_t size);
  // MPI_Comm_detach_buffer: as Detach, for the buffer of `comm`.
  void DetachFromComm(Comm& comm, void** buffer, size_t* size);

 private:
  struct Block {
    size_t offset;
    size_t size;   // data + kOverhead
    uint64_t seq;  // order of the Send that took it
    Request* request;  // the engine's send of it
  };
  struct Flusher {
    Request* request;
    uint64_t seq;  // done when no block with a smaller seq is left
  };
  static void OnSent(Request* request);
  // Completes the Iflush requests whose messages have all left.
  void CompleteFlushers();
  // Offset of a free stretch of `need` bytes (first fit), or SIZE_MAX.
  size_t FindRoom(size_t need) const;

  char* base_ = nullptr;
  size_t size_ = 0;
  bool attached_ = false;
  std::vector<Block> used_;  // sorted by offset
  std::vector<Flusher> flushers_;
  std::vector<std::unique_ptr<BsendBuffer>> comm_buffers_;  // the process's buffer only
  uint64_t next_seq_ = 0;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_BSEND_H_
