// Opening one file from ranks on hosts that share no file system (docs/io.md, "Files across
// hosts without a shared file system").
//
// Rank 0 of the file's communicator opens (creates) the file through its own path resolution
// and puts a probe next to it: a small file with a random token. Every other rank resolves the
// same path itself (relative paths in its own working directory) and reads the probe: ranks
// that find the token see the same file and open it locally (without MPI_MODE_CREATE and
// MPI_MODE_EXCL: it exists); the others never create anything and get a RemoteStore whose
// delegate is rank 0, for data, locks and the shared file pointer alike. Where
// the probe cannot be written (a read-only directory) the ranks compare the file's inode,
// size and modification time instead; a rank that merely finds another file of that name (a
// staged copy) then reads the original through its delegate, never its copy.
// If rank 0 cannot open the file, or a rank sees the file but cannot open it, every rank
// fails with one error naming the rank and host.
#ifndef ZMPI_MPI_IO_REMOTE_HOST_PROBE_H_
#define ZMPI_MPI_IO_REMOTE_HOST_PROBE_H_

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/io/store.h"

namespace zmpi::io::remote {

// Opens `path` on this host with `amode` (MPI_MODE_* bits) as a local store.
using LocalOpener =
    std::function<StatusOr<std::unique_ptr<Store>>(const std::string& path, int amode)>;

// Collective over `comm` (an intracommunicator). Returns this rank's store: a PlacedStore
// (placed_store.h) over a local store or a RemoteStore.
StatusOr<std::unique_ptr<Store>> OpenAcrossHosts(core::Comm& comm, const std::string& path,
                                                 int amode, const LocalOpener& open_local);

}  // namespace zmpi::io::remote

#endif  // ZMPI_MPI_IO_REMOTE_HOST_PROBE_H_
