#include "launcher/agent/env_block.h"

#include <gtest/gtest.h>

namespace zmpi::launcher::agent {
namespace {

TEST(EnvBlock, SetReplacesInPlace) {
  EnvBlock env({"A=1", "B=2"});
  env.Set("A", "3");
  env.Set("C", "4");
  EXPECT_EQ(env.entries(), std::vector<std::string>({"A=3", "B=2", "C=4"}));
  EXPECT_EQ(env.Find("B").value_or("?"), "2");
  EXPECT_FALSE(env.Find("AB").has_value());
}

TEST(EnvBlock, NamesAreMatchedWhole) {
  EnvBlock env({"PATHX=1", "PATH=/bin"});
  EXPECT_EQ(env.Find("PATH").value_or("?"), "/bin");
  env.Unset("PATH");
  EXPECT_EQ(env.entries(), std::vector<std::string>({"PATHX=1"}));
}

TEST(EnvBlock, ScrubsPrefixes) {
  EnvBlock env({"PMIX_SERVER_URI=x", "OMPI_COMM_WORLD_RANK=0", "HOME=/root", "PMI_RANK=1"});
  env.UnsetPrefixes({"PMIX_", "OMPI_", "PMI_"});
  EXPECT_EQ(env.entries(), std::vector<std::string>({"HOME=/root"}));
}

TEST(EnvBlock, SpecsCopyOrSet) {
  EnvBlock source({"FOO=from-source"});
  EnvBlock env;
  env.SetFromSpec("FOO", source);
  env.SetFromSpec("BAR=x=y", source);
  env.SetFromSpec("MISSING", source);
  EXPECT_EQ(env.entries(), std::vector<std::string>({"FOO=from-source", "BAR=x=y"}));
}

TEST(EnvBlock, PrependPath) {
  EnvBlock env({"LD_LIBRARY_PATH=/usr/lib"});
  env.PrependPath("LD_LIBRARY_PATH", "/opt/zmpi/lib");
  EXPECT_EQ(env.Find("LD_LIBRARY_PATH").value_or("?"), "/opt/zmpi/lib:/usr/lib");
  env.PrependPath("NEW", "/x");
  EXPECT_EQ(env.Find("NEW").value_or("?"), "/x");
}

}  // namespace
}  // namespace zmpi::launcher::agent
