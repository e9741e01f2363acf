#include "mpi/io/placement.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "mpi/coll/coll.h"
#include "mpi/core/comm_ops.h"
#include "mpi/include/mpi.h"
#include "mpi/io/posix_store.h"

namespace zmpi::io {
namespace {

// What the first opener tells the others: its outcome and the sidecar's name.
struct OpenNotice {
  int code = 0;
  char token[48] = {};
};

std::string SidecarPath(const std::string& path, const char* token) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  return dir + "." + base + ".zmpi-shfp." + token;
}

}  // namespace

// Rank 0 opens first (CREATE and EXCL act once), then the others without them; the outcome
// of every rank is agreed so all ranks return the same error class.
StatusOr<std::unique_ptr<Store>> OpenStore(core::Comm& comm, const std::string& path, int amode,
                                           const core::Info* info) {
  (void)info;
  OpenNotice notice;
  StatusOr<std::unique_ptr<Store>> store = Error(Code::kIo, "not opened");
  if (comm.rank() == 0) {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(notice.token, sizeof notice.token, "%x.%lx%09lx", static_cast<unsigned>(getpid()),
             static_cast<long>(ts.tv_sec), static_cast<long>(ts.tv_nsec));
    store = PosixStore::Open(path, amode, SidecarPath(path, notice.token));
    notice.code = store.ok() ? 0 : static_cast<int>(store.status().code());
  }
  ZMPI_RETURN_IF_ERROR(coll::Bcast(comm, &notice, sizeof notice, 0));
  if (notice.code != 0) {
    if (comm.rank() == 0) return store.status();
    return Error(static_cast<Code>(notice.code), "opening %s failed on rank 0 of the file",
                 path.c_str());
  }
  if (comm.rank() != 0) {
    store = PosixStore::Open(path, amode & ~(MPI_MODE_CREATE | MPI_MODE_EXCL),
                             SidecarPath(path, notice.token));
  }
  std::vector<int> codes;
  ZMPI_RETURN_IF_ERROR(
      core::AllgatherInt(comm, store.ok() ? 0 : static_cast<int>(store.status().code()), &codes));
  for (size_t r = 0; r < codes.size(); ++r) {
    if (codes[r] == 0) continue;
    if (store.ok()) (*store)->Close().IgnoreError();
    if (static_cast<int>(r) == comm.rank()) return store.status();
    return Error(static_cast<Code>(codes[r]), "opening %s failed on rank %zu of the file",
                 path.c_str(), r);
  }
  return store;
}

Status CloseStore(core::Comm& comm, std::unique_ptr<Store> store, const std::string& path,
                  int amode) {
  Status barrier = core::BarrierAll(comm);
  Status closed = store->Close();
  if (comm.rank() == 0) {
    if (auto* posix = dynamic_cast<PosixStore*>(store.get())) posix->RemoveShared();
  }
  // The file goes once every rank has closed it.
  Status second = core::BarrierAll(comm);
  if (comm.rank() == 0 && (amode & MPI_MODE_DELETE_ON_CLOSE) != 0) {
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      if (closed.ok()) closed = ErrnoStatus(errno, "unlink", path);
    }
  }
  if (!barrier.ok()) return barrier;
  if (!second.ok()) return second;
  return closed;
}

Status RemoveFile(const std::string& path, const core::Info* info) {
  (void)info;
  if (unlink(path.c_str()) != 0) return ErrnoStatus(errno, "unlink", path);
  return OkStatus();
}

}  // namespace zmpi::io
