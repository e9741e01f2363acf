// Shared pieces of the C boundary: export macros, the state check every entry point starts
// with, argument checks that turn bad handles and values into MPI error classes, and the
// error-handler dispatch every entry point ends with. No algorithm lives in mpi/abi.
#ifndef ZMPI_MPI_ABI_ENTRY_H_
#define ZMPI_MPI_ABI_ENTRY_H_

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/datatype.h"
#include "mpi/core/errhandler.h"
#include "mpi/core/runtime.h"
#include "mpi/core/threads.h"
#include "mpi/core/win.h"
#include "mpi/include/mpi.h"

// Defines PMPI_name and makes MPI_name a weak alias of it, both exported.
#define ZMPI_API extern "C" __attribute__((visibility("default")))
// The library exports only MPI_* and PMPI_* names, with these exceptions, all of them names
// MPICH's mpi.h makes programs reference (so binaries built against MPICH find them):
//   MPIR_Dup_fn                 what MPI_DUP_FN / MPI_COMM_DUP_FN / ... expand to
// Each is defined with ZMPI_EXPORT_EXCEPTION; keep this list and exports.map (the version
// script, which hides everything else) in step.
#define ZMPI_EXPORT_EXCEPTION extern "C" __attribute__((visibility("default")))
#define ZMPI_WEAK_ALIAS(name)                           \
  extern "C" __attribute__((weak, alias("PMPI_" #name), \
                            visibility("default"))) decltype(PMPI_##name) MPI_##name;

namespace zmpi::abi {

inline constexpr int kTagUpperBound = 0x3fffffff;

// Runs `handler`, attached to an object of `kind` whose handle is at `object`, for `status`
// raised by `function`; returns the code to hand back to the caller. MPI_ERRORS_RETURN
// returns the code; MPI_ERRORS_ARE_FATAL and MPI_ERRORS_ABORT print one line and end the
// job; a user handler gets (object, &code) and its code is returned.
int InvokeErrhandler(MPI_Errhandler handler, core::ErrhandlerKind kind, void* object,
                     const char* function, const Status& status);

// Runs the error handler of `comm` (MPI_COMM_WORLD's when comm is nullptr) for `status`
// raised by `function`; returns the code to hand back to the caller. MPI_SUCCESS when ok.
int ReportError(core::Comm* comm, const char* function, const Status& status);
inline int Report(core::Comm* comm, const char* function, const Status& status) {
  return status.ok() ? MPI_SUCCESS : ReportError(comm, function, status);
}
// The same for the other object kinds. A window's own handler; a file's `handler` (the
// default file handler, core::Objects, for MPI_FILE_NULL); a session's `handler`.
int ReportWinError(core::Win* win, const char* function, const Status& status);
inline int ReportWin(core::Win* win, const char* function, const Status& status) {
  return status.ok() ? MPI_SUCCESS : ReportWinError(win, function, status);
}
int ReportFile(MPI_File file, MPI_Errhandler handler, const char* function, const Status& status);
int ReportSession(MPI_Session session, MPI_Errhandler handler, const char* function,
                  const Status& status);

// Every entry point (except the few allowed before MPI_Init) starts with this.
inline bool Ready() { return core::Runtime::state() == core::LibraryState::kInitialized; }
int NotReady(const char* function);

// Argument checks: each returns OK or the error class the standard asks for. The checks are
// inline (they sit on every send and receive); the *Error functions build the error Status.
Status CommError(MPI_Comm handle);
Status TypeError(MPI_Datatype handle);
Status CountError(int count);
Status BufferError(int count);
Status RankError(const core::Comm& comm, int rank);
Status TagError(int tag);
Status CheckRoot(const core::Comm& comm, int root);
Status WinError(MPI_Win handle);

inline Status CheckComm(MPI_Comm handle, core::Comm** comm) {
  *comm = core::Runtime::Get()->FindComm(handle);
  return *comm != nullptr ? Status() : CommError(handle);
}
// Collectives MPI does not define on intercommunicators (the scans) refuse one with
// MPI_ERR_COMM.
Status InterCollError();
inline Status CheckIntraComm(MPI_Comm handle, core::Comm** comm) {
  ZMPI_RETURN_IF_ERROR(CheckComm(handle, comm));
  return (*comm)->is_inter() ? InterCollError() : Status();
}
// A type for communication: valid and committed (MPI_ERR_TYPE otherwise).
inline Status CheckType(MPI_Datatype handle, const core::Datatype** type) {
  *type = core::FindDatatype(handle);
  return *type != nullptr && (*type)->committed ? Status() : TypeError(handle);
}
// A type for queries and constructors: any valid handle, committed or not.
inline Status CheckAnyType(MPI_Datatype handle, const core::Datatype** type) {
  *type = core::FindDatatype(handle);
  return *type != nullptr ? Status() : TypeError(handle);
}
inline Status CheckWin(MPI_Win handle, core::Win** win) {
  *win = core::Runtime::Get()->FindWin(handle);
  return *win != nullptr ? Status() : WinError(handle);
}
inline Status CheckCount(int count) { return count >= 0 ? Status() : CountError(count); }
inline Status CheckBuffer(const void* buf, int count) {
  return buf != nullptr || count <= 0 ? Status() : BufferError(count);
}
// A null buffer is MPI_BOTTOM, valid with a derived type (absolute addresses).
inline Status CheckBuffer(const void* buf, int count, const core::Datatype& type) {
  return type.type != nullptr ? Status() : CheckBuffer(buf, count);
}
inline Status CheckSendRank(const core::Comm& comm, int dest) {
  return (dest >= 0 && dest < comm.size()) || dest == MPI_PROC_NULL ? Status()
                                                                    : RankError(comm, dest);
}
inline Status CheckRecvRank(const core::Comm& comm, int source) {
  return source == MPI_ANY_SOURCE ? Status() : CheckSendRank(comm, source);
}
inline Status CheckSendTag(int tag) {
  return tag >= 0 && tag <= kTagUpperBound ? Status() : TagError(tag);
}
inline Status CheckRecvTag(int tag) { return tag == MPI_ANY_TAG ? Status() : CheckSendTag(tag); }

}  // namespace zmpi::abi

// Begins an entry point: takes the library lock when MPI_THREAD_MULTIPLE is in effect
// (mpi/core/threads.h; one predicted branch otherwise) and returns MPI_ERR_OTHER with a clear
// message when MPI is not ready. A statement in the function's outermost block: the lock is
// held until the function returns.
#define ZMPI_ENTER(function)                       \
  ::zmpi::core::EntryLock zmpi_entry_lock_;        \
  if (!::zmpi::abi::Ready()) return ::zmpi::abi::NotReady(function)

// Begins an entry point that MPI allows at any time (before MPI_Init, after MPI_Finalize, in
// the sessions model): always takes the library lock, since such calls are thread-safe at
// every thread level.
#define ZMPI_ENTER_ANYTIME() ::zmpi::core::AnytimeLock zmpi_anytime_lock_

// Returns through the communicator's error handler when `expr` is an error.
#define ZMPI_CHECK_ARG(comm, function, expr)                                                      \
  do {                                                                                            \
    ::zmpi::Status zmpi_arg_status_ = (expr);                                                     \
    if (!zmpi_arg_status_.ok()) return ::zmpi::abi::Report((comm), (function), zmpi_arg_status_); \
  } while (0)

// Returns through the window's error handler when `expr` is an error.
#define ZMPI_CHECK_WIN_ARG(win, function, expr)                           \
  do {                                                                    \
    ::zmpi::Status zmpi_arg_status_ = (expr);                             \
    if (!zmpi_arg_status_.ok())                                           \
      return ::zmpi::abi::ReportWin((win), (function), zmpi_arg_status_); \
  } while (0)

#endif  // ZMPI_MPI_ABI_ENTRY_H_
