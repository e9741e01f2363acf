// The launcher <-> library contract. zrun/zrund and libmpi meet only here and through PMIx.
//
// A launcher (zrun's agent, Open MPI's mpirun, Slurm's srun --mpi=pmix) starts each rank as a
// PMIx client. The library needs from the PMIx server, for its own namespace:
//   PMIX_JOB_SIZE    (uint32)  number of ranks in the job
//   PMIX_LOCAL_PEERS (string)  comma-separated ranks on this host, including the caller
// and nothing else. Ranks publish their transport addresses under the keys below (PMIx_Put
// with PMIX_GLOBAL, PMIx_Commit, PMIx_Fence with PMIX_COLLECT_DATA) and read each other's.
//
// zmpi's own launcher also sets these environment variables for every rank:
#ifndef ZMPI_COMMON_CONTRACT_H_
#define ZMPI_COMMON_CONTRACT_H_

#include <cstdint>
#include <string_view>

namespace zmpi::contract {

// PMIx keys published by each rank (values are strings).
inline constexpr char kShmAddressKey[] = "zmpi.shm.addr";
inline constexpr char kOfiAddressKey[] = "zmpi.ofi.addr";
inline constexpr char kTcpAddressKey[] = "zmpi.tcp.addr";
// Each rank's data model (mpi/core/data_model.h), compared with rank 0's at init.
inline constexpr char kDataModelKey[] = "zmpi.datamodel";

// Environment set by zrun's agent for each rank.
// Interface the ofi transport must use ("lo" when all ranks are on one host).
inline constexpr char kOfiIfaceEnv[] = "ZMPI_OFI_IFACE";
// Name of this job's host as the launcher knows it (used in error reports).
inline constexpr char kJobHostEnv[] = "ZMPI_JOB_HOST";
// Number of hosts the job's ranks run on (set by zrund; absent means one). Above one, ranks
// load libfabric in the background from the start of MPI_Init.
inline constexpr char kJobHostsEnv[] = "ZMPI_JOB_HOSTS";
// Prefix for shared-memory segment names of this job; the agent removes /dev/shm/<prefix>*
// when the job ends, whatever state the ranks died in.
inline constexpr char kJobShmPrefixEnv[] = "ZMPI_JOB_SHM_PREFIX";
// Every /dev/shm object zmpi creates has a name that starts with kShmNamePrefix. An object
// whose first 8 bytes are kShmLockedMagic and a version >= kShmLockedMinVersion (two native
// uint32) follows the lock convention: its creator holds a shared flock(2) on it from before
// it has a size until it is unlinked, and writes those bytes after locking. So such an object
// that nobody holds locked is a dead process's leftover: launchers remove them when they start
// (launcher/agent/shm_cleaner.h), e.g. after zrun was SIGKILLed. Objects of older formats are
// never judged (their creators took no lock).
inline constexpr char kShmNamePrefix[] = "zmpi-";
inline constexpr uint32_t kShmLockedMagic = 0x7a73686d;  // "zshm"
inline constexpr uint32_t kShmLockedMinVersion = 3;

// Set for every rank by zrun and zrund. A rank whose program loads Open MPI's library instead
// of zmpi's (an mpi4py built for Open MPI, a program started by a script: zrun cannot see those
// from outside) would run as a silent one-rank world; with this pml, which no Open MPI has, its
// MPI_Init fails instead, naming the component, and the job ends. zmpi reads no OMPI_*
// variable; `-x OMPI_MCA_pml=...` overrides it.
inline constexpr char kOpenMpiGuardEnv[] = "OMPI_MCA_pml";
inline constexpr char kOpenMpiGuardValue[] = "zrun_job__this_rank_loaded_Open_MPI_not_zmpi";
// Set with the guard: Open MPI 4's singleton then runs without its helper daemon, so the help
// text naming the component reaches the rank's stderr (through the daemon it is lost to
// "ORTE_ERROR_LOG ... show_help.c" lines), where the launchers recognise it
// (launcher/agent/openmpi_guard.h). Unknown to Open MPI 5 (ignored there) and to zmpi.
inline constexpr char kOpenMpiIsolatedEnv[] = "OMPI_MCA_ess_singleton_isolated";
inline constexpr char kOpenMpiIsolatedValue[] = "1";

// Exit code a rank uses when it ends because of MPI_Abort with code 0 or a fatal MPI error
// without a better code.
inline constexpr int kFatalErrorExitCode = 16;

// A rank's abort that is a consequence of a peer's death rather than a cause: its code is
// MPI_ERR_PROC_ABORTED, or its message names that class (MPI_Waitall and MPI_Waitsome fail with
// MPI_ERR_IN_STATUS and name the first failed request's class). Launchers hold such an abort
// briefly, since the dead peer's host may report the cause a moment later.
inline constexpr int kProcAbortedCode = 76;  // MPI_ERR_PROC_ABORTED
inline bool IsPeerFailureAbort(int code, std::string_view message) {
  return code == kProcAbortedCode || message.find("MPI_ERR_PROC_ABORTED") != std::string_view::npos;
}

}  // namespace zmpi::contract

#endif  // ZMPI_COMMON_CONTRACT_H_
