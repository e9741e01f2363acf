#include "launcher/zrun/zrun.h"

#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "common/contract.h"
#include "common/log.h"
#include "launcher/agent/host_info.h"
#include "launcher/agent/io_forwarder.h"
#include "launcher/agent/openmpi_guard.h"
#include "launcher/agent/shm_cleaner.h"
#include "launcher/agent/signal_pipe.h"
#include "launcher/agent/spawner.h"
#include "launcher/agent/temp_dir.h"
#include "launcher/zrun/mpich_binaries.h"
#include "launcher/zrun/rank_sessions.h"
#include "launcher/zrun/teardown_guard.h"

namespace zmpi::launcher::zrun {

using agent::HostName;
using agent::LibraryDir;

namespace {

// Variables of other launchers and of a surrounding PMIx job: a rank must see only ours.
const std::vector<std::string> kScrubbedPrefixes = {"PMIX_", "OMPI_", "PMI_", "PRTE_", "PRRTE_"};

int Fail(const Status& status) {
  fprintf(stderr, "zrun: %s\n", status.message().c_str());
  return 1;
}

}  // namespace

void Zrun::ScrubEnvironment() {
  agent::EnvBlock current = agent::EnvBlock::FromProcess();
  for (const std::string& entry : current.entries()) {
    std::string name = entry.substr(0, entry.find('='));
    for (const std::string& p : kScrubbedPrefixes) {
      if (name.compare(0, p.size(), p) == 0) unsetenv(name.c_str());
    }
  }
  // The hash store makes client init ~10x faster than the shared-memory one (CLUSTER-TESTS.md).
  setenv("PMIX_MCA_gds", "hash", 1);
  base_env_ = agent::EnvBlock::FromProcess();
  agent::SetOpenMpiGuard(&base_env_);
}

StatusOr<agent::JobPlan> Zrun::MakePlan() {
  int nranks = options_.auto_ranks ? topology_.core_count() : options_.nranks;
  ZMPI_ASSIGN_OR_RETURN(
      agent::JobPlan plan,
      agent::JobPlan::Make(nranks, {{host_, topology_.core_count()}}, options_.bind));
  if (plan.oversubscribed() && !options_.oversubscribe) {
    fprintf(stderr, "zrun: warning: %d ranks on %d cores: %s\n", nranks, topology_.core_count(),
            options_.bind == agent::BindPolicy::kCore ? "cores are shared round-robin"
                                                      : "ranks share cores");
  }
  return plan;
}

Status Zrun::PlanMpichBinary() {
  ZMPI_ASSIGN_OR_RETURN(MpichSetup setup, CheckProgram(options_.command[0], program_path_, lib_dir_,
                                                       options_.mpich_binaries));
  preload_ = setup.preload;
  return OkStatus();
}

StatusOr<agent::EnvBlock> Zrun::RankEnvironment(agent::WireupServer* pmix, int rank) {
  agent::EnvBlock env = base_env_;
  ZMPI_ASSIGN_OR_RETURN(std::vector<std::string> pmix_vars, pmix->ForkEnvironment(nspace_, rank));
  for (const std::string& kv : pmix_vars) {
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env.Set(kv.substr(0, eq), kv.substr(eq + 1));
  }
  env.Set(contract::kOfiIfaceEnv, "lo");
  env.Set(contract::kJobHostEnv, host_);
  env.Set(contract::kJobShmPrefixEnv, shm_prefix_);
  if (!lib_dir_.empty()) env.PrependPath("LD_LIBRARY_PATH", lib_dir_);
  if (!preload_.empty()) env.PrependPath("LD_PRELOAD", preload_);
  for (const std::string& spec : options_.env_specs) env.SetFromSpec(spec, base_env_);
  return env;
}

void Zrun::StartRanks(const agent::JobPlan& plan, agent::WireupServer* pmix,
                      agent::Supervisor* supervisor, agent::IoForwarder* io, StdinFeeder* input) {
  agent::Spawner spawner(&topology_);
  const RankSessionPlan sessions =
      PlanRankSessions(options_.rank_sessions, plan.oversubscribed(), platform::LoadAverage(),
                       topology_.core_count());
  for (int r = 0; r < plan.size(); ++r) {
    if (supervisor->Tick()) return;  // --timeout, Ctrl-C or a failed rank while spawning
    StatusOr<agent::EnvBlock> env = RankEnvironment(pmix, r);
    if (!env.ok()) {
      supervisor->EndJob(
          1, "cannot prepare rank " + std::to_string(r) + ": " + env.status().message());
      return;
    }
    if (sessions.sleep_when_waiting && !env->Find(kOversubWaitEnv)) {
      env->Set(kOversubWaitEnv, "sleep");  // rank_sessions.h
    }
    agent::SpawnRequest request;
    request.path = program_path_;
    request.argv = options_.command;
    request.env = env->entries();
    request.core = plan.rank(r).core;
    request.describe_binding = options_.report_bindings;
    request.stdin_fd = input->FdFor(r);
    request.inherit_fd = pmix->RankDescriptor(nspace_, r);
    request.own_session = sessions.own_sessions;  // rank_sessions.h
    StatusOr<agent::SpawnedProcess> p = spawner.Spawn(request);
    if (!p.ok()) {
      supervisor->EndJob(1, "cannot start rank " + std::to_string(r) + ": " + p.status().message());
      return;
    }
    io->Add(p->stdout_fd, r, false);
    io->Add(p->stderr_fd, r, true);
    supervisor->AddRank(r, p->pid);
    if (options_.report_bindings) {
      fprintf(stderr, "zrun: rank %d on %s bound to %s\n", r, host_.c_str(), p->binding.c_str());
    }
  }
}

int Zrun::Run() {
  auto t0 = std::chrono::steady_clock::now();
  auto ms = [&t0] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  };
  signal(SIGPIPE, SIG_IGN);  // a closed stdout must not kill zrun (and with it the job)
  ScrubEnvironment();
  host_ = HostName();
  lib_dir_ = LibraryDir();
  shm_prefix_ = agent::MakeJobShmPrefix();
  nspace_ = "zrun." + shm_prefix_.substr(5, shm_prefix_.size() - 6);  // "zrun.<pid>-<hex>"
  if (!options_.timeout_given) {
    const char* t = getenv("ZMPI_ZRUN_TIMEOUT");
    if (t != nullptr) options_.timeout_seconds = atoi(t);
  }
  Status loaded = topology_.Load();
  if (!loaded.ok()) return Fail(loaded);
  StatusOr<std::string> path = agent::Spawner::ResolveProgram(
      options_.command[0], base_env_.Find("PATH").value_or("/usr/bin:/bin"));
  if (!path.ok()) return Fail(path.status());
  program_path_ = path.value();
  Status mpich = PlanMpichBinary();
  if (!mpich.ok()) return Fail(mpich);
  StatusOr<agent::JobPlan> plan = MakePlan();
  if (!plan.ok()) return Fail(plan.status());
  StdinFeeder input;
  Status stdin_ok = input.Prepare(options_.stdin_rank, plan->size());
  if (!stdin_ok.ok()) return Fail(stdin_ok);
  ZMPI_LOG(kInfo, "zrun", "topology and plan ready after %.1f ms", ms());

  // From here on a signal ends the job through the loop, so every exit path cleans up.
  agent::SignalPipe signals;
  Status s = signals.Install({SIGINT, SIGTERM, SIGHUP, SIGCHLD});
  if (!s.ok()) return Fail(s);
  // Declared in this order so they are torn down in reverse: server first, then its directory.
  agent::TempDir tmpdir;
  agent::RemoveStaleTempDirs("zrun-pmix", host_);  // left by a zrun that was SIGKILLed
  agent::RemoveDeadShmSegments();                   // the same for its ranks' /dev/shm
  s = tmpdir.Create(agent::OwnedTempPrefix("zrun-pmix", host_));
  if (!s.ok()) return Fail(s);
  StatusOr<agent::WireupKind> kind = agent::WireupKindFromEnvironment();
  if (!kind.ok()) return Fail(kind.status());
  StatusOr<std::unique_ptr<agent::WireupServer>> server = agent::CreateWireupServer(kind.value());
  if (!server.ok()) return Fail(server.status());
  agent::WireupServer& pmix = *server.value();
  s = pmix.Init(tmpdir.path(), topology_.hwloc_handle());
  if (!s.ok()) return Fail(s);
  s = pmix.RegisterJob(agent::JobInfo{nspace_, 0, tmpdir.path()}, plan.value());
  if (!s.ok()) return Fail(s);
  ZMPI_LOG(kInfo, "zrun", "%s server up, job %s registered after %.1f ms", pmix.Name(),
           nspace_.c_str(), ms());

  agent::IoForwarder io(1, 2, options_.tag_output);
  agent::SupervisorOptions sup_options;
  sup_options.nspace = nspace_;
  sup_options.host = host_;
  sup_options.timeout_seconds = options_.timeout_seconds;
  sup_options.clock_start = t0;  // the time limit covers start-up too
  agent::Supervisor supervisor(sup_options, &pmix, &signals, &io);
  StartRanks(plan.value(), &pmix, &supervisor, &io, &input);
  s = input.Start();
  if (!s.ok()) supervisor.EndJob(1, s.message());
  ZMPI_LOG(kInfo, "zrun", "%d ranks started after %.1f ms", plan->size(), ms());
  int code = supervisor.Run();
  input.Stop();
  ZMPI_LOG(kInfo, "zrun", "job ended with %d after %.1f ms", code, ms());

  // libpmix's teardown can block (teardown_guard.h): signals keep their say meanwhile.
  TeardownGuard::Options guard_options;
  guard_options.signal_fd = signals.fd();
  guard_options.job_exit_code = code;
  if (supervisor.received_signal() != 0) guard_options.limit = TeardownGuard::kAfterSignal;
  guard_options.cleanup = [this, &tmpdir] {
    agent::RemoveShmSegments(shm_prefix_);
    tmpdir.Remove();
  };
  {
    TeardownGuard guard(std::move(guard_options));
    pmix.DeregisterJob(nspace_);
    agent::RemoveShmSegments(shm_prefix_);
    server.value().reset();  // PMIx_server_finalize
  }
  ZMPI_LOG(kInfo, "zrun", "cleaned up after %.1f ms", ms());
  return code;
}

}  // namespace zmpi::launcher::zrun
