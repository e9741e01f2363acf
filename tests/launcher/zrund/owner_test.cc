// zrund's owner logic (launcher/zrund/owner.h): sizes, the idle monitor, consent, commands.
#include "launcher/zrund/owner.h"

#include <gtest/gtest.h>

namespace zmpi::launcher::zrund {
namespace {

TEST(OwnerSize, ParsesUnits) {
  EXPECT_EQ(ParseSize("2G").value(), 2ull << 30);
  EXPECT_EQ(ParseSize("512M").value(), 512ull << 20);
  EXPECT_EQ(ParseSize("64MiB").value(), 64ull << 20);
  EXPECT_EQ(ParseSize("1.5G").value(), 3ull << 29);
  EXPECT_EQ(ParseSize("1048576").value(), 1ull << 20);
  EXPECT_EQ(ParseSize("8k").value(), 8192u);
  for (const char* bad : {"", "G", "-1G", "0", "12X", "100", "2GG"}) {
    EXPECT_FALSE(ParseSize(bad).ok()) << bad;
  }
}

TEST(OwnerSize, Formats) {
  EXPECT_EQ(FormatSize(2ull << 30), "2 GiB");
  EXPECT_EQ(FormatSize(64ull << 20), "64 MiB");
  EXPECT_EQ(FormatSize(68577280), "65.4 MiB");
  EXPECT_EQ(FormatSize(100), "100 bytes");
}

TEST(IdleMonitor, AwayOnlyAfterQuietInputAndLoad) {
  IdleMonitor m(10, 0.5);
  EXPECT_FALSE(m.Update(100, 5, 0));     // typed 5 s ago
  EXPECT_TRUE(m.Update(105, 10, 0));     // 10 s without input, no load seen
  EXPECT_FALSE(m.Update(106, 11, 0.9));  // a build started: present at once
  EXPECT_FALSE(m.Update(110, 15, 0.1));  // load gone 4 s ago
  EXPECT_TRUE(m.Update(116, 21, 0.1));   // 10 s of low load
  EXPECT_FALSE(m.Update(117, 0, 0));     // a keystroke
}

TEST(IdleMonitor, LoadOff) {
  IdleMonitor m(1, -1);
  EXPECT_TRUE(m.Update(1, 2, 8.0));  // load is ignored
  EXPECT_FALSE(m.Update(2, 0.5, 0));
}

TEST(Owner, OfferFollowsPauseAndPresence) {
  OwnerPolicy p;
  p.when_idle = true;
  p.max_ranks = 2;
  Owner o(p);
  EXPECT_EQ(o.OfferedSlots(4), 2);
  EXPECT_EQ(o.OfferedSlots(1), 1);
  EXPECT_FALSE(o.offering());  // present until measured away
  EXPECT_TRUE(o.JobShouldStop());
  EXPECT_NE(o.WhyNotOffering("h1").find("only while its owner is away"), std::string::npos);
  o.set_away(true);
  EXPECT_TRUE(o.offering());
  EXPECT_FALSE(o.JobShouldStop());
  o.set_paused(true);
  EXPECT_FALSE(o.offering());
  EXPECT_TRUE(o.JobShouldStop());
  EXPECT_NE(o.WhyNotOffering("h1").find("paused by its owner"), std::string::npos);
}

TEST(Owner, OnReturnEnd) {
  OwnerPolicy p;
  p.when_idle = true;
  p.on_return = OnReturn::kEnd;
  Owner o(p);
  o.set_away(true);
  EXPECT_FALSE(o.EndRunningJob());
  o.set_away(false);
  EXPECT_TRUE(o.EndRunningJob());
  EXPECT_FALSE(o.JobShouldStop());
  o.set_paused(true);  // a pause stops rather than ends
  EXPECT_FALSE(o.EndRunningJob());
  EXPECT_TRUE(o.JobShouldStop());
}

TEST(Owner, WithoutWhenIdleAlwaysAway) {
  Owner o(OwnerPolicy{});
  EXPECT_TRUE(o.offering());
  EXPECT_FALSE(o.JobShouldStop());
  EXPECT_FALSE(o.EndRunningJob());
  EXPECT_EQ(o.Ask("a@1", Owner::Clock::now()), Owner::Consent::kApproved);  // no --ask
}

TEST(Owner, Consent) {
  OwnerPolicy p;
  p.ask = true;
  p.ask_timeout_seconds = 5;
  Owner o(p);
  auto t0 = Owner::Clock::now();
  EXPECT_EQ(o.Ask("a@1", t0), Owner::Consent::kWaiting);
  EXPECT_EQ(o.waiting(), std::vector<std::string>{"a@1"});
  EXPECT_EQ(o.Ask("a@1", t0 + std::chrono::seconds(4)), Owner::Consent::kWaiting);
  EXPECT_EQ(o.Ask("a@1", t0 + std::chrono::seconds(5)), Owner::Consent::kTimedOut);
  EXPECT_TRUE(o.waiting().empty());
  // Denied: that job only; the next one asks again.
  EXPECT_EQ(o.Ask("a@1", t0), Owner::Consent::kWaiting);
  EXPECT_TRUE(o.Answer("a@1", false));
  EXPECT_EQ(o.Ask("a@1", t0), Owner::Consent::kDenied);
  EXPECT_EQ(o.Ask("a@1", t0), Owner::Consent::kWaiting);
  // Approved: remembered.
  EXPECT_TRUE(o.Answer("a@1", true));
  EXPECT_EQ(o.Ask("a@1", t0), Owner::Consent::kApproved);
  EXPECT_EQ(o.Ask("a@1", t0 + std::chrono::hours(1)), Owner::Consent::kApproved);
  EXPECT_FALSE(o.Answer("b@2", true));  // no question from b
  EXPECT_EQ(o.Ask("b@2", t0), Owner::Consent::kWaiting);
  o.Forget("b@2");
  EXPECT_TRUE(o.waiting().empty());
}

TEST(Owner, Commands) {
  OwnerPolicy p;
  p.ask = true;
  Owner o(p);
  EXPECT_EQ(o.Command("pause", "s\n").substr(0, 7), "paused:");
  EXPECT_TRUE(o.paused());
  EXPECT_EQ(o.Command("resume", "s\n"), "resumed\n");
  EXPECT_FALSE(o.paused());
  o.Ask("c@3", Owner::Clock::now());
  EXPECT_EQ(o.Command("status", "agent h1: offering\n"),
            "agent h1: offering\nquestion: may c@3 run jobs here?\n");
  EXPECT_EQ(o.Command("deny c@3", ""), "denied c@3\n");
  EXPECT_EQ(o.Command("deny c@3", ""), "error: no question from c@3 waits\n");
  EXPECT_EQ(o.Command("approve d@4", ""), "approved d@4 (no question waited)\n");
  EXPECT_EQ(o.Ask("d@4", Owner::Clock::now()), Owner::Consent::kApproved);
  EXPECT_EQ(o.Command("reboot", "").substr(0, 22), "error: unknown command");
  EXPECT_EQ(o.Command("pause now", "").substr(0, 22), "error: unknown command");
}

}  // namespace
}  // namespace zmpi::launcher::zrund
