// PlacedStore: the Store a file's rank holds after OpenAcrossHosts (host_probe.h): this rank's
// access (a local store, or a RemoteStore to a delegate) plus what collective access needs to
// know about every rank of the file: which host it is on, whether it sees the file (may
// aggregate), and the file's private communicator, on which two-phase calls and the delegate
// service talk. Data calls forward to the inner store.
#ifndef ZMPI_MPI_IO_REMOTE_PLACED_STORE_H_
#define ZMPI_MPI_IO_REMOTE_PLACED_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/io/remote/delegate.h"
#include "mpi/io/store.h"

namespace zmpi::io::remote {

struct Placement {
  std::vector<int> host;               // per rank: an id equal for ranks of one host
  std::vector<std::string> host_name;  // per rank: its host's name
  std::vector<bool> sees;              // per rank: the file is local there
};

class PlacedStore final : public Store {
 public:
  // Owns `comm` (freed at Close) and `inner`; `service` is this rank's delegate service, or
  // nullptr when it serves nobody.
  PlacedStore(core::Comm* comm, Placement placement, std::unique_ptr<Store> inner,
              std::shared_ptr<Delegate> service);
  // A store never closed stops its delegate service (which would serve a store that is gone)
  // and keeps its communicator.
  ~PlacedStore() override;

  StatusOr<size_t> ReadAt(int64_t offset, void* buf, size_t len) override {
    return inner_->ReadAt(offset, buf, len);
  }
  Status WriteAt(int64_t offset, const void* buf, size_t len) override {
    return inner_->WriteAt(offset, buf, len);
  }
  StatusOr<int64_t> Size() override { return inner_->Size(); }
  Status Resize(int64_t size) override { return inner_->Resize(size); }
  Status Preallocate(int64_t size) override { return inner_->Preallocate(size); }
  Status Sync() override { return inner_->Sync(); }
  StatusOr<int64_t> FetchAddShared(int64_t delta) override { return inner_->FetchAddShared(delta); }
  Status SetShared(int64_t value) override { return inner_->SetShared(value); }
  // On a delegate, the range also enters the service's lock table (delegate.h), waiting (with
  // progress) while a remote client holds an overlapping one.
  Status Lock(int64_t offset, int64_t len) override;
  Status Unlock(int64_t offset, int64_t len) override;
  // Closes the inner store; a delegate first serves its clients until each has closed (they
  // do so in the same MPI_File_close). Then frees the private communicator.
  Status Close() override;
  bool local() const override { return inner_->local(); }

  core::Comm& comm() { return *comm_; }
  const Placement& placement() const { return placement_; }
  Store& inner() { return *inner_; }
  // Tags for the next collective call (tag..tag+3); every rank calls it in the same order.
  int NextCallTag() {
    int tag = (seq_ % (1 << 25)) * 4;
    ++seq_;
    return tag;
  }
  const Delegate* service() const { return service_.get(); }

 private:
  core::Comm* comm_;
  Placement placement_;
  std::unique_ptr<Store> inner_;
  std::shared_ptr<Delegate> service_;
  int seq_ = 0;
  bool closed_ = false;
};

}  // namespace zmpi::io::remote

#endif  // ZMPI_MPI_IO_REMOTE_PLACED_STORE_H_
