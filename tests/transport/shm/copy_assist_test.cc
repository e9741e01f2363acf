#include "transport/shm/copy_assist.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "tests/transport/shm/single_copy_check.h"

namespace zmpi::transport::shm {
namespace {

// An AssistControl line and a doorbell as they would sit in shared memory (zeroed).
struct Shared {
  AssistControl control{};
  Doorbell hint{};
};

std::vector<uint64_t> Pattern(size_t words, uint64_t seed) {
  std::vector<uint64_t> v(words);
  for (size_t i = 0; i < words; ++i) v[i] = (i + seed) * 0x9E3779B97F4A7C15ULL;
  return v;
}

TEST(CopyAssistTest, ChunkSizes) {
  EXPECT_EQ(CopyAssist::ChunkFor(size_t{1} << 20), size_t{64} << 10);
  EXPECT_EQ(CopyAssist::ChunkFor(size_t{64} << 20), size_t{4} << 20);
  EXPECT_EQ(CopyAssist::ChunkFor((size_t{64} << 20) + 1) % Geometry::Host().page, 0u);
}

// CopyAssist copies with process_vm_*; where they do not work the endpoint never uses it
// (CanRead is false), and SingleCopyOrCheckFallback checks that instead.
TEST(CopyAssistTest, ReaderAloneCopiesEverything) {
  if (!SingleCopyOrCheckFallback()) return;
  Shared shared;
  CopyAssist reader(&shared.control, &shared.hint.any);
  PeerProcess self(getpid());
  std::vector<uint64_t> src = Pattern((size_t{4} << 20) / 8 + 3, 1);
  std::vector<uint64_t> dst(src.size(), 0);
  ASSERT_TRUE(reader.Read(self, reinterpret_cast<uint64_t>(src.data()), dst.data(), src.size() * 8).ok());
  EXPECT_EQ(src, dst);
  EXPECT_EQ(shared.hint.any.load(), 1u);
  // Nothing left for an owner that looks afterwards.
  CopyAssist owner(&shared.control, nullptr);
  EXPECT_EQ(owner.Help(self), 0);
}

// The reader measures both ways (assisted first, then alone), then keeps the cheaper one
// and retries the other once every kExplorePeriod reads.
TEST(CopyAssistTest, ReaderTriesBothWaysThenExplores) {
  if (!SingleCopyOrCheckFallback()) return;
  Shared shared;
  CopyAssist reader(&shared.control, &shared.hint.any);
  PeerProcess self(getpid());
  std::vector<uint64_t> src = Pattern((size_t{256} << 10) / 8, 3);
  std::vector<uint64_t> dst(src.size(), 0);
  int assisted = 0, alone = 0;
  for (uint32_t i = 0; i < 4 * CopyAssist::kExplorePeriod; ++i) {
    const bool next = reader.NextReadAssisted();
    if (i == 0) {
      EXPECT_TRUE(next);
    } else if (i == 1) {
      EXPECT_FALSE(next);
    }
    (next ? assisted : alone)++;
    const uint64_t posts = shared.hint.any.load();
    ASSERT_TRUE(reader.Read(self, reinterpret_cast<uint64_t>(src.data()), dst.data(), src.size() * 8).ok());
    EXPECT_EQ(shared.hint.any.load(), posts + (next ? 1 : 0));  // only assisted reads post
    ASSERT_EQ(src, dst);
  }
  EXPECT_GE(assisted, 4);
  EXPECT_GE(alone, 4);
}

TEST(CopyAssistTest, OwnerWithNothingPostedDoesNothing) {
  Shared shared;
  CopyAssist owner(&shared.control, nullptr);
  PeerProcess self(getpid());
  EXPECT_EQ(owner.Help(self), 0);
}

// The owner is a thread that keeps calling Help, as a polling sender does. Both ends use
// process_vm_* on this process, which exercises the same syscalls and claim protocol.
int ReadWithHelper(PeerProcess& helper_target, size_t bytes, int max_rounds, bool* data_ok) {
  Shared shared;
  CopyAssist reader(&shared.control, &shared.hint.any);
  CopyAssist owner(&shared.control, nullptr);
  PeerProcess self(getpid());
  std::atomic<bool> stop{false};
  std::atomic<int> helped{0};
  std::thread helper([&] {
    uint64_t seen = 0;
    while (!stop.load()) {
      uint64_t h = shared.hint.any.load(std::memory_order_acquire);
      if (h == seen) {
        std::this_thread::yield();
        continue;
      }
      seen = h;
      helped += owner.Help(helper_target);
    }
  });
  *data_ok = true;
  for (int round = 0; round < max_rounds && helped.load() == 0; ++round) {
    std::vector<uint64_t> src = Pattern(bytes / 8, round);
    std::vector<uint64_t> dst(src.size(), 0);
    Status s = reader.Read(self, reinterpret_cast<uint64_t>(src.data()), dst.data(), bytes);
    if (!s.ok() || src != dst) *data_ok = false;
  }
  stop = true;
  helper.join();
  return helped.load();
}

TEST(CopyAssistTest, OwnerCopiesPartOfTheTransfer) {
  if (!SingleCopyOrCheckFallback()) return;
  PeerProcess self(getpid());
  bool data_ok = false;
  int helped = ReadWithHelper(self, size_t{32} << 20, 50, &data_ok);
  EXPECT_TRUE(data_ok);
  EXPECT_GT(helped, 0);
}

TEST(CopyAssistTest, FailingOwnerFallsBackToReader) {
  // The owner "writes" into a process that no longer exists: every chunk it claims fails,
  // and the reader must still deliver the right bytes.
  if (!SingleCopyOrCheckFallback()) return;
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  PeerProcess gone(child);
  bool data_ok = false;
  int helped = ReadWithHelper(gone, size_t{32} << 20, 50, &data_ok);
  EXPECT_TRUE(data_ok);
  EXPECT_GT(helped, 0);
}

}  // namespace
}  // namespace zmpi::transport::shm
