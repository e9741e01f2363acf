// Shared pieces of the MPI_T entry points (tool.cc, tool_pvar.cc, tool_events.cc): the
// tool interface answers with error codes, never through an error handler (MPI-4.1 §15.3.9),
// and works before MPI_Init and after MPI_Finalize.
#ifndef ZMPI_MPI_ABI_TOOL_H_
#define ZMPI_MPI_ABI_TOOL_H_

#include "common/status.h"
#include "mpi/abi/entry.h"
#include "mpi/tool/handles.h"

namespace zmpi::abi {

inline int ToolCode(const Status& s) { return static_cast<int>(s.code()); }

}  // namespace zmpi::abi

// Begins an MPI_T entry point: the library lock (the interface is thread-safe at every
// thread level), then MPI_T_ERR_NOT_INITIALIZED outside MPI_T_init_thread/MPI_T_finalize.
#define ZMPI_T_ENTER()  \
  ZMPI_ENTER_ANYTIME(); \
  if (!::zmpi::tool::Initialized()) return MPI_T_ERR_NOT_INITIALIZED

// Returns MPI_T_ERR_INVALID when a required pointer argument is null.
#define ZMPI_T_REQUIRE(pointer) \
  if ((pointer) == nullptr) return MPI_T_ERR_INVALID

#endif  // ZMPI_MPI_ABI_TOOL_H_
