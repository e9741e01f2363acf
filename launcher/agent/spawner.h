// Spawner: starts one rank process.
//
// The child gets its own process group (so signals reach everything it starts), dies with the
// launcher (platform::KillWhenParentDies, so a SIGKILLed launcher leaves no orphans), has stdin on
// /dev/null (or SpawnRequest::stdin_fd) and stdout/stderr on pipes whose read ends the caller owns.
// The child waits on a "go" pipe until the parent has confined it to the owner's CPUs and bound
// it to its core, so the rank's first instruction already runs there. Before waiting it takes
// the job user's credentials (JobUser::switch_to) and its resource limits. If exec (or the
// switch) fails the child prints why on its stderr and exits 127.
#ifndef ZMPI_LAUNCHER_AGENT_SPAWNER_H_
#define ZMPI_LAUNCHER_AGENT_SPAWNER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/platform/platform.h"
#include "common/status.h"
#include "launcher/agent/job_user.h"
#include "launcher/agent/topology.h"

namespace zmpi::launcher::agent {

struct SpawnRequest {
  std::string path;               // absolute or relative path of the executable
  std::vector<std::string> argv;  // argv[0] included
  std::vector<std::string> env;   // NAME=VALUE, the complete environment
  int core = -1;                  // logical core to bind to, -1 = none
  bool describe_binding = false;  // fill SpawnedProcess::binding (before the rank runs)
  int stdin_fd = -1;              // becomes the child's stdin (caller keeps it); -1 = /dev/null
  // The CPUs the rank may use (the owner's offer), set before `core`'s binding; a failure to
  // set it fails the spawn (a hard limit), and the rank cannot change its affinity
  // (platform::ForbidAffinityChanges). nullptr = no limit.
  const platform::CpuSet* cpus = nullptr;
  const JobUser* user = nullptr;  // switch to it if user->switch_to; nullptr = stay
  uint64_t data_limit = 0;        // RLIMIT_DATA in bytes (0 = unchanged)
  std::string cwd;                // the child's working directory; "" = the caller's
  int inherit_fd = -1;  // stays open in the rank under its number (WireupServer::RankDescriptor)
  // A session of its own (setsid) instead of only a process group. Linux's autogroup shares
  // CPU per session: zrun's local ranks each get the share a process started from a terminal
  // gets, as under Hydra; zrund's ranks stay in the agent's session, so all its jobs together
  // weigh as one session against the owner's (docs/owner.md).
  bool own_session = false;
};

struct SpawnedProcess {
  pid_t pid = -1;
  int stdout_fd = -1;  // non-blocking read ends, owned by the caller
  int stderr_fd = -1;
  std::string binding;  // Topology::DescribeBinding, if asked for
};

class Spawner {
 public:
  explicit Spawner(Topology* topology) : topology_(topology) {}
  StatusOr<SpawnedProcess> Spawn(const SpawnRequest& request);

  // Finds `program` like execvp would (a name with '/' is taken as is), checking that it is an
  // executable regular file.
  static StatusOr<std::string> ResolveProgram(const std::string& program,
                                              const std::string& path_var);

 private:
  Topology* topology_;  // not owned; may be null when no rank is bound
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_SPAWNER_H_
