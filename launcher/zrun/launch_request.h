// What zrun sends each agent to start a job: the program's identity (for staging), the ranks'
// environment, one Launch per host, and the program itself to an agent that asks for it.
// Free functions: ClusterRun owns the state.
#ifndef ZMPI_LAUNCHER_ZRUN_LAUNCH_REQUEST_H_
#define ZMPI_LAUNCHER_ZRUN_LAUNCH_REQUEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/agent/job_plan.h"
#include "launcher/agent/link.h"
#include "launcher/proto/messages.h"

namespace zmpi::launcher::zrun {

struct ProgramInfo {
  std::string path;  // as sent in Launch.executable: resolved here if found, else as given
  bool here = false; // found on this host: size and hash are valid and it can be staged
  uint64_t size = 0;
  proto::Hash hash{};
};

// Resolves `program` like execvp against this process's PATH and hashes it.
ProgramInfo DescribeProgram(const std::string& program);

// The variables sent to every rank: this process's ZMPI_* settings (except the launcher's own
// and the per-host ones) and the -x/-genv specs ("VAR" copies this process's value).
std::vector<std::string> ForwardedEnvironment(const std::vector<std::string>& env_specs);

struct LaunchCommon {
  uint64_t job_id = 0;
  std::string nspace;
  agent::BindPolicy bind = agent::BindPolicy::kCore;
  agent::MapBy map = agent::MapBy::kCore;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  ProgramInfo program;
  std::vector<proto::StagedFile> stage;  // --stage, for hosts other than this one
  std::vector<std::string> collect;      // --collect
  bool shared_fs = false;                // --shared-fs: every host works in zrun's directory
  int stdin_rank = 0;                    // --stdin: a rank, Options::kStdinAll or kStdinNone
};

// The Launch for host `host` of `plan` (its ranks, and the plan entry of agent/plan_spec.h).
// `here`: the agent runs on this host, so its ranks work in zrun's directory; the others
// work in a fresh job folder with the staged files (unless shared_fs).
StatusOr<proto::Launch> MakeLaunch(const LaunchCommon& common, const agent::JobPlan& plan,
                                   int host, bool here);

// Sends `program` in ExeChunk pieces over `link`.
Status SendProgram(agent::Link* link, uint64_t job_id, const ProgramInfo& program);

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_LAUNCH_REQUEST_H_
