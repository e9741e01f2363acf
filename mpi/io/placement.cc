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
#include "mpi/io/remote/host_probe.h"
#include "mpi/io/remote/placed_store.h"

namespace zmpi::io {
namespace {

// What rank 0 tells the others: the sidecar's name.
struct OpenNotice {
  char token[48] = {};
};

std::string SidecarPath(const std::string& path, const char* token) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  return dir + "." + base + ".zmpi-shfp." + token;
}

}  // namespace

// Rank 0 names the sidecar of the shared file pointer; OpenAcrossHosts (remote/host_probe.h)
// decides which ranks see the file: those open a PosixStore (rank 0 with CREATE / EXCL, the
// others without), the others get a RemoteStore to a delegate that does.
StatusOr<std::unique_ptr<Store>> OpenStore(core::Comm& comm, const std::string& path, int amode,
                                           const core::Info* info) {
  (void)info;
  OpenNotice notice;
  if (comm.rank() == 0) {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(notice.token, sizeof notice.token, "%x.%lx%09lx", static_cast<unsigned>(getpid()),
             static_cast<long>(ts.tv_sec), static_cast<long>(ts.tv_nsec));
  }
  ZMPI_RETURN_IF_ERROR(coll::Bcast(comm, &notice, sizeof notice, 0));
  const std::string sidecar = SidecarPath(path, notice.token);
  return remote::OpenAcrossHosts(comm, path, amode, [&sidecar](const std::string& p, int mode) {
    return PosixStore::Open(p, mode, sidecar);
  });
}

Status CloseStore(core::Comm& comm, std::unique_ptr<Store> store, const std::string& path,
                  int amode) {
  Status barrier = core::BarrierAll(comm);
  Status closed = store->Close();
  if (comm.rank() == 0) {
    Store* inner = store.get();
    if (auto* placed = dynamic_cast<remote::PlacedStore*>(inner)) inner = &placed->inner();
    if (auto* posix = dynamic_cast<PosixStore*>(inner)) posix->RemoveShared();
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
