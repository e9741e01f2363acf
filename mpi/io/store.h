// mpi/io: MPI-IO. A file is a communicator, a view and a Store: the Store is where the file's
// bytes live for this rank. Ranks that reach the file through their own file system use a
// PosixStore (pread/pwrite on a descriptor); ranks on a host that does not see the file (no
// shared file system: the mission's usual case) use a RemoteStore that forwards each call to a
// delegate rank of the same file on a host that does. Views, packing, data representations and
// the access forms sit above this interface and never know which one they hold; collective
// access (two-phase aggregation) chooses its aggregators among ranks whose store is local().
//
// Contract shared by every Store:
//  - Offsets and lengths are bytes of the file. Calls are independent: no communication with
//    other ranks of the file except what a RemoteStore does with its delegate.
//  - ReadAt returns the bytes read, fewer than asked only at end of file. WriteAt writes all or
//    fails. Errors carry MPI-IO error classes (kIo, kNoSpace, kQuota, kReadOnly, kAccess, ...).
//  - FetchAddShared is the shared file pointer (in etype units; the caller converts): one
//    atomic fetch-and-add per file across all ranks that opened it, whichever store they hold.
//  - Lock/Unlock cover a byte range exclusively across all ranks of the file (atomic mode,
//    read-modify-write of data sieving).
#ifndef ZMPI_MPI_IO_STORE_H_
#define ZMPI_MPI_IO_STORE_H_

#include <cstddef>
#include <cstdint>

#include "common/status.h"

namespace zmpi::io {

class Store {
 public:
  virtual ~Store() = default;

  virtual StatusOr<size_t> ReadAt(int64_t offset, void* buf, size_t len) = 0;
  virtual Status WriteAt(int64_t offset, const void* buf, size_t len) = 0;
  virtual StatusOr<int64_t> Size() = 0;
  virtual Status Resize(int64_t size) = 0;       // MPI_File_set_size: truncate or extend
  virtual Status Preallocate(int64_t size) = 0;  // storage for at least `size` bytes
  virtual Status Sync() = 0;
  virtual StatusOr<int64_t> FetchAddShared(int64_t delta) = 0;  // returns the old value
  virtual Status SetShared(int64_t value) = 0;                  // MPI_File_seek_shared
  virtual Status Lock(int64_t offset, int64_t len) = 0;
  virtual Status Unlock(int64_t offset, int64_t len) = 0;
  virtual Status Close() = 0;
  // The bytes are reachable from this process with pread/pwrite (an aggregator can be here).
  virtual bool local() const = 0;
};

}  // namespace zmpi::io

#endif  // ZMPI_MPI_IO_STORE_H_
