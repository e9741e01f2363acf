// The MPI_T error classes (MPI_T_ERR_*, MPICH's values) as Status codes. common/status.h's
// Code does not name them (the rest of the library never raises them); common/status.cc's
// table gives them their MPI_Error_string texts.
#ifndef ZMPI_MPI_TOOL_ERRORS_H_
#define ZMPI_MPI_TOOL_ERRORS_H_

#include "common/status.h"
#include "mpi/include/mpi.h"

namespace zmpi::tool {

inline constexpr Code kCvarSetNever = static_cast<Code>(MPI_T_ERR_CVAR_SET_NEVER);
inline constexpr Code kNotInitialized = static_cast<Code>(MPI_T_ERR_NOT_INITIALIZED);
inline constexpr Code kPvarNoStartStop = static_cast<Code>(MPI_T_ERR_PVAR_NO_STARTSTOP);
inline constexpr Code kPvarNoWrite = static_cast<Code>(MPI_T_ERR_PVAR_NO_WRITE);

}  // namespace zmpi::tool

#endif  // ZMPI_MPI_TOOL_ERRORS_H_
