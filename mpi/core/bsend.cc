#include "mpi/core/bsend.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "common/check.h"
#include "mpi/core/derived_op.h"
#include "mpi/core/objects.h"
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

BsendBuffer::~BsendBuffer() {
  if (!automatic_) return;
  for (const Block& b : used_) free(reinterpret_cast<char*>(b.offset));
}

Status BsendBuffer::Attach(void* buffer, size_t size) {
  if (attached_) return Error(Code::kBuffer, "a buffer is attached already");
  automatic_ = buffer == MPI_BUFFER_AUTOMATIC;
  base_ = automatic_ ? nullptr : static_cast<char*>(buffer);
  size_ = automatic_ ? 0 : size;
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
  *buffer = !attached_ ? nullptr : automatic_ ? MPI_BUFFER_AUTOMATIC : base_;
  *size = attached_ ? size_ : 0;
  base_ = nullptr;
  size_ = 0;
  attached_ = false;
  automatic_ = false;
}

size_t BsendBuffer::FindRoom(size_t need) const {
  size_t at = 0;
  for (const Block& b : used_) {
    if (b.offset - at >= need) return at;
    at = b.offset + b.size;
  }
  return size_ - at >= need ? at : SIZE_MAX;
}

StatusOr<char*> BsendBuffer::TakeRoom(const SendArgs& a, size_t need) {
  if (!attached_) {
    return Error(Code::kBuffer, "buffered send of %zu bytes with no buffer attached", a.bytes);
  }
  if (automatic_) {
    char* p = static_cast<char*>(malloc(a.bytes > 0 ? a.bytes : 1));
    if (p == nullptr) {
      return Error(Code::kNoMem, "cannot allocate %zu bytes to buffer a message", a.bytes);
    }
    return p;
  }
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
  return base_ + at;
}

void BsendBuffer::DropBlock(size_t key) {
  auto it =
      std::find_if(used_.begin(), used_.end(), [key](const Block& b) { return b.offset == key; });
  ZMPI_CHECK(it != used_.end());
  used_.erase(it);
  if (automatic_) free(reinterpret_cast<char*>(key));
}

Status BsendBuffer::Send(const SendArgs& a) {
  if (a.dest == MPI_PROC_NULL) return OkStatus();
  size_t need = a.bytes + kOverhead;
  ZMPI_ASSIGN_OR_RETURN(char* data, TakeRoom(a, need));
  if (a.type != nullptr) {
    PackTyped(a.buf, a.count, *a.type, data);
  } else if (a.bytes) {
    memcpy(data, a.buf, a.bytes);
  }
  size_t at = KeyOf(data);
  auto pos = std::lower_bound(used_.begin(), used_.end(), at,
                              [](const Block& b, size_t off) { return b.offset < off; });
  used_.insert(pos, Block{at, need, next_seq_++, nullptr});
  SendArgs copy = a;
  copy.buf = data;
  copy.type = nullptr;  // packed above
  copy.mode = SendMode::kStandard;
  StatusOr<Request*> r = core::Isend(copy);  // the engine's, not ours
  if (!r.ok()) {
    DropBlock(at);
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
  self.DropBlock(self.KeyOf(static_cast<const char*>(r->send_buf)));
  if (!self.flushers_.empty()) self.CompleteFlushers();
}

StatusOr<BsendBuffer*> BsendBuffer::NewOwned(void* buffer, size_t size) {
  auto b = std::make_unique<BsendBuffer>();
  ZMPI_RETURN_IF_ERROR(b->Attach(buffer, size));
  owned_.push_back(std::move(b));
  return owned_.back().get();
}

void BsendBuffer::ReleaseOwned(BsendBuffer* b, void** buffer, size_t* size) {
  if (b == nullptr) {
    *buffer = nullptr;
    *size = 0;
    return;
  }
  b->Detach(buffer, size);
  auto it = std::find_if(owned_.begin(), owned_.end(),
                         [b](const std::unique_ptr<BsendBuffer>& p) { return p.get() == b; });
  if (it != owned_.end()) owned_.erase(it);
}

Status BsendBuffer::AttachToComm(Comm& comm, void* buffer, size_t size) {
  if (comm.bsend_buffer() != nullptr) {
    return Error(Code::kBuffer, "a buffer is attached to this communicator already");
  }
  ZMPI_ASSIGN_OR_RETURN(BsendBuffer * b, NewOwned(buffer, size));
  comm.set_bsend_buffer(b);
  return OkStatus();
}

void BsendBuffer::DetachFromComm(Comm& comm, void** buffer, size_t* size) {
  BsendBuffer* b = comm.bsend_buffer();
  comm.set_bsend_buffer(nullptr);
  ReleaseOwned(b, buffer, size);
}

Status BsendBuffer::AttachToSession(Session& session, void* buffer, size_t size) {
  if (session.bsend_buffer() != nullptr) {
    return Error(Code::kBuffer, "a buffer is attached to this session already");
  }
  ZMPI_ASSIGN_OR_RETURN(BsendBuffer * b, NewOwned(buffer, size));
  session.set_bsend_buffer(b);
  return OkStatus();
}

void BsendBuffer::DetachFromSession(Session& session, void** buffer, size_t* size) {
  BsendBuffer* b = session.bsend_buffer();
  session.set_bsend_buffer(nullptr);
  ReleaseOwned(b, buffer, size);
}

BsendBuffer& BsendBuffer::ForSession(MPI_Session handle) {
  const Session* s = Objects::Get().sessions().Find(handle);
  return s != nullptr && s->bsend_buffer() != nullptr ? *s->bsend_buffer() : *this;
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
