// Shared pieces of the MPI_File_* entry points: finding the File behind a handle and reporting
// through the right error handler (the file's own, or MPI_FILE_NULL's for a bad handle and for
// MPI_File_open / MPI_File_delete, which have no file yet).
#ifndef ZMPI_MPI_ABI_FILE_ARGS_H_
#define ZMPI_MPI_ABI_FILE_ARGS_H_

#include "common/status.h"
#include "mpi/abi/entry.h"
#include "mpi/core/objects.h"
#include "mpi/include/mpi.h"
#include "mpi/io/file.h"
#include "mpi/io/io_state.h"

namespace zmpi::abi {

inline Status CheckFile(MPI_File handle, io::File** file) {
  *file = handle == MPI_FILE_NULL ? nullptr : io::IoState::Get().FindFile(handle);
  if (*file != nullptr) return OkStatus();
  return Error(Code::kFile, "invalid file handle %p", static_cast<void*>(handle));
}

// Runs the handler of `file` (MPI_FILE_NULL's when nullptr); MPI_SUCCESS when ok.
inline int ReportOnFile(io::File* file, const char* function, const Status& status) {
  if (status.ok()) return MPI_SUCCESS;
  if (file == nullptr) {
    return ReportFile(MPI_FILE_NULL, core::Objects::Get().default_file_errhandler(), function,
                      status);
  }
  return ReportFile(file->handle(), file->errhandler(), function, status);
}

}  // namespace zmpi::abi

// Returns through the file's error handler when `expr` is an error.
#define ZMPI_CHECK_FILE_ARG(file, function, expr)                             \
  do {                                                                        \
    ::zmpi::Status zmpi_arg_status_ = (expr);                                 \
    if (!zmpi_arg_status_.ok())                                               \
      return ::zmpi::abi::ReportOnFile((file), (function), zmpi_arg_status_); \
  } while (0)

#endif  // ZMPI_MPI_ABI_FILE_ARGS_H_
