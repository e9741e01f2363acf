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

}  // namespace
}  // namespace zmpi::launcher::zrun
