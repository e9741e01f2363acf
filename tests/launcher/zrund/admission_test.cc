// zrund's admission rules (launcher/zrund/admission.h): one source cannot take the table of
// connections on their way in, and authenticated peers are never pushed out (40 idle connections refused 6 of 8 real jobs).
#include "launcher/zrund/admission.h"

#include <gtest/gtest.h>

namespace zmpi::launcher::zrund {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<PendingView> Many(const std::string& source, size_t n, bool authenticated = false) {
  std::vector<PendingView> out;
  Clock::time_point t0 = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    out.push_back({source, authenticated, t0 + std::chrono::milliseconds(i)});
  }
  return out;
}

TEST(Admission, AcceptsWhileThereIsRoom) {
  AdmitDecision d = Admit(Many("10.0.0.1", 2), "10.0.0.2");
  EXPECT_TRUE(d.accept);
  EXPECT_FALSE(d.evict.has_value());
}

TEST(Admission, ASourceOverItsLimitReplacesItsOwnOldest) {
  std::vector<PendingView> peers = Many("10.0.0.9", kMaxPerSource);
  peers.insert(peers.begin(), PendingView{"10.0.0.1", false, Clock::now() - std::chrono::hours(1)});
  AdmitDecision d = Admit(peers, "10.0.0.9");
  EXPECT_TRUE(d.accept);
  ASSERT_TRUE(d.evict.has_value());
  EXPECT_EQ(peers[*d.evict].source, "10.0.0.9");
  EXPECT_EQ(*d.evict, 1u);  // the oldest of that source, not the older peer of another
}

TEST(Admission, AFullTableMakesRoomFromTheHeaviestSource) {
  std::vector<PendingView> peers;
  // Many sources with a few connections each, one with the most: a newcomer always gets in.
  for (size_t s = 0; peers.size() + kMaxPerSource <= kMaxPending; ++s) {
    std::vector<PendingView> more = Many("10.0.1." + std::to_string(s), s == 3 ? kMaxPerSource : 3);
    peers.insert(peers.end(), more.begin(), more.end());
  }
  while (peers.size() < kMaxPending) peers.push_back({"10.0.2.1", true, Clock::now()});
  AdmitDecision d = Admit(peers, "10.0.9.9");
  EXPECT_TRUE(d.accept);
  ASSERT_TRUE(d.evict.has_value());
  EXPECT_EQ(peers[*d.evict].source, "10.0.1.3");
  EXPECT_FALSE(peers[*d.evict].authenticated);
}

TEST(Admission, AuthenticatedPeersAreNeverReplaced) {
  std::vector<PendingView> peers = Many("10.0.0.1", kMaxPending, true);
  AdmitDecision d = Admit(peers, "10.0.0.2");
  EXPECT_FALSE(d.accept);
  EXPECT_FALSE(d.evict.has_value());
  // Authenticated peers of a source do not count against its unauthenticated limit.
  d = Admit(Many("10.0.0.1", kMaxPerSource, true), "10.0.0.1");
  EXPECT_TRUE(d.accept);
  EXPECT_FALSE(d.evict.has_value());
}

TEST(LogLimiter, BurstThenOnePerSecondPerSource) {
  LogLimiter limiter;
  Clock::time_point t = Clock::now();
  int allowed = 0;
  for (int i = 0; i < 100; ++i) allowed += limiter.Allow("a", t);
  EXPECT_EQ(allowed, static_cast<int>(LogLimiter::kBurst));
  EXPECT_EQ(limiter.TakeSuppressed("a"), 100u - static_cast<size_t>(LogLimiter::kBurst));
  EXPECT_TRUE(limiter.Allow("b", t));  // another source has its own budget
  EXPECT_FALSE(limiter.Allow("a", t + std::chrono::milliseconds(500)));
  EXPECT_TRUE(limiter.Allow("a", t + std::chrono::milliseconds(1600)));
}

}  // namespace
}  // namespace zmpi::launcher::zrund
