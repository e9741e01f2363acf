// The many-host part of `zrun --doctor`: after the agents answered and authenticated
// (doctor.cc), checks each host the way a job would use it by running a probe job there
// (zmpi-doctor-probe, one rank per host, started by a child zrun exactly like a job):
// the interface each agent gives its ranks, libfabric messages between every pair of hosts,
// clock offsets, arch and OS, and the libraries the user's program needs on each host.
// Also checks, per host architecture, which program file zrun would stage there.
#ifndef ZMPI_LAUNCHER_ZRUN_DOCTOR_HOSTS_H_
#define ZMPI_LAUNCHER_ZRUN_DOCTOR_HOSTS_H_

#include <string>
#include <vector>

#include "launcher/zrun/agent_finder.h"
#include "launcher/zrun/doctor_line.h"
#include "launcher/zrun/options.h"

namespace zmpi::launcher::zrun {

// How long each rank of the probe waits for a peer's answers, and what bounds the whole job.
inline constexpr int kProbeLinkTimeoutMs = 3000;
inline constexpr int kProbeJobTimeoutSeconds = 60;

// <dir of zrun>/../libexec/zmpi/zmpi-doctor-probe (build and install trees alike).
std::string ProbeProgramPath();

// `agents` answered and hold the key (`key_path`). Appends the findings to `lines`; `table`
// gets the per-host table ("" when the probe job produced nothing).
void CheckHosts(const Options& options, const std::string& key_path,
                const std::vector<FoundAgent>& agents, std::vector<DoctorLine>* lines,
                std::string* table);

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_DOCTOR_HOSTS_H_
