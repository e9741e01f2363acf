#include "mpi/core/coll_request.h"

#include <utility>

#include "mpi/core/pending_op.h"
#include "mpi/core/runtime.h"

namespace zmpi::core {
namespace {

CollectiveExt& Ext(Request* r) { return static_cast<CollectiveExt&>(*r->ext); }

// Advances one started collective during progress. The request outlives this object: it is
// released (when the user freed it) only by the Complete that ends the operation, after
// which nothing here touches it.
class CollectiveOp final : public PendingOp {
 public:
  explicit CollectiveOp(Request* request) : request_(request) {}
  bool Advance() override {
    Status error;
    if (!Ext(request_).Advance(&error)) return false;
    request_->error = std::move(error);
    Runtime::Get()->engine().Complete(request_);
    return true;
  }

 private:
  Request* request_;
};

}  // namespace

Request* NewCollective(Comm& comm, std::unique_ptr<CollectiveExt> ext, bool persistent) {
  Request* r = Runtime::Get()->requests().Allocate(RequestKind::kCollective);
  r->special = true;
  r->comm = &comm;
  r->ext = std::move(ext);
  r->persistent = persistent;
  r->complete = persistent;  // inactive: a wait returns at once
  r->active = !persistent;
  return r;
}

void StartCollective(Request* r) {
  Status error;
  Engine& engine = Runtime::Get()->engine();
  if (r->persistent) Ext(r).Rewind();
  if (Ext(r).Advance(&error)) {
    r->error = std::move(error);
    engine.Complete(r);
    return;
  }
  engine.AddPendingOp(std::make_unique<CollectiveOp>(r));
}

void CollectiveStatus(MPI_Status* status, size_t bytes) {
  if (status == MPI_STATUS_IGNORE || status == nullptr) return;
  const uint64_t count = bytes;
  status->MPI_SOURCE = MPI_ANY_SOURCE;
  status->MPI_TAG = MPI_ANY_TAG;
  status->count_lo = static_cast<int>(count & 0xffffffffu);
  status->count_hi_and_cancelled = static_cast<int>((count >> 32) << 1);
}

Status FinishCollective(Request* r, MPI_Status* status) {
  CollectiveStatus(status, r->status_bytes);
  Status error = std::exchange(r->error, Status());
  if (r->persistent) {
    r->active = false;
    return error;
  }
  Runtime::Get()->requests().Release(r);
  return error;
}

}  // namespace zmpi::core
