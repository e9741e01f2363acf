// The agent pieces without zrun: a job whose plan spans two hosts, of which this process
// serves only the first. Rank 0's fence must then reach the fence_nb upcall (on one host
// libpmix completes fences by itself), arrive in the Supervisor's fence handler on the loop's
// thread, and release the client when the handler completes it: the path zrund relays through.
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "launcher/agent/env_block.h"
#include "launcher/agent/io_forwarder.h"
#include "launcher/agent/job_plan.h"
#include "launcher/agent/pmix_server.h"
#include "launcher/agent/signal_pipe.h"
#include "launcher/agent/spawner.h"
#include "launcher/agent/supervisor.h"
#include "launcher/agent/temp_dir.h"
#include "launcher/agent/topology.h"

namespace zmpi::launcher::agent {
namespace {

TEST(AgentJob, FenceAcrossHostsReachesTheFenceHandler) {
  setenv("PMIX_MCA_gds", "hash", 1);
  Topology topology;
  ASSERT_TRUE(topology.Load().ok());
  StatusOr<JobPlan> plan = JobPlan::Make(2, {{"here", 1}, {"elsewhere", 1}}, BindPolicy::kNone);
  ASSERT_TRUE(plan.ok());
  TempDir tmp;
  ASSERT_TRUE(tmp.Create("agent-job-test-").ok());
  PmixServer pmix;
  ASSERT_TRUE(pmix.Init(tmp.path(), topology.hwloc_handle()).ok());
  const std::string nspace = "agent-job-test";
  ASSERT_TRUE(pmix.RegisterJob(JobInfo{nspace, 0, tmp.path()}, plan.value()).ok());

  SignalPipe signals;
  ASSERT_TRUE(signals.Install({SIGCHLD}).ok());
  IoForwarder io(1, 2, true);
  SupervisorOptions options;
  options.nspace = nspace;
  options.host = "here";
  options.timeout_seconds = 20;
  Supervisor supervisor(options, &pmix, &signals, &io);
  int fences = 0;
  size_t fence_bytes = 0;
  supervisor.set_fence_handler([&](const PmixEvent& e) {
    ++fences;
    fence_bytes = e.data.size();
    pmix.CompleteFence(e, e.data);  // as if the other host had contributed nothing
  });

  EnvBlock env = EnvBlock::FromProcess();
  StatusOr<std::vector<std::string>> vars = pmix.ForkEnvironment(nspace, 0);
  ASSERT_TRUE(vars.ok()) << vars.status().ToString();
  for (const std::string& kv : vars.value()) {
    env.Set(kv.substr(0, kv.find('=')), kv.substr(kv.find('=') + 1));
  }
  Spawner spawner(&topology);
  SpawnRequest request;
  request.path = CLIENT_PATH;
  request.argv = {CLIENT_PATH, "--fence-only"};
  request.env = env.entries();
  StatusOr<SpawnedProcess> p = spawner.Spawn(request);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  io.Add(p->stdout_fd, 0, false);
  io.Add(p->stderr_fd, 0, true);
  supervisor.AddRank(0, p->pid);
  EXPECT_EQ(supervisor.Run(), 0);
  EXPECT_EQ(fences, 1);
  EXPECT_GT(fence_bytes, 0u);  // rank 0's committed value travels in the blob
  pmix.DeregisterJob(nspace, plan.value(), 0);
}

}  // namespace
}  // namespace zmpi::launcher::agent
