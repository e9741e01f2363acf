// Environment: init, finalize, abort, identity, hardware resources, clocks.
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "common/contract.h"
#include "mpi/abi/entry.h"
#include "mpi/core/objects.h"

using zmpi::core::LibraryState;
using zmpi::core::Runtime;

namespace {

int StartLibrary(const char* function) {
  zmpi::Status s = Runtime::Init();
  if (s.ok()) return MPI_SUCCESS;
  // No communicator exists yet: errors here are always fatal, with one clear line; the
  // launcher hears the same reason through the bootstrap (contract::kStartFailurePrefix),
  // whose abort prints it where the launcher shows no abort message (PMI-1/PMI-2).
  if (!Runtime::FailedStartPrints()) {
    fprintf(stderr, "zmpi: %s: %s\n", function, s.ToString().c_str());
    fflush(stderr);
  }
  Runtime::AbortFailedStart(zmpi::contract::kFatalErrorExitCode,
                            std::string(function) + ": " + s.ToString());
}

int CopyString(const std::string& text, char* out, int capacity, int* resultlen) {
  int n = static_cast<int>(text.size());
  if (n > capacity - 1) n = capacity - 1;
  memcpy(out, text.data(), n);
  out[n] = '\0';
  *resultlen = n;
  return MPI_SUCCESS;
}

}  // namespace

ZMPI_API int PMPI_Init(int*, char***) {
  ZMPI_ENTER_ANYTIME();
  int rc = StartLibrary("MPI_Init");
  zmpi::core::Threads::SetWorld(MPI_THREAD_SINGLE);
  return rc;
}

// Every level up to MPI_THREAD_MULTIPLE; MULTIPLE turns the library lock on
// (mpi/core/threads.h).
ZMPI_API int PMPI_Init_thread(int*, char***, int required, int* provided) {
  ZMPI_ENTER_ANYTIME();
  // Whether a session runs the library already (without the lock, other threads may be in
  // its calls: then MULTIPLE is not granted; Threads::Grant).
  const bool running = Runtime::state() == LibraryState::kInitialized;
  int rc = StartLibrary("MPI_Init_thread");
  int level = zmpi::core::Threads::Grant(required, running);
  zmpi::core::Threads::SetWorld(level);
  if (provided != nullptr) *provided = level;
  return rc;
}

ZMPI_API int PMPI_Initialized(int* flag) {
  *flag = Runtime::world_state() != LibraryState::kNotInitialized;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Finalized(int* flag) {
  *flag = Runtime::world_state() == LibraryState::kFinalized;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Finalize(void) {
  ZMPI_ENTER_ANYTIME();
  if (!zmpi::abi::Ready()) return zmpi::abi::NotReady("MPI_Finalize");
  zmpi::Status s = Runtime::Finalize();
  if (s.ok()) return MPI_SUCCESS;
  fprintf(stderr, "zmpi: MPI_Finalize: %s\n", s.ToString().c_str());
  return static_cast<int>(s.code());
}

// The world model's level (as granted by MPI_Init_thread; MPI_Init asks for SINGLE).
ZMPI_API int PMPI_Query_thread(int* provided) {
  *provided = zmpi::core::Threads::world_level();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Is_thread_main(int* flag) {
  *flag = zmpi::core::Threads::IsMainThread() ? 1 : 0;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Abort(MPI_Comm, int errorcode) {
  Runtime* rt = Runtime::Get();
  if (rt == nullptr) _exit(errorcode);
  std::string why = "MPI_Abort(" + std::to_string(errorcode) + ") called by rank " +
                    std::to_string(rt->world_rank());
  rt->Abort(errorcode, why);
}

ZMPI_API int PMPI_Get_processor_name(char* name, int* resultlen) {
  Runtime* rt = Runtime::Get();
  char host[MPI_MAX_PROCESSOR_NAME] = "";
  if (rt == nullptr) gethostname(host, sizeof(host) - 1);
  return CopyString(rt ? rt->processor_name() : host, name, MPI_MAX_PROCESSOR_NAME, resultlen);
}

// MPI-4.1 §9.1.3 (hardware resource information): the resources the calling process runs on, as
// a new info object. The one resource type zmpi tells apart is the host's shared memory (what
// MPI_COMM_TYPE_SHARED splits by, and MPI_COMM_TYPE_HW_GUIDED accepts as "mpi_shared_memory"),
// so "mpi_hw_resource_type" names it; the caller frees the object with MPI_Info_free.
ZMPI_API int PMPI_Get_hw_resource_info(MPI_Info* hw_info) {
  ZMPI_ENTER("MPI_Get_hw_resource_info");
  if (hw_info == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Get_hw_resource_info",
                             zmpi::Error(zmpi::Code::kArg, "null hw_info"));
  }
  auto info = std::make_unique<zmpi::core::Info>();
  info->Set("mpi_hw_resource_type", "mpi_shared_memory");
  *hw_info = zmpi::core::Objects::Get().infos().Add(std::move(info));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Get_version(int* version, int* subversion) {
  *version = MPI_VERSION;
  *subversion = MPI_SUBVERSION;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Get_library_version(char* version, int* resultlen) {
  // MPI_VERSION says which standard's semantics zmpi follows; this says how much of it is
  // there (docs/functions.md lists every function's state).
#define ZMPI_STR_(x) #x
#define ZMPI_STR(x) ZMPI_STR_(x)
  return CopyString("zmpi " ZMPI_VERSION " (MPICH ABI; transports: shm, ofi; MPI-4.1 subset: " ZMPI_STR(
                        ZMPI_MPI41_FUNCTIONS_PROVIDED) " of " ZMPI_STR(ZMPI_MPI41_FUNCTIONS) " functions, see docs/functions.md)",
                    version, MPI_MAX_LIBRARY_VERSION_STRING, resultlen);
#undef ZMPI_STR
#undef ZMPI_STR_
}

ZMPI_API double PMPI_Wtime(void) {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

ZMPI_API double PMPI_Wtick(void) {
  timespec ts;
  clock_getres(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#include "mpi/abi/init_aliases.inc"
