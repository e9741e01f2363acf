// The buffer of buffered-mode sends (MPI_Buffer_attach, MPI_Bsend & co.): a message is copied
// into the user's attached buffer and leaves from there, so the send completes at once. Each
// message takes its size plus MPI_BSEND_OVERHEAD bytes of the buffer until it has left.
// Attached with MPI_BUFFER_AUTOMATIC, a buffer has no size: each message gets memory of its own
// while it leaves. The process's buffer is owned by the Runtime; it owns those of communicators
// and sessions. Not thread-safe (as the engine).
#ifndef ZMPI_MPI_CORE_BSEND_H_
#define ZMPI_MPI_CORE_BSEND_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/p2p.h"
#include "mpi/core/session.h"

namespace zmpi::core {

class BsendBuffer {
 public:
  // Bytes of the buffer a message takes beyond its data (MPI_BSEND_OVERHEAD).
  static constexpr size_t kOverhead = MPI_BSEND_OVERHEAD;

  BsendBuffer() = default;
  // Frees the memory of automatic blocks still held (the runtime ends without their sends).
  ~BsendBuffer();
  BsendBuffer(const BsendBuffer&) = delete;
  BsendBuffer& operator=(const BsendBuffer&) = delete;

  // kBuffer when a buffer is attached already. buffer MPI_BUFFER_AUTOMATIC: automatic
  // buffering (size ignored).
  Status Attach(void* buffer, size_t size);
  // Waits until every buffered message has left, then detaches and returns the buffer
  // (MPI_BUFFER_AUTOMATIC and 0 for automatic buffering; nullptr and 0 when none was attached,
  // as MPICH).
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

  // The buffer that buffered sends on `comm` use (MPI-4.1 §3.6): its own, else the one of the
  // session it derives from, else the process's (this).
  BsendBuffer& For(const Comm& comm) {
    if (comm.bsend_buffer() != nullptr) return *comm.bsend_buffer();
    if (comm.session() != MPI_SESSION_NULL) return ForSession(comm.session());
    return *this;
  }
  // The session's buffer if one is attached, else this.
  BsendBuffer& ForSession(MPI_Session session);
  // MPI_Comm_attach_buffer: a new buffer for `comm` (kBuffer if it has one). The buffers of
  // communicators are owned here, so messages still leaving from one after its communicator
  // was freed find it; each lives until its detach or MPI_Finalize.
  Status AttachToComm(Comm& comm, void* buffer, size_t size);
  // MPI_Comm_detach_buffer: as Detach, for the buffer of `comm`.
  void DetachFromComm(Comm& comm, void** buffer, size_t* size);
  // The same for sessions (MPI_Session_attach_buffer, MPI_Session_detach_buffer; also
  // MPI_Session_finalize, which detaches what the program left attached).
  Status AttachToSession(Session& session, void* buffer, size_t size);
  void DetachFromSession(Session& session, void** buffer, size_t* size);

 private:
  struct Block {
    size_t offset;     // in the attached buffer; automatic: the address of the block's memory
    size_t size;       // data + kOverhead
    uint64_t seq;      // order of the Send that took it
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
  // The key of the block whose data starts at `data` (Block::offset).
  size_t KeyOf(const char* data) const {
    return automatic_ ? reinterpret_cast<uintptr_t>(data) : static_cast<size_t>(data - base_);
  }
  // Where a message of `need` bytes goes: a stretch of the attached buffer, or memory of its
  // own when automatic; kBuffer or kNoMem when there is none.
  StatusOr<char*> TakeRoom(const SendArgs& args, size_t need);
  // Forgets the block at `key` (freeing its memory when automatic).
  void DropBlock(size_t key);
  // A new buffer owned by this one (of a communicator or a session), or kBuffer.
  StatusOr<BsendBuffer*> NewOwned(void* buffer, size_t size);
  // Detaches `owned` (see Detach) and destroys it.
  void ReleaseOwned(BsendBuffer* owned, void** buffer, size_t* size);

  char* base_ = nullptr;
  size_t size_ = 0;
  bool attached_ = false;
  bool automatic_ = false;   // MPI_BUFFER_AUTOMATIC: every block is memory of its own
  std::vector<Block> used_;  // sorted by offset
  std::vector<Flusher> flushers_;
  // Buffers of communicators and sessions (the process's buffer only).
  std::vector<std::unique_ptr<BsendBuffer>> owned_;
  uint64_t next_seq_ = 0;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_BSEND_H_
