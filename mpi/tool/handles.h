// The tool interface's state: how often MPI_T_init_thread was called without its
// MPI_T_finalize, control-variable handles, performance-variable sessions and their handles.
//
// The state lives for the process, not for a Runtime: MPI_T works before MPI_Init, after
// MPI_Finalize and across sessions. Handles are pointers to objects owned here; a handle from
// the program is looked up among the live ones before use, so a stale or garbage handle is an
// error (MPI_T_ERR_INVALID_HANDLE / _SESSION), never a dereference. The last MPI_T_finalize
// frees every handle and session.
//
// Not thread-safe by itself: callers hold the library lock (the MPI_T entry points do).
#ifndef ZMPI_MPI_TOOL_HANDLES_H_
#define ZMPI_MPI_TOOL_HANDLES_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"
#include "mpi/include/mpi.h"

namespace zmpi::tool {

// MPI_T_init_thread / MPI_T_finalize nesting.
void Initialize();
Status Finalize();  // kTNotInitialized when not initialized
bool Initialized();

struct CvarHandle {
  int index;
};
CvarHandle* AllocCvarHandle(int index);
CvarHandle* FindCvarHandle(MPI_T_cvar_handle handle);  // nullptr: not a live handle
void FreeCvarHandle(CvarHandle* handle);
inline MPI_T_cvar_handle ToHandle(CvarHandle* h) { return reinterpret_cast<MPI_T_cvar_handle>(h); }

struct PvarSession;

// One variable in one session. What it has counted is `accumulated` plus, while running, the
// variable's growth since `base`.
struct PvarHandle {
  PvarSession* session;
  int index;
  MPI_Comm comm;  // the bound communicator, MPI_COMM_NULL if none
  bool running = false;
  uint64_t accumulated = 0;
  uint64_t base = 0;
  uint64_t last = 0;  // the variable's last value seen (its communicator may go)
};

struct PvarSession {
  std::vector<std::unique_ptr<PvarHandle>> handles;
};

PvarSession* CreateSession();
PvarSession* FindSession(MPI_T_pvar_session session);  // nullptr: not a live session
void FreeSession(PvarSession* session);
inline MPI_T_pvar_session ToHandle(PvarSession* s) {
  return reinterpret_cast<MPI_T_pvar_session>(s);
}

// A handle for variable `index` (bound to `comm`, or MPI_COMM_NULL) in `session`; a
// continuous variable's handle starts running.
PvarHandle* AllocPvarHandle(PvarSession* session, int index, MPI_Comm comm);
// The live handle `handle` of `session`, or nullptr (MPI_T_PVAR_ALL_HANDLES is not one).
PvarHandle* FindPvarHandle(PvarSession* session, MPI_T_pvar_handle handle);
void FreePvarHandle(PvarHandle* handle);
inline MPI_T_pvar_handle ToHandle(PvarHandle* h) { return reinterpret_cast<MPI_T_pvar_handle>(h); }

// The MPI_T_pvar_* operations on one handle, with the standard's errors: start and stop
// kTPvarNoStartStop for a continuous variable; write, reset and readreset kTPvarNoWrite for
// a read-only one.
Status StartHandle(PvarHandle* h);
Status StopHandle(PvarHandle* h);
uint64_t ReadHandle(PvarHandle* h);
Status WriteHandle(PvarHandle* h, uint64_t value);
Status ResetHandle(PvarHandle* h);

}  // namespace zmpi::tool

#endif  // ZMPI_MPI_TOOL_HANDLES_H_
