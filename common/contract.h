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

namespace zmpi::contract {

// PMIx keys published by each rank (values are strings).
inline constexpr char kShmAddressKey[] = "zmpi.shm.addr";
inline constexpr char kOfiAddressKey[] = "zmpi.ofi.addr";

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

// Exit code a rank uses when it ends because of MPI_Abort with code 0 or a fatal MPI error
// without a better code.
inline constexpr int kFatalErrorExitCode = 16;

}  // namespace zmpi::contract

#endif  // ZMPI_COMMON_CONTRACT_H_
