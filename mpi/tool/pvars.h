// Performance variables (MPI_T pvars): the core's event counters (mpi/core/counters.h) and a
// few queue levels, as a constant table.
//
// Counters (MPI_T_PVAR_CLASS_COUNTER) are not continuous: a handle counts only while started,
// and a write or reset sets what the handle has counted so far (the process's counter itself
// never goes back). Levels and the high-water mark are continuous and read-only: they read the
// library's state now. One variable is bound to a communicator (MPI_T_BIND_MPI_COMM): the
// collective operations begun on it.
//
// Not thread-safe by itself: callers hold the library lock (the MPI_T entry points do).
#ifndef ZMPI_MPI_TOOL_PVARS_H_
#define ZMPI_MPI_TOOL_PVARS_H_

#include <cstdint>

#include "mpi/include/mpi.h"

namespace zmpi::tool {

struct PvarInfo {
  const char* name;
  const char* desc;
  int verbosity;
  int var_class;  // MPI_T_PVAR_CLASS_*
  int bind;       // MPI_T_BIND_*
  bool readonly;
  bool continuous;
  bool atomic;
};

int PvarCount();
const PvarInfo& Pvar(int index);  // 0 <= index < PvarCount()
// Index of the variable called `name` of class `var_class`, or -1.
int FindPvar(const char* name, int var_class);
// Every variable's value is one MPI_UNSIGNED_LONG_LONG.
inline MPI_Datatype PvarDatatype() { return MPI_UNSIGNED_LONG_LONG; }

// The value of variable `index` now. `comm` is the bound communicator (MPI_COMM_NULL for
// unbound variables); *gone is set when that communicator no longer exists (the value is then
// 0 and meaningless).
uint64_t PvarValue(int index, MPI_Comm comm, bool* gone);

}  // namespace zmpi::tool

#endif  // ZMPI_MPI_TOOL_PVARS_H_
