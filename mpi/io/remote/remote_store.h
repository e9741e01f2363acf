// RemoteStore: the Store of a rank on a host that does not see the file. Every call becomes a
// request to a delegate rank on a host that does (remote_format.h) and waits for its reply,
// driving progress meanwhile (so this rank keeps serving its own peers). Data go to the data
// delegate; Lock/Unlock and the shared file pointer go to the home delegate, the one rank
// that serves them for every remote rank of the file, so they exclude each other. (Today both
// are rank 0, host_probe.h says why; the protocol allows them to differ.)
//
// Blocking; must not be called from inside a progress pass (a pending operation): collective
// access never does (ranks with a remote store always aggregate, two_phase.h). Not
// thread-safe, like the library.
#ifndef ZMPI_MPI_IO_REMOTE_REMOTE_STORE_H_
#define ZMPI_MPI_IO_REMOTE_REMOTE_STORE_H_

#include <cstdint>
#include <string>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/io/remote/remote_format.h"
#include "mpi/io/store.h"

namespace zmpi::io::remote {

class RemoteStore final : public Store {
 public:
  // `comm`: the file's private communicator (outlives this); ranks in it.
  RemoteStore(core::Comm& comm, int data_delegate, int home);

  StatusOr<size_t> ReadAt(int64_t offset, void* buf, size_t len) override;
  Status WriteAt(int64_t offset, const void* buf, size_t len) override;
  StatusOr<int64_t> Size() override;
  Status Resize(int64_t size) override;
  Status Preallocate(int64_t size) override;
  Status Sync() override;
  StatusOr<int64_t> FetchAddShared(int64_t delta) override;
  Status SetShared(int64_t value) override;
  Status Lock(int64_t offset, int64_t len) override;
  Status Unlock(int64_t offset, int64_t len) override;
  // Tells both delegates this rank is done with the file (they stop serving it once every
  // client closed). Collective in effect: called by every rank in MPI_File_close.
  Status Close() override;
  bool local() const override { return false; }

  int data_delegate() const { return data_; }
  int home() const { return home_; }

 private:
  // Sends one request to `server` and waits for its reply. Read data (at most `cap` bytes)
  // land in `out`; returns the reply's value.
  StatusOr<int64_t> Call(int server, Op op, int64_t offset, int64_t len,
                         const void* payload = nullptr, void* out = nullptr, size_t cap = 0);

  core::Comm& comm_;
  int data_;
  int home_;
  bool closed_ = false;
};

}  // namespace zmpi::io::remote

#endif  // ZMPI_MPI_IO_REMOTE_REMOTE_STORE_H_
