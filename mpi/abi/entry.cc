#include "mpi/abi/entry.h"

#include <unistd.h>

#include <cstdio>

#include "common/contract.h"

namespace zmpi::abi {

int ReportError(core::Comm* comm, const char* function, const Status& status) {
  if (status.ok()) return MPI_SUCCESS;
  int code = static_cast<int>(status.code());
  core::Runtime* rt = core::Runtime::Get();
  if (comm == nullptr && rt != nullptr) comm = rt->world();
  MPI_Errhandler handler = comm ? comm->errhandler() : MPI_ERRORS_ARE_FATAL;
  if (handler == MPI_ERRORS_RETURN) return code;
  if (rt != nullptr) {
    if (MPI_Comm_errhandler_function* fn = rt->FindErrhandler(handler)) {
      MPI_Comm handle = comm->handle();
      fn(&handle, &code);
      return code;
    }
  }
  // MPI_ERRORS_ARE_FATAL / MPI_ERRORS_ABORT: one clear line, then the whole job ends.
  fprintf(stderr, "zmpi: %s: %s\n", function, status.ToString().c_str());
  fflush(stderr);
  if (rt != nullptr) rt->Abort(code, std::string(function) + ": " + status.ToString());
  _exit(contract::kFatalErrorExitCode);
}

int NotReady(const char* function) {
  bool finalized = core::Runtime::state() == core::LibraryState::kFinalized;
  return Report(nullptr, function,
                Error(Code::kOther, "called %s MPI_Init", finalized ? "after MPI_Finalize"
                                                                     : "before"));
}

Status CommError(MPI_Comm handle) {
  return Error(Code::kComm, "invalid communicator handle 0x%x", handle);
}

Status InterCollError() {
  return Error(Code::kComm, "collectives over intercommunicators are not implemented yet");
}

Status TypeError(MPI_Datatype handle) {
  return Error(Code::kType, "invalid datatype handle 0x%x", handle);
}

Status CountError(int count) { return Error(Code::kCount, "negative count %d", count); }

Status BufferError(int count) {
  return Error(Code::kBuffer, "null buffer with count %d", count);
}

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

}  // namespace zmpi::abi
