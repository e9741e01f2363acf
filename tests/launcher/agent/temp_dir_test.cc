#include "launcher/agent/temp_dir.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <memory>

namespace zmpi::launcher::agent {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char base[] = "/tmp/temp-dir-test-XXXXXX";
    ASSERT_NE(mkdtemp(base), nullptr);
    base_ = base;
    const char* old = getenv("TMPDIR");
    old_tmpdir_ = old ? old : "";
    setenv("TMPDIR", base_.c_str(), 1);
  }
  void TearDown() override {
    RemoveTree(base_);
    if (old_tmpdir_.empty()) unsetenv("TMPDIR");
    else setenv("TMPDIR", old_tmpdir_.c_str(), 1);
  }
  std::string base_, old_tmpdir_;
};

TEST_F(TempDirTest, RemovedWithItsContents) {
  std::string path;
  {
    TempDir dir;
    ASSERT_TRUE(dir.Create("x-").ok());
    path = dir.path();
    EXPECT_EQ(path.compare(0, base_.size(), base_), 0);
    ASSERT_EQ(mkdir((path + "/sub").c_str(), 0700), 0);
    std::ofstream(path + "/sub/file") << "data";
  }
  EXPECT_FALSE(Exists(path));
}

TEST_F(TempDirTest, StaleDirsOfDeadProcessesOnly) {
  // pid 0x7ffffffe is beyond pid_max here, so no process has it.
  std::string dead = base_ + "/zrun-pmix-h1-2147483646-abc";
  std::string live = base_ + "/zrun-pmix-h1-" + std::to_string(getpid()) + "-abc";
  std::string other_host = base_ + "/zrun-pmix-h2-2147483646-abc";
  for (const std::string& d : {dead, live, other_host}) ASSERT_EQ(mkdir(d.c_str(), 0700), 0);
  EXPECT_EQ(RemoveStaleTempDirs("zrun-pmix", "h1"), 1);
  EXPECT_FALSE(Exists(dead));
  EXPECT_TRUE(Exists(live));
  EXPECT_TRUE(Exists(other_host));
  EXPECT_EQ(OwnedTempPrefix("zrun-pmix", "h1"), "zrun-pmix-h1-" + std::to_string(getpid()) + "-");
}

// A dir whose owner still holds its lock stays, whatever pid its name carries (across PID
// namespaces the pid may be another process's); once the owner is gone it is stale.
TEST_F(TempDirTest, StaleByOwnerLockNotByPid) {
  auto held = std::make_unique<TempDir>();
  ASSERT_TRUE(held->Create("zrund-pmix-h1-2147483646-").ok());
  std::string path = held->path();
  EXPECT_EQ(RemoveStaleTempDirs("zrund-pmix", "h1"), 0);
  EXPECT_TRUE(Exists(path));
  // An owner that died without cleaning up: the lock file stays, nobody holds it.
  std::string orphan = base_ + "/zrund-pmix-h1-1-xyz";
  ASSERT_EQ(mkdir(orphan.c_str(), 0700), 0);
  std::ofstream(orphan + "/owner.lock") << "";
  EXPECT_EQ(RemoveStaleTempDirs("zrund-pmix", "h1"), 1);  // pid 1 runs, but nobody owns it
  EXPECT_FALSE(Exists(orphan));
  EXPECT_TRUE(Exists(path));
  held.reset();
  EXPECT_FALSE(Exists(path));
}

}  // namespace
}  // namespace zmpi::launcher::agent
