// zrund's AgentJob in this process, with a zrun peer on the other end of a socket pair: the
// frames zrun sends are handled however they arrive.
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "launcher/agent/link.h"
#include "launcher/agent/pmix_server.h"
#include "launcher/agent/plan_spec.h"
#include "launcher/agent/signal_pipe.h"
#include "launcher/agent/temp_dir.h"
#include "launcher/agent/topology.h"
#include "launcher/proto/key_file.h"
#include "launcher/zrund/agent_job.h"

namespace zmpi::launcher::zrund {
namespace {

using Clock = std::chrono::steady_clock;

// Rank 0 of a 2-host job, here, running `sleep 30`.
proto::Launch SleepLaunch() {
  agent::PlanSpec spec;
  spec.hosts = {{"here", 1}, {"elsewhere", 1}};
  spec.bind = agent::BindPolicy::kNone;
  spec.nspace = "zrund-job-test";
  proto::Launch launch;
  launch.job_id = 7;
  launch.world_size = 2;
  launch.ranks = {0};
  launch.argv = {"sleep", "30"};
  launch.executable = "/bin/sleep";
  launch.env = {std::string(agent::kPlanSpecEnv) + "=" + EncodePlanSpec(spec).value()};
  return launch;
}

// Reads frames on `link` (bounded) until a JobEnd; false if none came.
bool ReceiveJobEnd(agent::Link* link, int timeout_ms) {
  Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < deadline) {
    StatusOr<proto::Frame> frame = link->Receive(200);
    if (frame.ok() && frame->type() == proto::MessageType::kJobEnd) return true;
  }
  return false;
}

// zrun ends the job before this agent has read its Launch (a slow agent, another host's rank
// failed at once): the agent reads the Launch and the JobEnd in one go. The JobEnd then waits
// in the link's buffer, where poll() never reports it; the job must still end at once.
TEST(ZrundJob, AJobEndReadWithTheLaunchEndsTheJob) {
  setenv("PMIX_MCA_gds", "hash", 1);
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  agent::Link zrun_side(fds[0], "zrun");
  agent::Link agent_side(fds[1], "agent");
  uint8_t bytes[proto::kKeySize] = {1, 2, 3};
  std::unique_ptr<proto::KeyFile> key = proto::KeyFile::FromBytes(bytes);
  Status client = OkStatus();
  std::thread zrun([&] { client = zrun_side.HandshakeAsClient(*key, "zrun-host", 5000); });
  ASSERT_TRUE(agent_side.HandshakeAsAgent(*key, "here", 5000).ok());
  zrun.join();
  ASSERT_TRUE(client.ok()) << client.ToString();

  proto::Launch launch = SleepLaunch();
  ASSERT_TRUE(zrun_side.Send(launch).ok());
  ASSERT_TRUE(zrun_side.Send(proto::JobEnd{launch.job_id, proto::EndReason::kRankFailed, 3}).ok());
  StatusOr<proto::Frame> first = agent_side.Receive(5000);  // as zrund: reads all there is
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->type(), proto::MessageType::kLaunch);

  agent::Topology topology;
  ASSERT_TRUE(topology.Load().ok());
  agent::TempDir tmp;
  ASSERT_TRUE(tmp.Create("zrund-job-test-").ok());
  agent::PmixServer pmix;
  ASSERT_TRUE(pmix.Init(tmp.path(), topology.hwloc_handle()).ok());
  agent::SignalPipe signals;
  ASSERT_TRUE(signals.Install({SIGCHLD}).ok());
  AgentContext context;
  context.topology = &topology;
  context.pmix = &pmix;
  context.signals = &signals;
  context.host = "here";
  context.tmpdir = tmp.path();
  context.cores = 1;
  context.cache_dir = tmp.path() + "/cache";

  Clock::time_point start = Clock::now();
  AgentJob job(context, &agent_side, launch);
  Status ran = job.Run();
  EXPECT_TRUE(ran.ok()) << ran.ToString();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10)) << "the rank ran until its end";
  EXPECT_TRUE(ReceiveJobEnd(&zrun_side, 5000));
}

}  // namespace
}  // namespace zmpi::launcher::zrund
