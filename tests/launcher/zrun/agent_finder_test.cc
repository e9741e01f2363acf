#include "launcher/zrun/agent_finder.h"

#include <gtest/gtest.h>

namespace zmpi::launcher::zrun {
namespace {

TEST(Hostfile, OpenMpiFormat) {
  StatusOr<std::vector<HostfileEntry>> e = ParseHostfile(
      "# cluster\n"
      "h1 slots=4\n"
      "\n"
      "  h2   # no slots: what the agent offers\n"
      "198.51.100.3 slots=2 max_slots=8\n");
  ASSERT_TRUE(e.ok()) << e.status().message();
  ASSERT_EQ(e->size(), 3u);
  EXPECT_EQ((*e)[0].name, "h1");
  EXPECT_EQ((*e)[0].slots, 4);
  EXPECT_EQ((*e)[1].name, "h2");
  EXPECT_EQ((*e)[1].slots, 0);
  EXPECT_EQ((*e)[2].name, "198.51.100.3");
  EXPECT_EQ((*e)[2].slots, 2);
}

TEST(Hostfile, RefusesMalformedLines) {
  for (const char* bad : {"h1 slots=0\n", "h1 slots=x\n", "h1 slots=-2\n", "h1 h2\n",
                          "ok\nh1 slots=99999999\n"}) {
    StatusOr<std::vector<HostfileEntry>> e = ParseHostfile(bad);
    EXPECT_FALSE(e.ok()) << bad;
  }
  StatusOr<std::vector<HostfileEntry>> e = ParseHostfile("ok\nh1 h2\n");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(ReadHostfile("/nonexistent/hostfile").ok());
}

TEST(DescribeAgents, OneLinePerAgentWithItsOffer) {
  FoundAgent normal{"h1", "198.51.100.1", 7441, 4, 1, "x86_64", "linux",
                    proto::JobOffer{{"pmix", "pmi"}, {"ofi", "tcp"}}};
  FoundAgent portable{"h2", "198.51.100.2", 7441, 2, 0, "x86_64", "haiku",
                      proto::JobOffer{{"pmi"}, {"tcp"}}};
  FoundAgent older{"h3", "198.51.100.3", 7999, 1, 0, "aarch64", "linux", std::nullopt};
  EXPECT_EQ(DescribeAgents({normal, portable, older}),
            "h1 198.51.100.1:7441 x86_64 linux cores=4 used=1 wireup=pmix/pmi net=ofi/tcp\n"
            "h2 198.51.100.2:7441 x86_64 haiku cores=2 used=0 wireup=pmi net=tcp\n"
            "h3 198.51.100.3:7999 aarch64 linux cores=1 used=0 wireup=? net=?\n");
}

}  // namespace
}  // namespace zmpi::launcher::zrun
