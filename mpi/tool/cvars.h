// Control variables (MPI_T cvars): the ZMPI_* settings of common/config.h seen through MPI_T.
//
// Each variable is a row of a constant table. Settings the library consults while it runs
// (eager limit, unexpected-message budget, single-copy switch and threshold, spin count, log
// level) have scope MPI_T_SCOPE_LOCAL and are writable at any time: before MPI_Init (or a
// session) a write is kept and read after the environment when the library starts
// (Runtime::tool_settings); while it runs the write also takes effect at once. Settings fixed
// when the transports start (transport choice, shm ring geometry, libfabric provider, ...)
// have scope MPI_T_SCOPE_READONLY: the environment sets them. Reading a variable while the
// library does not run gives the value the next start would use.
//
// Not thread-safe by itself: callers hold the library lock (the MPI_T entry points do).
#ifndef ZMPI_MPI_TOOL_CVARS_H_
#define ZMPI_MPI_TOOL_CVARS_H_

#include "common/status.h"
#include "mpi/include/mpi.h"

namespace zmpi::tool {

enum class ValueType { kInt, kUnsignedLongLong, kChar };

// An enumeration (MPI_T_enum): named integer values.
struct EnumItem {
  int value;
  const char* name;
};
struct Enum {
  const char* name;
  const EnumItem* items;
  int count;
};
// The enumeration behind an MPI_T_enum handle, or nullptr when the handle names none.
const Enum* FindEnum(MPI_T_enum handle);
inline MPI_T_enum EnumHandle(const Enum* e) {
  return reinterpret_cast<MPI_T_enum>(const_cast<Enum*>(e));
}

struct CvarInfo {
  const char* name;
  const char* desc;
  int verbosity;
  ValueType type;
  const Enum* enumtype;  // nullptr: none
  int scope;             // MPI_T_SCOPE_*
  int count;             // elements a handle reads or writes (a string's buffer size)
};

int CvarCount();
const CvarInfo& Cvar(int index);  // 0 <= index < CvarCount()
// Index of the variable called `name`, or -1.
int FindCvar(const char* name);
// The MPI datatype of a value type.
MPI_Datatype DatatypeOf(ValueType type);

// Reads variable `index` into buf (count elements of its type; a string null-terminated).
void ReadCvar(int index, void* buf);
// Writes variable `index` from buf. kTCvarSetNever for a read-only variable.
Status WriteCvar(int index, const void* buf);

}  // namespace zmpi::tool

#endif  // ZMPI_MPI_TOOL_CVARS_H_
