// Removal of a job's shared-memory segments (<platform::ShmDirectory()>/<prefix>*) once the job has ended,
// whatever state its ranks died in (common/contract.h, kJobShmPrefixEnv), and of segments
// that dead jobs left behind (a SIGKILLed zrun cannot clean up): those are told apart by the
// lock their creator holds while it lives (contract.h, kShmNamePrefix).
#ifndef ZMPI_LAUNCHER_AGENT_SHM_CLEANER_H_
#define ZMPI_LAUNCHER_AGENT_SHM_CLEANER_H_

#include <string>

#include "common/platform/platform.h"

namespace zmpi::launcher::agent {

// A prefix unique to this job on this host: "zmpi-<pid>-<random hex>-".
std::string MakeJobShmPrefix();
// Unlinks every shared-memory entry whose name starts with `prefix`; returns how many were removed.
// An empty prefix or one with '/' removes nothing.
int RemoveShmSegments(const std::string& prefix,
                      const std::string& shm_dir = platform::ShmDirectory());
// Unlinks every "zmpi-*" object in `shm_dir` that follows the lock convention and whose
// creator no longer holds its lock (the process died); returns how many were removed. Safe
// while other jobs run: a live creator's lock keeps its objects, an object still being
// created does not carry the marker yet, and objects of older formats or of other users are
// not ours to judge and are skipped.
int RemoveDeadShmSegments(const std::string& shm_dir = platform::ShmDirectory());

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_SHM_CLEANER_H_
