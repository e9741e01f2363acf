// JobUser: the account a job's ranks run as. An agent started as root never runs jobs as root
// unless its owner says so (zrund --run-as-root): the cluster key lets its holder run any
// program, so the ranks get an unprivileged account (zrund --run-as USER; by default a
// dedicated `zmpi` user if one exists, else `nobody`). An agent started as a normal user runs
// jobs as itself. Resolved once at start-up; the Spawner switches to it between fork and exec.
#ifndef ZMPI_LAUNCHER_AGENT_JOB_USER_H_
#define ZMPI_LAUNCHER_AGENT_JOB_USER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace zmpi::launcher::agent {

struct JobUser {
  std::string name;
  std::string home;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups (getgrouplist)
  bool switch_to = false;     // the spawner changes credentials (the agent runs as root)

  // The account of this process, without switching.
  static JobUser Self();
  // `wanted`: --run-as (empty = default). As root: `wanted`, else `zmpi` if it exists, else
  // `nobody`; root itself only with `run_as_root`, and never by naming a uid-0 account.
  // As another user: that user; naming someone else is an error (switching needs root).
  static StatusOr<JobUser> Resolve(const std::string& wanted, bool run_as_root);
  // "nobody (uid 65534)".
  std::string Describe() const;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_JOB_USER_H_
