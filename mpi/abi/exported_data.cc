// The library's exported DATA symbols: the one exception to "libmpi exports only MPI_* and
// PMPI_* functions". MPICH's ABI makes a few constants variables of the library rather than
// macros; programs built against MPICH's mpi.h, and Debian's libmpichfort.so.12 at load time,
// refer to them by name, so they must exist here with the same names and types. Every such
// symbol lives in this file and nowhere else.
#include "mpi/abi/entry.h"

namespace {
// What the sentinels point at. Never read or written: only the addresses matter.
int unweighted_storage;
int weights_empty_storage;
}  // namespace

// Distinct non-null addresses, so neither can be confused with a real weights array or NULL.
ZMPI_API int* const MPI_UNWEIGHTED = &unweighted_storage;
ZMPI_API int* const MPI_WEIGHTS_EMPTY = &weights_empty_storage;

namespace {
// What MPI_T_PVAR_ALL_HANDLES points at: never a live handle (mpi/tool/handles.h looks
// handles up among its own objects), never read.
int all_handles_storage;
}  // namespace

ZMPI_API struct MPIR_T_pvar_handle_s* const MPI_T_PVAR_ALL_HANDLES =
    reinterpret_cast<MPIR_T_pvar_handle_s*>(&all_handles_storage);
