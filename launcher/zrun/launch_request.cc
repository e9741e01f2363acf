#include "launcher/zrun/launch_request.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "launcher/agent/plan_spec.h"
#include "launcher/agent/program_cache.h"
#include "launcher/agent/spawner.h"
#include "launcher/zrun/options.h"

extern char** environ;

namespace zmpi::launcher::zrun {

namespace {

// ZMPI_* settings travel to the ranks, except the launcher's own and what each agent sets.
bool ForwardedVariable(const std::string& name) {
  if (name.compare(0, 5, "ZMPI_") != 0) return false;
  for (const char* own : {"ZMPI_ZRUN", "ZMPI_JOB_", "ZMPI_OFI_IFACE"}) {
    if (name.compare(0, strlen(own), own) == 0) return false;
  }
  return true;
}

}  // namespace

ProgramInfo DescribeProgram(const std::string& program) {
  ProgramInfo info;
  info.path = program;
  const char* path = getenv("PATH");
  StatusOr<std::string> resolved =
      agent::Spawner::ResolveProgram(program, path ? path : "/usr/bin:/bin");
  if (!resolved.ok()) return info;  // maybe the agents have it
  info.path = resolved.value();
  if (info.path[0] != '/') {  // agents work elsewhere: "./model" means zrun's ./model
    char* real = realpath(info.path.c_str(), nullptr);
    if (real != nullptr) info.path = real;
    free(real);
  }
  struct stat st;
  StatusOr<proto::Hash> hash = agent::HashFile(info.path);
  if (hash.ok() && stat(info.path.c_str(), &st) == 0 && st.st_size > 0) {
    info.here = true;
    info.size = static_cast<uint64_t>(st.st_size);
    info.hash = hash.value();
  }
  return info;
}

std::vector<std::string> ForwardedEnvironment(const std::vector<std::string>& env_specs) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv(*e);
    if (ForwardedVariable(kv.substr(0, kv.find('=')))) env.push_back(kv);
  }
  for (const std::string& spec : env_specs) {
    if (spec.find('=') != std::string::npos) {
      env.push_back(spec);
    } else if (const char* v = getenv(spec.c_str())) {
      env.push_back(spec + "=" + v);
    }
  }
  return env;
}

StatusOr<proto::Launch> MakeLaunch(const LaunchCommon& common, const agent::JobPlan& plan,
                                   int host, bool here) {
  agent::PlanSpec spec;
  spec.hosts = plan.hosts();
  spec.host = host;
  spec.bind = common.bind;
  spec.map = common.map;
  spec.nspace = common.nspace;
  ZMPI_ASSIGN_OR_RETURN(std::string spec_text, agent::EncodePlanSpec(spec));
  proto::Launch launch;
  launch.job_id = common.job_id;
  launch.world_size = static_cast<uint32_t>(plan.size());
  for (const agent::RankSlot& slot : plan.RanksOn(host)) {
    launch.ranks.push_back(static_cast<uint32_t>(slot.rank));
    if (slot.rank == common.stdin_rank) launch.stdin_rank = slot.rank;
  }
  if (common.stdin_rank == Options::kStdinAll) launch.stdin_rank = proto::Launch::kStdinAll;
  launch.argv = common.argv;
  launch.env = common.env;
  launch.env.push_back(std::string(agent::kPlanSpecEnv) + "=" + spec_text);
  launch.executable = common.program.path;
  if (common.program.here) {  // content address: an agent lacking it asks for a copy
    launch.exe_hash = common.program.hash;
    launch.exe_size = common.program.size;
  }
  char cwd[PATH_MAX] = {};
  if (getcwd(cwd, sizeof(cwd) - 1) != nullptr) launch.cwd = cwd;
  if (!here && !common.shared_fs) {
    launch.job_dir = true;
    launch.stage = common.stage;
    launch.collect = common.collect;
  }
  return launch;
}

Status SendProgram(agent::Link* link, uint64_t job_id, const ProgramInfo& program) {
  if (!program.here) return Error(Code::kArg, "%s is not on this host", program.path.c_str());
  int fd = open(program.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Error(Code::kOther, "cannot read %s: %s", program.path.c_str(), strerror(errno));
  }
  proto::ExeChunk chunk;
  chunk.job_id = job_id;
  std::string buf(proto::kMaxExeChunkData, '\0');
  Status s = OkStatus();
  while (s.ok() && chunk.offset < program.size) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), program.size - chunk.offset));
    ssize_t n = pread(fd, buf.data(), want, static_cast<off_t>(chunk.offset));
    if (n <= 0) {
      s = Error(Code::kOther, "%s changed while being sent", program.path.c_str());
      break;
    }
    chunk.data.assign(buf.data(), static_cast<size_t>(n));
    s = link->Send(chunk);
    chunk.offset += static_cast<uint64_t>(n);
  }
  close(fd);
  return s;
}

}  // namespace zmpi::launcher::zrun
