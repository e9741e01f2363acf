// The objects MPI lets a program create without an initialized world: before MPI_Init, after
// MPI_Finalize, or in the sessions model (MPI-4 §11.3: info objects, error handlers, sessions
// and what hangs off them). They live here, not in the Runtime (which exists only between
// MPI_Init and MPI_Finalize, or while a session is open). This is the one process-wide
// registry beside the Runtime; it is created on first use and lives until the process exits.
// Not thread-safe: callers serialize as for the rest of the library.
#ifndef ZMPI_MPI_CORE_OBJECTS_H_
#define ZMPI_MPI_CORE_OBJECTS_H_

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

 private:
  Objects() = default;
  HandleTable<Info, HandleKind::kInfo> infos_;
  HandleTable<Session, HandleKind::kSession> sessions_;
  Info env_info_;
  bool env_info_filled_ = false;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_OBJECTS_H_
