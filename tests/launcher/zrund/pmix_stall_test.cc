// agent::PmixServer when libpmix's progress thread stops answering (libpmix 4.2.2 can block it
// for good: docs/zrund.md). The thread is really stopped (LibpmixFreezer), nothing is mocked.
// Each case runs in its own process: a server whose libpmix stopped answering is never
// finalized.
#include <stdlib.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "launcher/agent/job_plan.h"
#include "launcher/agent/pmix_server.h"
#include "launcher/agent/temp_dir.h"
#include "launcher/agent/topology.h"
#include "libpmix_freezer.h"

namespace zmpi::launcher::zrund {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kLimit{400};

long Ms(Clock::duration d) { return std::chrono::duration_cast<milliseconds>(d).count(); }

// A PMIx server with a short limit per operation, and a 2-host job to register.
class Server {
 public:
  Server() {
    setenv("PMIX_MCA_gds", "hash", 1);
    EXPECT_TRUE(topology_.Load().ok());
    EXPECT_TRUE(tmp_.Create("pmix-stall-test-").ok());
    EXPECT_TRUE(pmix.Init(tmp_.path(), topology_.hwloc_handle()).ok());
  }
  Status Register(const std::string& nspace) {
    StatusOr<agent::JobPlan> plan =
        agent::JobPlan::Make(2, {{"here", 1}, {"elsewhere", 1}}, agent::BindPolicy::kNone);
    if (!plan.ok()) return plan.status();
    return pmix.RegisterJob(agent::JobInfo{nspace, 0, tmp_.path()}, plan.value());
  }

 private:
  agent::Topology topology_;
  agent::TempDir tmp_;

 public:
  agent::PmixServer pmix{kLimit};
};

TEST(PmixStall, ARegistrationThatRunsOutOfTimeMarksLibpmixUnresponsive) {
  EXPECT_TRUE(InOwnProcess([] {
    Server server;
    ASSERT_TRUE(server.Register("stall-a").ok());
    EXPECT_TRUE(server.pmix.responsive());
    EXPECT_EQ(server.pmix.stall(), "");
    LibpmixFreezer freezer;
    ASSERT_TRUE(freezer.Freeze());

    Clock::time_point start = Clock::now();
    Status s = server.Register("stall-b");
    long ms = Ms(Clock::now() - start);
    EXPECT_EQ(s.message(), "PMIx_server_register_nspace: TIMEOUT");
    EXPECT_FALSE(server.pmix.responsive());
    EXPECT_EQ(server.pmix.stall(), "PMIx_server_register_nspace took over 400 ms");
    // One wait only: undoing the half-done registration does not wait a second time.
    EXPECT_GE(ms, kLimit.count());
    EXPECT_LT(ms, 2 * kLimit.count()) << "waited again after libpmix stopped answering";

    // Later calls fail at once, without calling into libpmix.
    start = Clock::now();
    EXPECT_EQ(server.Register("stall-c").message(), "PMIx_server_register_nspace: TIMEOUT");
    server.pmix.DeregisterJob("stall-a");
    EXPECT_LT(Ms(Clock::now() - start), kLimit.count() / 2);
    EXPECT_EQ(server.pmix.stall(), "PMIx_server_register_nspace took over 400 ms");
  }));
}

TEST(PmixStall, ADeregistrationThatRunsOutOfTimeMarksLibpmixUnresponsive) {
  EXPECT_TRUE(InOwnProcess([] {
    Server server;
    ASSERT_TRUE(server.Register("stall-a").ok());
    LibpmixFreezer freezer;
    ASSERT_TRUE(freezer.Freeze());
    Clock::time_point start = Clock::now();
    server.pmix.DeregisterJob("stall-a");
    EXPECT_GE(Ms(Clock::now() - start), kLimit.count());
    EXPECT_FALSE(server.pmix.responsive());
    EXPECT_EQ(server.pmix.stall(), "PMIx_server_deregister_nspace took over 400 ms");
  }));
}

// A slow libpmix that still answers in time is not taken for a stuck one.
TEST(PmixStall, ALibpmixThatAnswersWithinTheLimitStaysResponsive) {
  EXPECT_TRUE(InOwnProcess([] {
    Server server;
    LibpmixFreezer freezer;
    ASSERT_TRUE(freezer.Freeze());
    std::thread thaw([&freezer] {
      std::this_thread::sleep_for(kLimit / 4);
      freezer.Thaw();
    });
    EXPECT_TRUE(server.Register("slow").ok());
    thaw.join();
    EXPECT_TRUE(server.pmix.responsive());
    server.pmix.DeregisterJob("slow");
    EXPECT_TRUE(server.pmix.responsive());
  }));
}

}  // namespace
}  // namespace zmpi::launcher::zrund
