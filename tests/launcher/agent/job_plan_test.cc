#include "launcher/agent/job_plan.h"

#include <gtest/gtest.h>

namespace zmpi::launcher::agent {
namespace {

TEST(JobPlan, OneRankPerCoreOnOneHost) {
  StatusOr<JobPlan> plan = JobPlan::Make(4, {{"h1", 4}}, BindPolicy::kCore);
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->oversubscribed());
  for (int r = 0; r < 4; ++r) {
    EXPECT_EQ(plan->rank(r).rank, r);
    EXPECT_EQ(plan->rank(r).host, 0);
    EXPECT_EQ(plan->rank(r).local_rank, r);
    EXPECT_EQ(plan->rank(r).core, r);
  }
  EXPECT_EQ(plan->LocalPeers(0), "0,1,2,3");
}

TEST(JobPlan, OversubscribedIsRoundRobin) {
  StatusOr<JobPlan> plan = JobPlan::Make(5, {{"h1", 2}}, BindPolicy::kCore);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->oversubscribed());
  std::vector<int> cores;
  for (int r = 0; r < 5; ++r) cores.push_back(plan->rank(r).core);
  EXPECT_EQ(cores, std::vector<int>({0, 1, 0, 1, 0}));
}

TEST(JobPlan, NoBinding) {
  StatusOr<JobPlan> plan = JobPlan::Make(3, {{"h1", 8}}, BindPolicy::kNone);
  ASSERT_TRUE(plan.ok());
  for (int r = 0; r < 3; ++r) EXPECT_EQ(plan->rank(r).core, -1);
}

TEST(JobPlan, FewerRanksThanCores) {
  StatusOr<JobPlan> plan = JobPlan::Make(2, {{"h1", 8}}, BindPolicy::kCore);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->size(), 2);
  EXPECT_EQ(plan->LocalPeers(0), "0,1");
  EXPECT_FALSE(plan->oversubscribed());
}

TEST(JobPlan, HostsFillInOrderThenRoundRobin) {
  StatusOr<JobPlan> plan = JobPlan::Make(7, {{"h1", 2}, {"h2", 3}}, BindPolicy::kCore);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->oversubscribed());
  EXPECT_EQ(plan->LocalPeers(0), "0,1,5");
  EXPECT_EQ(plan->LocalPeers(1), "2,3,4,6");
  EXPECT_EQ(plan->rank(2).local_rank, 0);
  EXPECT_EQ(plan->rank(5).local_rank, 2);
  EXPECT_EQ(plan->rank(5).core, 0);  // third rank on a 2-core host wraps around
  EXPECT_EQ(plan->rank(6).core, 0);  // fourth rank on a 3-core host
  EXPECT_EQ(plan->RanksOn(1).size(), 4u);
}

TEST(JobPlan, RejectsNonsense) {
  EXPECT_FALSE(JobPlan::Make(0, {{"h1", 2}}, BindPolicy::kCore).ok());
  EXPECT_FALSE(JobPlan::Make(2, {}, BindPolicy::kCore).ok());
  EXPECT_FALSE(JobPlan::Make(2, {{"h1", 0}}, BindPolicy::kCore).ok());
}

// -n 100000 was accepted and zrun grew until the OOM killer.
TEST(JobPlan, RanksAreBoundedByWhatTheHostsOffer) {
  StatusOr<JobPlan> plan = JobPlan::Make(100000, {{"h1", 2}}, BindPolicy::kCore);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), Code::kArg);
  EXPECT_EQ(plan.status().message(),
            "100000 ranks are more than this host can run: 2 cores offered, at most 128 ranks "
            "per core (256 in all)");
  EXPECT_TRUE(JobPlan::Make(2 * kMaxRanksPerCore, {{"h1", 2}}, BindPolicy::kCore).ok());
  EXPECT_FALSE(JobPlan::Make(2 * kMaxRanksPerCore + 1, {{"h1", 2}}, BindPolicy::kCore).ok());
  // Over several hosts the bound is their sum.
  EXPECT_TRUE(JobPlan::Make(5 * kMaxRanksPerCore, {{"h1", 2}, {"h2", 3}}, BindPolicy::kNone).ok());
  plan = JobPlan::Make(5 * kMaxRanksPerCore + 1, {{"h1", 2}, {"h2", 3}}, BindPolicy::kNone);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("the job's hosts can run: 5 cores"), std::string::npos);
}

TEST(JobPlan, MapByNodeDealsOnePerHostInTurn) {
  StatusOr<JobPlan> plan =
      JobPlan::Make(7, {{"a", 1}, {"b", 3}, {"c", 2}}, BindPolicy::kCore, MapBy::kNode);
  ASSERT_TRUE(plan.ok());
  // a b c | b c | b | (all 6 cores used) a
  const int hosts[] = {0, 1, 2, 1, 2, 1, 0};
  for (int r = 0; r < 7; ++r) EXPECT_EQ(plan->rank(r).host, hosts[r]) << r;
  EXPECT_EQ(plan->LocalPeers(1), "1,3,5");
  EXPECT_EQ(plan->rank(5).local_rank, 2);
  EXPECT_EQ(plan->rank(5).core, 2);
  EXPECT_EQ(plan->rank(6).core, 0);  // second rank on a's only core
  EXPECT_TRUE(plan->oversubscribed());
  StatusOr<JobPlan> fits = JobPlan::Make(3, {{"a", 2}, {"b", 2}}, BindPolicy::kCore, MapBy::kNode);
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(fits->LocalPeers(0), "0,2");
  EXPECT_FALSE(fits->oversubscribed());
}

}  // namespace
}  // namespace zmpi::launcher::agent
