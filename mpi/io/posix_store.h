// A Store over this process's own file system: pread/pwrite on a descriptor. The shared file
// pointer lives in a sidecar file (8 bytes, created on first use, its fetch-and-add under an
// fcntl lock) so it works between processes on one host and over a shared file system; Lock/
// Unlock are fcntl byte-range locks on the file itself. fcntl locks belong to the process, so
// two opens of one file in one process do not exclude each other.
#ifndef ZMPI_MPI_IO_POSIX_STORE_H_
#define ZMPI_MPI_IO_POSIX_STORE_H_

#include <memory>
#include <string>

#include "common/status.h"
#include "mpi/io/store.h"

namespace zmpi::io {

class PosixStore final : public Store {
 public:
  // Opens `path` with MPI_MODE_* `amode` (CREATE and EXCL honoured as given: the caller passes
  // them to one opener only). `shared_path` names the sidecar of the shared file pointer.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& path, int amode,
                                               std::string shared_path);
  ~PosixStore() override;

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
  Status Close() override;
  bool local() const override { return true; }
  // Removes the sidecar of the shared file pointer (once, after every rank closed).
  void RemoveShared();

 private:
  PosixStore(int fd, bool writable, std::string shared_path)
      : fd_(fd), writable_(writable), shared_path_(std::move(shared_path)) {}
  Status OpenShared();
  Status LockShared(short type);

  int fd_ = -1;
  bool writable_ = false;
  std::string shared_path_;
  int shared_fd_ = -1;
};

// The MPI error class of an errno from open/pread/pwrite/ftruncate ... on `path`.
Status ErrnoStatus(int err, const char* call, const std::string& path);

}  // namespace zmpi::io

#endif  // ZMPI_MPI_IO_POSIX_STORE_H_
