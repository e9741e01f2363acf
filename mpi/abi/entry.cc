#include "mpi/abi/entry.h"

#include <unistd.h>

#include <cstdio>

#include "common/contract.h"
#include "mpi/core/objects.h"

namespace zmpi::abi {

int InvokeErrhandler(MPI_Errhandler handler, core::ErrhandlerKind kind, void* object,
                     const char* function, const Status& status) {
  if (status.ok()) return MPI_SUCCESS;
  int code = static_cast<int>(status.code());
  if (handler == MPI_ERRORS_RETURN) return code;
  if (core::Errhandler* e = core::Objects::Get().FindErrhandler(handler)) {
    (void)kind;  // every handler type is void(Handle*, int*, ...)
    e->function()(object, &code);
    return code;
  }
  // MPI_ERRORS_ARE_FATAL / MPI_ERRORS_ABORT: one clear line, then the whole job ends. A
  // user-defined code is named by its number and the string the program gave it.
  std::string what = status.ToString();
  if (code > core::ErrorCodes::kLastPredefinedClass) {
    StatusOr<std::string> text = core::Objects::Get().error_codes().Text(code);
    what = "user error code " + std::to_string(code) +
           (text.ok() && !text->empty() ? " (" + *text + ")" : "") + ": " + status.message();
  }
  fprintf(stderr, "zmpi: %s: %s\n", function, what.c_str());
  fflush(stderr);
  core::Runtime* rt = core::Runtime::Get();
  if (rt != nullptr) rt->Abort(code, std::string(function) + ": " + what);
  _exit(contract::kFatalErrorExitCode);
}

int ReportError(core::Comm* comm, const char* function, const Status& status) {
  core::Runtime* rt = core::Runtime::Get();
  if (comm == nullptr && rt != nullptr) comm = rt->world();
  MPI_Comm handle = comm ? comm->handle() : MPI_COMM_NULL;
  return InvokeErrhandler(comm ? comm->errhandler() : MPI_ERRORS_ARE_FATAL,
                          core::ErrhandlerKind::kComm, &handle, function, status);
}

int ReportWinError(core::Win* win, const char* function, const Status& status) {
  if (win == nullptr) return ReportError(nullptr, function, status);
  MPI_Win handle = win->handle();
  return InvokeErrhandler(win->errhandler(), core::ErrhandlerKind::kWin, &handle, function, status);
}

int ReportFile(MPI_File file, MPI_Errhandler handler, const char* function, const Status& status) {
  return InvokeErrhandler(handler, core::ErrhandlerKind::kFile, &file, function, status);
}

int ReportSession(MPI_Session session, MPI_Errhandler handler, const char* function,
                  const Status& status) {
  return InvokeErrhandler(handler, core::ErrhandlerKind::kSession, &session, function, status);
}

int NotReady(const char* function) {
  bool finalized = core::Runtime::state() == core::LibraryState::kFinalized;
  return Report(
      nullptr, function,
      Error(Code::kOther, "called %s MPI_Init", finalized ? "after MPI_Finalize" : "before"));
}

Status CommError(MPI_Comm handle) {
  return Error(Code::kComm, "invalid communicator handle 0x%x", handle);
}

Status InterCollError() {
  return Error(Code::kComm, "this collective is not defined on intercommunicators (MPI_Scan, MPI_Exscan and their forms)");
}

Status TypeError(MPI_Datatype handle) {
  const core::Datatype* t = core::FindDatatype(handle);
  if (t != nullptr && !t->committed) {
    return Error(Code::kType, "datatype 0x%x is not committed", handle);
  }
  if (handle == MPI_DATATYPE_NULL) return Error(Code::kType, "MPI_DATATYPE_NULL");
  return Error(Code::kType, "invalid datatype handle 0x%x", handle);
}

Status CountError(int count) { return Error(Code::kCount, "negative count %d", count); }

Status BufferError(int count) { return Error(Code::kBuffer, "null buffer with count %d", count); }

Status RankError(const core::Comm& comm, int rank) {
  return Error(Code::kRank, "rank %d is not in [0, %d)", rank, comm.size());
}

Status TagError(int tag) {
  return Error(Code::kTag, "tag %d is not in [0, %d]", tag, kTagUpperBound);
}

Status CheckRoot(const core::Comm& comm, int root) {
  if (root >= 0 && root < comm.size()) return OkStatus();
  return Error(Code::kRoot, "root %d is not in [0, %d)", root, comm.size());
}

Status WinError(MPI_Win handle) { return Error(Code::kWin, "invalid window handle 0x%x", handle); }

}  // namespace zmpi::abi
