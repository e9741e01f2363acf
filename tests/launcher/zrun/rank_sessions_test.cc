#include "launcher/zrun/rank_sessions.h"

#include <gtest/gtest.h>

#include <string>

#include "common/platform/platform.h"

namespace zmpi::launcher::zrun {
namespace {

TEST(RankSessions, Parse) {
  EXPECT_EQ(*ParseRankSessions("auto"), RankSessions::kAuto);
  EXPECT_EQ(*ParseRankSessions("own"), RankSessions::kOwn);
  EXPECT_EQ(*ParseRankSessions("shared"), RankSessions::kShared);
  StatusOr<RankSessions> bad = ParseRankSessions("mine");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("auto, own or shared"), std::string::npos);
}

// auto: a session per rank while each has a core; ranks that outnumber the cores share
// zrun's session, and sleep when they wait once the machine is busy at launch.
TEST(RankSessions, AutoSharesWhenOversubscribedAndSleepsWhenBusy) {
  const RankSessions a = RankSessions::kAuto;
  for (double load : {-1.0, 0.1, 30.0}) {
    RankSessionPlan plan = PlanRankSessions(a, /*oversubscribed=*/false, load, 2);
    EXPECT_TRUE(plan.own_sessions);
    EXPECT_FALSE(plan.sleep_when_waiting);
  }
  for (double load : {-1.0, 0.1, 2.5, 3.99, 4.0, 17.0}) {
    EXPECT_FALSE(PlanRankSessions(a, true, load, 2).own_sessions) << load;
  }
  EXPECT_FALSE(PlanRankSessions(a, true, -1, 2).sleep_when_waiting);  // unknown: not busy
  EXPECT_FALSE(PlanRankSessions(a, true, 0.1, 2).sleep_when_waiting);
  EXPECT_FALSE(PlanRankSessions(a, true, 2.5, 2).sleep_when_waiting);  // jobs back to back
  EXPECT_FALSE(PlanRankSessions(a, true, 3.99, 2).sleep_when_waiting);
  EXPECT_TRUE(PlanRankSessions(a, true, 4.0, 2).sleep_when_waiting);
  EXPECT_TRUE(PlanRankSessions(a, true, 17, 2).sleep_when_waiting);
}

// own: a session per rank, and oversubscribed ranks sleep (a yield reaches no peer); shared:
// zrun's session and the library's default wait. Neither looks at the load.
TEST(RankSessions, ExplicitModesIgnoreTheMachine) {
  for (bool over : {false, true}) {
    for (double load : {-1.0, 0.0, 40.0}) {
      RankSessionPlan own = PlanRankSessions(RankSessions::kOwn, over, load, 2);
      EXPECT_TRUE(own.own_sessions);
      EXPECT_EQ(own.sleep_when_waiting, over);
      RankSessionPlan shared = PlanRankSessions(RankSessions::kShared, over, load, 2);
      EXPECT_FALSE(shared.own_sessions);
      EXPECT_FALSE(shared.sleep_when_waiting);
    }
  }
}

// The Linux layer reads it; the portable one cannot tell (-1: "auto" then shares).
TEST(RankSessions, LoadAverageIsKnownOnLinux) {
  if (std::string(platform::Name()) == "linux") {
    EXPECT_GE(platform::LoadAverage(), 0.0);
  } else {
    EXPECT_EQ(platform::LoadAverage(), -1.0);
  }
}

}  // namespace
}  // namespace zmpi::launcher::zrun
