// Removal of a job's shared-memory segments (/dev/shm/<prefix>*) once the job has ended,
// whatever state its ranks died in (common/contract.h, kJobShmPrefixEnv).
#ifndef ZMPI_LAUNCHER_AGENT_SHM_CLEANER_H_
#define ZMPI_LAUNCHER_AGENT_SHM_CLEANER_H_

#include <string>

namespace zmpi::launcher::agent {

// A prefix unique to this job on this host: "zmpi-<pid>-<random hex>-".
std::string MakeJobShmPrefix();
// Unlinks every /dev/shm entry whose name starts with `prefix`; returns how many were removed.
// An empty prefix or one with '/' removes nothing.
int RemoveShmSegments(const std::string& prefix, const std::string& shm_dir = "/dev/shm");

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_SHM_CLEANER_H_
