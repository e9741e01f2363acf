// The objects MPI lets a program create without an initialized world: before MPI_Init, after
// MPI_Finalize, or in the sessions model (MPI-4 §11.3: info objects, error handlers, sessions
// and what hangs off them). They live here, not in the Runtime (which exists only between
// MPI_Init and MPI_Finalize, or while a session is open). This is the one process-wide
// registry beside the Runtime; it is created on first use and lives until the process exits.
// Not thread-safe: callers serialize as for the rest of the library.
#ifndef ZMPI_MPI_CORE_OBJECTS_H_
#define ZMPI_MPI_CORE_OBJECTS_H_

#include <vector>

#include "mpi/core/errhandler.h"
#include "mpi/core/error_codes.h"
#include "mpi/core/handles.h"
#include "mpi/core/info.h"
#include "mpi/core/session.h"

namespace zmpi::core {

class Objects {
 public:
  static Objects& Get();
  Objects(const Objects&) = delete;
  Objects& operator=(const Objects&) = delete;

  HandleTable<Info, HandleKind::kInfo>& infos() { return infos_; }
  // The info object of a handle; MPI_INFO_ENV is a real object (the process's environment:
  // command, argv, maxprocs, host, arch, wdir, thread_level), filled on first use.
  Info* FindInfo(int handle);
  HandleTable<Session, HandleKind::kSession>& sessions() { return sessions_; }

  // User error handlers. The predefined ones (MPI_ERRORS_ARE_FATAL, _RETURN, _ABORT) have no
  // object: IsPredefinedErrhandler tells them, and retain/release ignore them.
  static bool IsPredefinedErrhandler(int handle);
  int AddErrhandler(ErrhandlerKind kind, Errhandler::Function function);
  Errhandler* FindErrhandler(int handle) const { return errhandlers_.Find(handle); }
  // Whether `handle` may be attached to an object of `kind` (a predefined handler or a user
  // one created for that kind).
  bool ErrhandlerFits(int handle, ErrhandlerKind kind) const;
  void RetainErrhandler(int handle);
  void ReleaseErrhandler(int handle);
  size_t live_errhandlers() const { return errhandlers_.live(); }

  // The handler of MPI_FILE_NULL: what files opened from now on start with.
  int default_file_errhandler() const { return default_file_errhandler_; }
  void set_default_file_errhandler(int handle);

  ErrorCodes& error_codes() { return error_codes_; }

  // MPI_File_c2f/f2c: MPI_File is a pointer on the MPICH ABI, so Fortran integers name the
  // files through this table (0 is MPI_FILE_NULL; a file keeps its number once given one).
  int FileToFortran(void* file);
  void* FileFromFortran(int value) const;

 private:
  Objects();
  HandleTable<Info, HandleKind::kInfo> infos_;
  HandleTable<Errhandler, HandleKind::kErrhandler> errhandlers_;
  int default_file_errhandler_;  // MPI_ERRORS_RETURN until set
  ErrorCodes error_codes_;
  std::vector<void*> fortran_files_;
  HandleTable<Session, HandleKind::kSession> sessions_;
  Info env_info_;
  bool env_info_filled_ = false;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_OBJECTS_H_
