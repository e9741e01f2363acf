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

TEST(RankSessions, AutoSharesOnlyWhenOversubscribedOnAnIdleMachine) {
  const RankSessions a = RankSessions::kAuto;
  EXPECT_TRUE(RanksLeadOwnSessions(a, /*oversubscribed=*/false, 0.1, 2));
  EXPECT_TRUE(RanksLeadOwnSessions(a, false, 30, 2));
  EXPECT_FALSE(RanksLeadOwnSessions(a, true, 0.1, 2));
  EXPECT_FALSE(RanksLeadOwnSessions(a, true, 2.5, 2));  // jobs back to back on 2 cores
  EXPECT_FALSE(RanksLeadOwnSessions(a, true, 3.99, 2));
  EXPECT_TRUE(RanksLeadOwnSessions(a, true, 4.0, 2));
  EXPECT_TRUE(RanksLeadOwnSessions(a, true, 17, 2));
  EXPECT_FALSE(RanksLeadOwnSessions(a, true, -1, 2));  // no load average: not busy
}

TEST(RankSessions, ExplicitModesIgnoreTheMachine) {
  for (bool over : {false, true}) {
    for (double load : {-1.0, 0.0, 40.0}) {
      EXPECT_TRUE(RanksLeadOwnSessions(RankSessions::kOwn, over, load, 2));
      EXPECT_FALSE(RanksLeadOwnSessions(RankSessions::kShared, over, load, 2));
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
