// Creating and freeing windows (collective over the communicator). The window gets a
// duplicate of the communicator of its own (without the user's attributes) so its traffic
// never meets the user's.
#ifndef ZMPI_MPI_CORE_WIN_OPS_H_
#define ZMPI_MPI_CORE_WIN_OPS_H_

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/info.h"
#include "mpi/core/win.h"

namespace zmpi::core {

// MPI_Win_create over the caller's memory.
StatusOr<Win*> CreateWin(Comm& comm, void* base, MPI_Aint size, int disp_unit, const Info* info);
// MPI_Win_allocate: `size` bytes from the library, freed with the window.
StatusOr<Win*> AllocateWin(Comm& comm, MPI_Aint size, int disp_unit, const Info* info);
// MPI_Win_create_dynamic: no memory until MPI_Win_attach (base MPI_BOTTOM, size 0).
StatusOr<Win*> CreateDynamicWin(Comm& comm, const Info* info);
// MPI_Win_free: deletes the window's attributes, waits for every member, then frees it.
Status FreeWin(Win* win);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_WIN_OPS_H_
