#include "mpi/core/request.h"

#include "common/check.h"

namespace zmpi::core {

Request* RequestPool::Allocate(RequestKind kind) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    ZMPI_CHECK_LT(slots_.size(), kMaxSlots);
    slot = static_cast<uint32_t>(slots_.size());
    slots_.push_back(std::make_unique<Request>());
  }
  Request* r = slots_[slot].get();
  uint32_t generation = r->generation + 1;
  *r = Request();
  r->slot = slot;
  r->generation = generation;
  r->kind = kind;
  r->live = true;
  ++live_;
  return r;
}

void RequestPool::Release(Request* request) {
  ZMPI_DCHECK(slots_[request->slot].get() == request);
  request->generation++;  // stale wire ids stop matching at once
  request->complete = true;
  request->live = false;
  request->ext.reset();
  free_.push_back(request->slot);
  --live_;
}

Request* RequestPool::FromId(uint64_t id) const {
  uint32_t slot = static_cast<uint32_t>(id);
  uint32_t generation = static_cast<uint32_t>(id >> 32);
  if (slot >= slots_.size()) return nullptr;
  Request* r = slots_[slot].get();
  return r->generation == generation ? r : nullptr;
}

Request* RequestPool::FromHandle(MPI_Request handle) const {
  uint32_t h = static_cast<uint32_t>(handle);
  if ((h & 0xff000000u) != kHandleBase) return nullptr;
  uint32_t slot = h & 0x00ffffffu;
  if (slot >= slots_.size()) return nullptr;
  Request* r = slots_[slot].get();
  return r->live ? r : nullptr;
}

}  // namespace zmpi::core
