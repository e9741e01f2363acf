// zrund's AgentJob with a zrun peer on the other end of a socket pair: the frames zrun sends
// are handled however they arrive, and libpmix that stops answering (its thread really
// stopped, LibpmixFreezer) is reported the way zrund needs. Each case runs in its own process
// (libpmix cannot be initialized twice in one).
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <memory>
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
#include "libpmix_freezer.h"

namespace zmpi::launcher::zrund {
namespace {

using Clock = std::chrono::steady_clock;

// Rank 0 of a 2-host job, here, running `sleep <seconds>`.
proto::Launch SleepLaunch(const char* seconds = "30") {
  agent::PlanSpec spec;
  spec.hosts = {{"here", 1}, {"elsewhere", 1}};
  spec.bind = agent::BindPolicy::kNone;
  spec.nspace = "zrund-job-test";
  proto::Launch launch;
  launch.job_id = 7;
  launch.world_size = 2;
  launch.ranks = {0};
  launch.argv = {"sleep", seconds};
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

// The two ends of an authenticated zrun<->agent connection.
struct Connection {
  Connection() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    zrun = std::make_unique<agent::Link>(fds[0], "zrun");
    agent = std::make_unique<agent::Link>(fds[1], "agent");
    uint8_t bytes[proto::kKeySize] = {1, 2, 3};
    std::unique_ptr<proto::KeyFile> key = proto::KeyFile::FromBytes(bytes);
    Status client = OkStatus();
    std::thread peer([&] { client = zrun->HandshakeAsClient(*key, "zrun-host", 5000); });
    EXPECT_TRUE(agent->HandshakeAsAgent(*key, "here", 5000).ok());
    peer.join();
    EXPECT_TRUE(client.ok()) << client.ToString();
  }
  std::unique_ptr<agent::Link> zrun;
  std::unique_ptr<agent::Link> agent;
};

// What zrund has while it serves, with a PMIx server whose operations may take `limit`.
struct Agent {
  explicit Agent(std::chrono::milliseconds limit) : pmix(limit) {
    setenv("PMIX_MCA_gds", "hash", 1);
    EXPECT_TRUE(topology.Load().ok());
    EXPECT_TRUE(tmp.Create("zrund-job-test-").ok());
    EXPECT_TRUE(pmix.Init(tmp.path(), topology.hwloc_handle()).ok());
    EXPECT_TRUE(signals.Install({SIGCHLD}).ok());
    context.topology = &topology;
    context.pmix = &pmix;
    context.signals = &signals;
    context.host = "here";
    context.tmpdir = tmp.path();
    context.cores = 1;
    context.cache_dir = tmp.path() + "/cache";
  }
  agent::Topology topology;
  agent::TempDir tmp;
  agent::PmixServer pmix;
  agent::SignalPipe signals;
  AgentContext context;
};

// zrun ends the job before this agent has read its Launch (a slow agent, another host's rank
// failed at once): the agent reads the Launch and the JobEnd in one go. The JobEnd then waits
// in the link's buffer, where poll() never reports it; the job must still end at once.
TEST(ZrundJob, AJobEndReadWithTheLaunchEndsTheJob) {
  EXPECT_TRUE(InOwnProcess([] {
    Connection link;
    proto::Launch launch = SleepLaunch();
    ASSERT_TRUE(link.zrun->Send(launch).ok());
    ASSERT_TRUE(
        link.zrun->Send(proto::JobEnd{launch.job_id, proto::EndReason::kRankFailed, 3}).ok());
    StatusOr<proto::Frame> first = link.agent->Receive(5000);  // as zrund: reads all there is
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    ASSERT_EQ(first->type(), proto::MessageType::kLaunch);

    Agent here(agent::PmixServer::kDefaultOpLimit);
    Clock::time_point start = Clock::now();
    AgentJob job(here.context, link.agent.get(), launch);
    Status ran = job.Run();
    EXPECT_TRUE(ran.ok()) << ran.ToString();
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(10)) << "the rank ran until its end";
    EXPECT_TRUE(ReceiveJobEnd(link.zrun.get(), 5000));
  }));
}

constexpr std::chrono::milliseconds kLimit{400};

// libpmix stopped answering before the job: zrun gets one Error naming the registration (the
// line it prints), and the agent knows libpmix stopped answering (zrund then restarts).
TEST(ZrundJob, ARegistrationThatRunsOutOfTimeIsAnsweredWithOneError) {
  EXPECT_TRUE(InOwnProcess([] {
    Connection link;
    Agent here(kLimit);
    LibpmixFreezer freezer;
    ASSERT_TRUE(freezer.Freeze());
    AgentJob job(here.context, link.agent.get(), SleepLaunch());
    Status ran = job.Run();
    EXPECT_EQ(ran.message(), "PMIx_server_register_nspace: TIMEOUT");
    EXPECT_FALSE(here.pmix.responsive());
    EXPECT_TRUE(job.rank_pids().empty());
    StatusOr<proto::Frame> frame = link.zrun->Receive(1000);
    ASSERT_TRUE(frame.ok()) << frame.status().ToString();
    ASSERT_EQ(frame->type(), proto::MessageType::kError);
    StatusOr<proto::ErrorMessage> error = agent::DecodeAs<proto::ErrorMessage>(frame.value());
    ASSERT_TRUE(error.ok());
    EXPECT_EQ(error->reason, "PMIx_server_register_nspace: TIMEOUT");
    EXPECT_EQ(error->code, 1u);  // zrun's exit status
    EXPECT_FALSE(link.zrun->Receive(100).ok()) << "more than one answer";
  }));
}

// libpmix stops answering while the job runs: the job's end reaches zrun before the
// deregistration runs out of time (zrun waits only so long for it once a job fails).
TEST(ZrundJob, TheJobEndGoesOutBeforeADeregistrationThatRunsOutOfTime) {
  EXPECT_TRUE(InOwnProcess([] {
    Connection link;
    Agent here(kLimit);
    LibpmixFreezer freezer;
    Clock::time_point job_end;
    std::thread zrun([&] {
      Clock::time_point deadline = Clock::now() + std::chrono::seconds(10);
      while (Clock::now() < deadline) {
        StatusOr<proto::Frame> frame = link.zrun->Receive(200);
        if (!frame.ok()) continue;
        if (frame->type() == proto::MessageType::kLaunchReply) {
          EXPECT_TRUE(freezer.Freeze());
        }
        if (frame->type() != proto::MessageType::kJobEnd) continue;
        job_end = Clock::now();
        return;
      }
    });
    AgentJob job(here.context, link.agent.get(), SleepLaunch("0.3"));
    Status ran = job.Run();
    Clock::time_point returned = Clock::now();
    zrun.join();
    EXPECT_TRUE(ran.ok()) << ran.ToString();
    EXPECT_EQ(job.rank_pids().size(), 1u);
    EXPECT_FALSE(here.pmix.responsive());
    EXPECT_EQ(here.pmix.stall(), "PMIx_server_deregister_nspace took over 400 ms");
    ASSERT_NE(job_end, Clock::time_point()) << "no JobEnd";
    EXPECT_GE(returned - job_end, kLimit - std::chrono::milliseconds(50));
  }));
}

}  // namespace
}  // namespace zmpi::launcher::zrund
