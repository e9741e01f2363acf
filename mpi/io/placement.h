// Where a file's bytes are reached from each rank: the seam between the access layer (File,
// views, the MPI_File_* forms) and the decision, per host, between a local PosixStore and a
// delegate-backed store. Everything above calls only these three functions to open, close and
// delete; which Store each rank ends up holding is decided here.
//
// This version assumes every rank sees the file through its own file system (one host, or a
// shared file system): each rank opens a PosixStore. The placement for hosts without a shared
// file system replaces placement.cc and keeps these signatures.
#ifndef ZMPI_MPI_IO_PLACEMENT_H_
#define ZMPI_MPI_IO_PLACEMENT_H_

#include <memory>
#include <string>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/info.h"
#include "mpi/io/store.h"

namespace zmpi::io {

// MPI_File_open's file part, collective over `comm` (the file's own communicator, already a
// dup of the user's): every rank gets a Store of `path` opened with `amode` (MPI_MODE_* bits,
// already checked for consistency), or every rank gets the same error (kNoSuchFile,
// kFileExists, kAccess, kReadOnly, kNoSpace, kIo ...). MPI_MODE_CREATE / EXCL take effect once
// (the first opener), so EXCL fails on every rank when the file existed before the call.
// `info` holds the user's hints (may be nullptr).
StatusOr<std::unique_ptr<Store>> OpenStore(core::Comm& comm, const std::string& path, int amode,
                                           const core::Info* info);

// MPI_File_close's file part, collective over `comm`: every rank's writes are done before
// any rank's store closes; with MPI_MODE_DELETE_ON_CLOSE the file is removed once, after all
// closed. The store is consumed.
Status CloseStore(core::Comm& comm, std::unique_ptr<Store> store, const std::string& path,
                  int amode);

// MPI_File_delete (not collective): kNoSuchFile when there is no such file, kFileInUse is not
// detected (POSIX lets open files be unlinked), kAccess / kIo otherwise.
Status RemoveFile(const std::string& path, const core::Info* info);

}  // namespace zmpi::io

#endif  // ZMPI_MPI_IO_PLACEMENT_H_
