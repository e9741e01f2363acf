#include "mpi/io/remote/placed_store.h"

#include <utility>

#include "mpi/core/comm_ops.h"
#include "mpi/core/p2p.h"
#include "mpi/core/runtime.h"

namespace zmpi::io::remote {

PlacedStore::PlacedStore(core::Comm* comm, Placement placement, std::unique_ptr<Store> inner,
                         std::shared_ptr<Delegate> service)
    : comm_(comm),
      placement_(std::move(placement)),
      inner_(std::move(inner)),
      service_(std::move(service)) {}

PlacedStore::~PlacedStore() {
  if (!closed_ && service_ != nullptr) service_->Abandon();
}

Status PlacedStore::Lock(int64_t offset, int64_t len) {
  if (service_ == nullptr || service_->finished()) return inner_->Lock(offset, len);
  core::ProgressLoop loop;
  while (!service_->TryHoldSelf(offset, len)) loop.Turn();
  Status s = inner_->Lock(offset, len);
  if (!s.ok()) service_->ReleaseSelf(offset, len);
  return s;
}

Status PlacedStore::Unlock(int64_t offset, int64_t len) {
  Status s = inner_->Unlock(offset, len);
  if (service_ != nullptr) service_->ReleaseSelf(offset, len);
  return s;
}

Status PlacedStore::Close() {
  if (closed_) return OkStatus();
  closed_ = true;
  Status status;
  if (service_ != nullptr) {
    // The clients close in this same MPI_File_close; a dead client never will.
    core::ProgressLoop loop;
    core::Engine& engine = core::Runtime::Get()->engine();
    while (!service_->finished()) {
      loop.Turn();
      if (!loop.Every(1.0)) continue;
      for (int r = 0; r < comm_->size(); ++r) {
        if (!placement_.sees[r] && !engine.PeerAlive(comm_->WorldRank(r))) {
          status = Error(Code::kProcAborted, "rank %d, served by this delegate, died", r);
        }
      }
      if (!status.ok()) break;
    }
  }
  Status inner = inner_->Close();
  if (status.ok()) status = std::move(inner);
  // A service that did not finish still holds a receive on the communicator: keep it.
  if (service_ == nullptr || service_->finished()) core::FreeComm(comm_);
  return status;
}

}  // namespace zmpi::io::remote
