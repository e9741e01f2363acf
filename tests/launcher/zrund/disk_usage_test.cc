// zrund --max-disk's measurements (launcher/zrund/disk_usage.h): what a launch stages, the
// refusal that names the limit, and the disk blocks of a job directory.
#include "launcher/zrund/disk_usage.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

namespace zmpi::launcher::zrund {
namespace {

proto::Launch LaunchOf(uint64_t exe, std::initializer_list<uint64_t> files) {
  proto::Launch l;
  l.exe_size = exe;
  int i = 0;
  for (uint64_t size : files) {
    proto::StagedFile f;
    f.name = "f" + std::to_string(i++);
    f.size = size;
    l.stage.push_back(f);
  }
  return l;
}

TEST(StagedBytes, ProgramAndFiles) {
  EXPECT_EQ(StagedBytes(LaunchOf(0, {})), 0u);
  EXPECT_EQ(StagedBytes(LaunchOf(1000, {24, 0, 5})), 1029u);
  EXPECT_EQ(StagedBytes(LaunchOf(UINT64_MAX - 1, {5})), UINT64_MAX);  // saturates
}

TEST(StagedBytes, CheckNamesTheLimit) {
  EXPECT_TRUE(CheckStaging(LaunchOf(1 << 20, {1 << 20}), 0, "h1").ok());  // no limit
  EXPECT_TRUE(CheckStaging(LaunchOf(1 << 20, {1 << 20}), 2 << 20, "h1").ok());
  Status s = CheckStaging(LaunchOf(1 << 20, {1 << 20, 1}), 2 << 20, "h1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "h1 takes at most 2 MiB of program and staged files per job (its owner's limit, "
            "zrund --max-disk); this job brings 2 MiB");
  s = CheckStaging(LaunchOf(0, {UINT64_MAX, 1}), 1 << 30, "h2");
  EXPECT_FALSE(s.ok());
}

class DiskUsageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/zmpi-disk-usage.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { system(("rm -rf -- " + dir_).c_str()); }
  void Write(const std::string& name, size_t bytes) {
    int fd = open((dir_ + "/" + name).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    std::string data(bytes, 'x');
    ASSERT_EQ(write(fd, data.data(), data.size()), static_cast<ssize_t>(bytes));
    fsync(fd);
    close(fd);
  }
  std::string dir_;
};

TEST_F(DiskUsageTest, CountsBlocksOfFilesInSubdirectories) {
  const uint64_t empty = DiskUsage(dir_);
  Write("a", 1 << 20);
  ASSERT_EQ(mkdir((dir_ + "/sub").c_str(), 0700), 0);
  Write("sub/b", 3 << 20);
  const uint64_t used = DiskUsage(dir_);
  EXPECT_GE(used, empty + (4u << 20));
  EXPECT_LT(used, empty + (4u << 20) + (1u << 20));  // blocks: a little over the data
}

TEST_F(DiskUsageTest, SparseFilesCountWhatTheyHold) {
  int fd = open((dir_ + "/sparse").c_str(), O_WRONLY | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, off_t{1} << 30), 0);  // 1 GiB of holes
  close(fd);
  EXPECT_LT(DiskUsage(dir_), 1u << 20);
}

TEST_F(DiskUsageTest, SymlinksAreNotFollowedAndGoneDirsAreEmpty) {
  ASSERT_EQ(symlink("/usr", (dir_ + "/usr").c_str()), 0);
  EXPECT_LT(DiskUsage(dir_), 1u << 20);
  EXPECT_EQ(DiskUsage(dir_ + "/nonexistent"), 0u);
}

TEST_F(DiskUsageTest, WalkIsBounded) {
  for (int i = 0; i < 20; ++i) Write("f" + std::to_string(i), 64 << 10);
  EXPECT_LT(DiskUsage(dir_, 5), DiskUsage(dir_));
}

}  // namespace
}  // namespace zmpi::launcher::zrund
