#include "mpi/core/bsend.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "common/check.h"
#include "mpi/core/derived_op.h"
#include "mpi/core/request.h"
#include "mpi/core/request_ext.h"
#include "mpi/core/runtime.h"

namespace zmpi::core {
namespace {

// Which buffer an internal send's data is in (OnSent gives its room back there).
struct BsendOwner final : RequestExtension {
  explicit BsendOwner(BsendBuffer* b) : buffer(b) {}
  BsendBuffer* buffer;
};

// An MPI_Buffer_iflush request: waits on it fail the sends to dead peers.
struct FlushExt final : RequestExtension {
  explicit FlushExt(BsendBuffer* b) : buffer(b) {}
  BsendBuffer* buffer;
  void FailDeadPeers() override { buffer->FailDeadSends(); }
};

}  // namespace

Status BsendBuffer::Attach(void* buffer, size_t size) {
  if (attached_) return Error(Code::kBuffer, "a buffer is attached already");
  base_ = static_cast<char*>(buffer);
  size_ = size;
  attached_ = true;
  return OkStatus();
}

void BsendBuffer::Flush() {
  ProgressLoop loop;
  // Liveness checks by turns too: a send retrying towards a dead peer keeps progress busy,
  // so the loop may never idle long enough for Every.
  for (unsigned turns = 1; !used_.empty(); ++turns) {
    loop.Turn();
    if (loop.Every(1.0) || (turns & 4095) == 0) FailDeadSends();
  }
}

void BsendBuffer::FailDeadSends() {
  std::vector<Request*> sends;
  for (const Block& b : used_) sends.push_back(b.request);
  FailDeadPeers(sends.data(), static_cast<int>(sends.size()));  // completing erases blocks
}

void BsendBuffer::Detach(void** buffer, size_t* size) {
  Flush();
  *buffer = attached_ ? base_ : nullptr;
  *size = attached_ ? size_ : 0;
  base_ = nullptr;
  size_ = 0;
  attached_ = false;
}

size_t BsendBuffer::FindRoom(size_t need) const {
  size_t at = 0;
  for (const Block& b : used_) {
    if (b.offset - at >= need) return at;
    at = b.offset + b.size;
  }
  return size_ - at >= need ? at : SIZE_MAX;
}

Status BsendBuffer::Send(const SendArgs& a) {
  if (a.dest == MPI_PROC_NULL) return OkStatus();
  if (!attached_) {
    return Error(Code::kBuffer, "buffered send of %zu bytes with no buffer attached", a.bytes);
  }
  size_t need = a.bytes + kOverhead;
  size_t at = FindRoom(need);
  if (at == SIZE_MAX) {
    // Messages that already left free their room only when progress notices it.
    Runtime::Get()->engine().Progress();
    at = FindRoom(need);
  }
  if (at == SIZE_MAX) {
    return Error(Code::kBuffer,
                 "buffered send of %zu bytes (+%zu overhead) does not fit in the attached "
                 "buffer (%zu bytes, %zu messages pending)",
                 a.bytes, kOverhead, size_, used_.size());
  }
  if (a.type != nullptr) {
    PackTyped(a.buf, a.count, *a.type, base_ + at);
  } else if (a.bytes) {
    memcpy(base_ + at, a.buf, a.bytes);
  }
  auto pos = std::lower_bound(used_.begin(), used_.end(), at,
                              [](const Block& b, size_t off) { return b.offset < off; });
  used_.insert(pos, Block{at, need, next_seq_++, nullptr});
  SendArgs copy = a;
  copy.buf = base_ + at;
  copy.type = nullptr;  // packed above
  copy.mode = SendMode::kStandard;
  StatusOr<Request*> r = core::Isend(copy);  // the engine's, not ours
  if (!r.ok()) {
    used_.erase(
        std::find_if(used_.begin(), used_.end(), [at](const Block& b) { return b.offset == at; }));
    return r.status();
  }
  (*r)->ext = std::make_unique<BsendOwner>(this);
  // Found again: progress inside Isend may have freed other blocks.
  std::find_if(used_.begin(), used_.end(), [at](const Block& b) {
    return b.offset == at;
  })->request = *r;
  Adopt(*r, nullptr, 0, OnSent);
  return OkStatus();
}

StatusOr<Request*> BsendBuffer::Isend(const SendArgs& a) {
  ZMPI_RETURN_IF_ERROR(Send(a));
  Request* r = Runtime::Get()->requests().Allocate(RequestKind::kSend);
  r->comm = a.comm;
  r->complete = true;
  return r;
}

void BsendBuffer::OnSent(Request* r) {
  BsendBuffer& self = *static_cast<BsendOwner&>(*r->ext).buffer;
  size_t at = static_cast<size_t>(static_cast<const char*>(r->send_buf) - self.base_);
  auto it = std::find_if(self.used_.begin(), self.used_.end(),
                         [at](const Block& b) { return b.offset == at; });
  ZMPI_CHECK(it != self.used_.end());
  self.used_.erase(it);
  if (!self.flushers_.empty()) self.CompleteFlushers();
}

Status BsendBuffer::AttachToComm(Comm& comm, void* buffer, size_t size) {
  if (comm.bsend_buffer() != nullptr) {
    return Error(Code::kBuffer, "a buffer is attached to this communicator already");
  }
  auto b = std::make_unique<BsendBuffer>();
  ZMPI_RETURN_IF_ERROR(b->Attach(buffer, size));
  comm.set_bsend_buffer(b.get());
  comm_buffers_.push_back(std::move(b));
  return OkStatus();
}

void BsendBuffer::DetachFromComm(Comm& comm, void** buffer, size_t* size) {
  BsendBuffer* b = comm.bsend_buffer();
  if (b == nullptr) {
    *buffer = nullptr;
    *size = 0;
    return;
  }
  b->Detach(buffer, size);
  comm.set_bsend_buffer(nullptr);
  auto it = std::find_if(comm_buffers_.begin(), comm_buffers_.end(),
                         [b](const std::unique_ptr<BsendBuffer>& p) { return p.get() == b; });
  if (it != comm_buffers_.end()) comm_buffers_.erase(it);
}

Request* BsendBuffer::Iflush() {
  Request* r = Runtime::Get()->requests().Allocate(RequestKind::kSend);
  r->ext = std::make_unique<FlushExt>(this);
  flushers_.push_back(Flusher{r, next_seq_});
  CompleteFlushers();
  return r;
}

void BsendBuffer::CompleteFlushers() {
  uint64_t oldest = UINT64_MAX;
  for (const Block& b : used_) oldest = std::min(oldest, b.seq);
  for (size_t i = 0; i < flushers_.size();) {
    if (flushers_[i].seq <= oldest) {
      Runtime::Get()->engine().Complete(flushers_[i].request);
      flushers_[i] = flushers_.back();
      flushers_.pop_back();
    } else {
      ++i;
    }
  }
}

}  // namespace zmpi::core
