// RemoveDeadShmSegments in a private directory (never the real /dev/shm, where other jobs
// live): objects whose creator still holds its lock, objects still being created and objects
// of older formats stay; a dead creator's objects go.
#include "launcher/agent/shm_cleaner.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/contract.h"

namespace zmpi::launcher::agent {
namespace {

class ShmCleanerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char base[] = "/tmp/shm-cleaner-test-XXXXXX";
    ASSERT_NE(mkdtemp(base), nullptr);
    dir_ = base;
  }
  void TearDown() override {
    for (int fd : fds_) close(fd);
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(system(cmd.c_str()), 0);
  }
  // Creates `name` with `version` in its header (0: empty object), locked shared if `locked`.
  void Make(const std::string& name, uint32_t version, bool locked) {
    int fd = open((dir_ + "/" + name).c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    ASSERT_GE(fd, 0);
    if (locked) {
      ASSERT_EQ(flock(fd, LOCK_SH), 0);
    }
    if (version != 0) {
      uint32_t head[2] = {contract::kShmLockedMagic, version};
      ASSERT_EQ(ftruncate(fd, 8192), 0);
      ASSERT_EQ(pwrite(fd, head, sizeof(head), 0), static_cast<ssize_t>(sizeof(head)));
    }
    if (locked) {
      fds_.push_back(fd);  // the "creator" stays alive until TearDown
    } else {
      close(fd);  // the creator died: its lock went with it
    }
  }
  bool Exists(const std::string& name) const {
    struct stat st;
    return stat((dir_ + "/" + name).c_str(), &st) == 0;
  }
  std::string dir_;
  std::vector<int> fds_;
};

TEST_F(ShmCleanerTest, RemovesOnlyDeadCreatorsObjects) {
  Make("zmpi-1-aa-shm-0", 3, /*locked=*/true);   // a live job
  Make("zmpi-2-bb-shm-0", 3, /*locked=*/false);  // a SIGKILLed job
  Make("zmpi-2-bb-shm-1", 4, /*locked=*/false);  // a later format, same convention
  Make("zmpi-3-cc-shm-0", 0, /*locked=*/false);  // being created: no marker yet
  Make("zmpi-4-dd-shm-0", 2, /*locked=*/false);  // an older format that took no lock
  Make("other-shm-0", 3, /*locked=*/false);      // not ours by name
  EXPECT_EQ(RemoveDeadShmSegments(dir_), 2);
  EXPECT_TRUE(Exists("zmpi-1-aa-shm-0"));
  EXPECT_FALSE(Exists("zmpi-2-bb-shm-0"));
  EXPECT_FALSE(Exists("zmpi-2-bb-shm-1"));
  EXPECT_TRUE(Exists("zmpi-3-cc-shm-0"));
  EXPECT_TRUE(Exists("zmpi-4-dd-shm-0"));
  EXPECT_TRUE(Exists("other-shm-0"));
  EXPECT_EQ(RemoveDeadShmSegments(dir_), 0);
  EXPECT_EQ(RemoveDeadShmSegments(dir_ + "/missing"), 0);
}

}  // namespace
}  // namespace zmpi::launcher::agent
