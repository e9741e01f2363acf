// The agent pieces without zrun: a job whose plan spans two hosts, of which this process
// serves only the first. Rank 0's fence must then reach the fence_nb upcall (on one host
// libpmix completes fences by itself), arrive in the Supervisor's fence handler on the loop's
// thread, and release the client when the handler completes it: the path zrund relays through.
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

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

// What zrund has while it serves: the topology, a directory, the PMIx server, SIGCHLD caught.
class AgentJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("PMIX_MCA_gds", "hash", 1);
    ASSERT_TRUE(topology_.Load().ok());
    ASSERT_TRUE(tmp_.Create("agent-job-test-").ok());
    ASSERT_TRUE(pmix_.Init(tmp_.path(), topology_.hwloc_handle()).ok());
    ASSERT_TRUE(signals_.Install({SIGCHLD}).ok());
  }
  // Registers `nspace` with one rank here and, for `two_hosts`, one on a host "elsewhere".
  void Register(const std::string& nspace, bool two_hosts) {
    std::vector<HostShare> hosts = {{"here", 1}};
    if (two_hosts) hosts.push_back({"elsewhere", 1});
    StatusOr<JobPlan> plan =
        JobPlan::Make(static_cast<int>(hosts.size()), hosts, BindPolicy::kNone);
    ASSERT_TRUE(plan.ok());
    ASSERT_TRUE(pmix_.RegisterJob(JobInfo{nspace, 0, tmp_.path()}, plan.value()).ok());
  }

  Topology topology_;
  TempDir tmp_;
  PmixServer pmix_;
  SignalPipe signals_;
};

// The descriptors of this process that are sockets.
std::set<int> SocketFds() {
  std::set<int> out;
  DIR* dir = opendir("/proc/self/fd");
  while (dirent* e = dir ? readdir(dir) : nullptr) {
    char target[64] = {};
    std::string path = std::string("/proc/self/fd/") + e->d_name;
    if (readlink(path.c_str(), target, sizeof(target) - 1) > 0 &&
        std::string(target).compare(0, 7, "socket:") == 0) {
      out.insert(atoi(e->d_name));
    }
  }
  if (dir) closedir(dir);
  return out;
}

bool FdOpen(int fd) { return fcntl(fd, F_GETFD) != -1; }

// Starts pmix_client as rank 0 of `nspace` with `args`.
StatusOr<SpawnedProcess> StartClient(PmixServer* pmix, Topology* topology,
                                     const std::string& nspace, std::vector<std::string> args) {
  EnvBlock env = EnvBlock::FromProcess();
  ZMPI_ASSIGN_OR_RETURN(std::vector<std::string> vars, pmix->ForkEnvironment(nspace, 0));
  for (const std::string& kv : vars) {
    env.Set(kv.substr(0, kv.find('=')), kv.substr(kv.find('=') + 1));
  }
  Spawner spawner(topology);
  SpawnRequest request;
  request.path = CLIENT_PATH;
  request.argv = {CLIENT_PATH};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.env = env.entries();
  return spawner.Spawn(request);
}

// Waits (bounded) for the client_connected upcall of `nspace`; completes every event seen.
bool WaitConnected(PmixServer* pmix, const std::string& nspace) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{pmix->event_fd(), POLLIN, 0};
    poll(&p, 1, 100);
    bool connected = false;
    for (const WireupEvent& e : pmix->TakeEvents()) {
      connected = connected || (e.kind == WireupEvent::Kind::kConnected && e.nspace == nspace);
      if (e.kind == WireupEvent::Kind::kFence) pmix->CompleteFence(e, e.data);
      else pmix->Complete(e, true);
    }
    if (connected) return true;
  }
  return false;
}

TEST_F(AgentJobTest, FenceAcrossHostsReachesTheFenceHandler) {
  const std::string nspace = "agent-job-test";
  ASSERT_NO_FATAL_FAILURE(Register(nspace, true));
  IoForwarder io(1, 2, true);
  SupervisorOptions options;
  options.nspace = nspace;
  options.host = "here";
  options.timeout_seconds = 20;
  Supervisor supervisor(options, &pmix_, &signals_, &io);
  int fences = 0;
  size_t fence_bytes = 0;
  supervisor.set_fence_handler([&](const WireupEvent& e) {
    ++fences;
    fence_bytes = e.data.size();
    pmix_.CompleteFence(e, e.data);  // as if the other host had contributed nothing
  });

  StatusOr<SpawnedProcess> p = StartClient(&pmix_, &topology_, nspace, {"--fence-only"});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  io.Add(p->stdout_fd, 0, false);
  io.Add(p->stderr_fd, 0, true);
  supervisor.AddRank(0, p->pid);
  EXPECT_EQ(supervisor.Run(), 0);
  EXPECT_EQ(fences, 1);
  EXPECT_GT(fence_bytes, 0u);  // rank 0's committed value travels in the blob
  pmix_.DeregisterJob(nspace);
}

// A job's namespace is dropped right after its rank exited, before libpmix has read the end of
// that rank's connection (zrund does so as soon as it reaped the rank; under load libpmix's
// thread is often behind). The next job's rank that gets the same descriptor number for its
// connection must still be served: it hung in PMIx_Init when deregistration closed the socket
// under libpmix's registered event, and so did the first rank of every later job.
TEST_F(AgentJobTest, TheNextConnectionOnADroppedJobsDescriptorIsServed) {
  // Job A: its rank connects and is still connected when the namespace goes.
  ASSERT_NO_FATAL_FAILURE(Register("job-a", false));
  std::set<int> before = SocketFds();
  StatusOr<SpawnedProcess> a = StartClient(&pmix_, &topology_, "job-a", {"--sleep", "60"});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(WaitConnected(&pmix_, "job-a"));
  std::set<int> added;
  for (int fd : SocketFds()) {
    if (!before.count(fd)) added.insert(fd);
  }
  ASSERT_EQ(added.size(), 1u) << "rank A's connection";
  const int conn = *added.begin();
  pmix_.DeregisterJob("job-a");
  kill(a->pid, SIGKILL);
  waitpid(a->pid, nullptr, 0);
  close(a->stdout_fd);
  close(a->stderr_fd);
  for (int i = 0; i < 200 && FdOpen(conn); ++i) {  // libpmix closes it once it sees the end
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_FALSE(FdOpen(conn)) << "rank A's connection was never closed";

  // Job B: its rank's connection gets the same descriptor number (the lowest free one, as it
  // happens in zrund): hold every free lower one, and that one while B's pipes are made.
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::vector<int> held;
  for (int fd = 3; fd <= conn; ++fd) {
    if (!FdOpen(fd) && dup3(null_fd, fd, O_CLOEXEC) == fd) held.push_back(fd);
  }
  ASSERT_NO_FATAL_FAILURE(Register("job-b", false));
  StatusOr<SpawnedProcess> b = StartClient(&pmix_, &topology_, "job-b", {});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  close(conn);  // free again before B connects (B first has to exec and load libpmix)
  IoForwarder io(1, 2, true);
  io.Add(b->stdout_fd, 0, false);
  io.Add(b->stderr_fd, 0, true);
  SupervisorOptions options;
  options.nspace = "job-b";
  options.host = "here";
  options.timeout_seconds = 15;
  Supervisor supervisor(options, &pmix_, &signals_, &io);
  supervisor.AddRank(0, b->pid);
  EXPECT_EQ(supervisor.Run(), 0) << "rank B did not get through PMIx_Init (124: it hung)";
  pmix_.DeregisterJob("job-b");
  for (int fd : held) {
    if (fd != conn) close(fd);
  }
  close(null_fd);
}

// A rank that connected to PMIx but never reaches the start-up exchange (stuck in start-up)
// ends the job after the start-up limit, with one line naming it.
TEST_F(AgentJobTest, AStuckStartUpEndsTheJob) {
  ASSERT_NO_FATAL_FAILURE(Register("stuck", true));
  StatusOr<SpawnedProcess> p = StartClient(&pmix_, &topology_, "stuck", {"--stall", "60"});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  IoForwarder io(1, 2, true);
  io.Add(p->stdout_fd, 0, false);
  io.Add(p->stderr_fd, 0, true);
  SupervisorOptions options;
  options.nspace = "stuck";
  options.host = "here";
  options.startup_timeout_seconds = 2;
  options.timeout_seconds = 30;
  Supervisor supervisor(options, &pmix_, &signals_, &io);
  std::string reason;
  supervisor.set_end_handler([&](int, const std::string& why) { reason = why; });
  supervisor.set_fence_handler([&](const WireupEvent& e) {
    supervisor.StartupDone();
    pmix_.CompleteFence(e, e.data);
  });
  supervisor.AddRank(0, p->pid);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(supervisor.Run(), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  EXPECT_EQ(reason,
            "rank 0 on here did not reach MPI start-up's exchange (MPI_Init) within 2 s of "
            "connecting to PMIx; ending the job");
  pmix_.DeregisterJob("stuck");
}

}  // namespace
}  // namespace zmpi::launcher::agent
