#include "transport/shm/copy_assist.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
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

// Two halves (one system call a side), pages, at most 1 MiB a chunk and 0xffff chunks.
TEST(CopyAssistTest, ChunkSizes) {
  const size_t page = Geometry::Host().page;
  EXPECT_EQ(CopyAssist::ChunkFor(size_t{64} << 10), size_t{32} << 10);
  EXPECT_EQ(CopyAssist::ChunkFor(size_t{1} << 20), size_t{512} << 10);
  EXPECT_EQ(CopyAssist::ChunkFor((size_t{64} << 10) + 1) % page, 0u);
  EXPECT_EQ(CopyAssist::ChunkFor(size_t{2} << 20), CopyAssist::kMaxChunk);
  EXPECT_EQ(CopyAssist::ChunkFor(size_t{64} << 20), CopyAssist::kMaxChunk);
  const size_t huge = size_t{1} << 40;
  EXPECT_LE((huge + CopyAssist::ChunkFor(huge) - 1) / CopyAssist::ChunkFor(huge), 0xffffu);
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
  ASSERT_TRUE(
      reader.Read(self, reinterpret_cast<uint64_t>(src.data()), dst.data(), src.size() * 8).ok());
  EXPECT_EQ(src, dst);
  EXPECT_EQ(shared.hint.any.load(), 1u);
  // Nothing left for an owner that looks afterwards.
  CopyAssist owner(&shared.control, nullptr);
  EXPECT_EQ(owner.Help(self), 0);
}

// An owner that claims its chunk and then stalls (preempted): every such read waits for it
// longer than the reader copied, so after kMissesToBackOff of them in a row the reader reads
// alone for kMinBackOff reads, then asks again.
TEST(CopyAssistTest, ReaderBacksOffFromAStallingOwner) {
  if (!SingleCopyOrCheckFallback()) return;
  Shared shared;
  CopyAssist reader(&shared.control, &shared.hint.any);
  PeerProcess self(getpid());
  // 8 MiB: 1 MiB chunks, so the owner surely claims the back one while the reader copies.
  std::vector<uint64_t> src = Pattern((size_t{8} << 20) / 8, 5);
  std::vector<uint64_t> dst(src.size(), 0);
  std::atomic<bool> stop{false};
  std::atomic<int> stalls{0};
  // The stalling owner: takes the back chunk as Help does, waits 20 ms, then copies it.
  std::thread owner([&] {
    uint64_t seen = 0;
    while (!stop.load()) {
      const uint64_t h = shared.hint.any.load(std::memory_order_acquire);
      uint64_t claim = shared.control.claim.load(std::memory_order_acquire);
      const uint64_t back = claim & 0xffff;
      if (h == seen || ((claim >> 16) & 0xffff) >= back) {
        std::this_thread::yield();
        continue;
      }
      if (!shared.control.claim.compare_exchange_strong(claim, claim - 1)) continue;
      seen = h;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const uint64_t chunk = shared.control.chunk.load();
      const uint64_t off = (back - 1) * chunk;
      const uint64_t len = shared.control.len.load();
      memcpy(reinterpret_cast<char*>(shared.control.dst.load()) + off,
             reinterpret_cast<const char*>(shared.control.src.load()) + off,
             std::min(chunk, len - off));
      ++stalls;
      shared.control.done.fetch_add(1, std::memory_order_release);
    }
  });
  auto read_once = [&] {
    std::fill(dst.begin(), dst.end(), 0);
    ASSERT_TRUE(
        reader.Read(self, reinterpret_cast<uint64_t>(src.data()), dst.data(), src.size() * 8).ok());
    ASSERT_EQ(src, dst);
  };
  auto rounds = [&] {
    // Misses until the reader backs off (bounded: an owner thread that gets no CPU in time
    // claims nothing, and a read it never joined is no miss).
    int asked = 0;
    while (reader.NextReadAssisted() && asked < 200) {
      read_once();
      ++asked;
    }
    ASSERT_FALSE(reader.NextReadAssisted());
    EXPECT_GE(asked, static_cast<int>(CopyAssist::kMissesToBackOff));
    // The first back-off: kMinBackOff reads alone, nothing posted, then it asks again.
    const uint64_t posts = shared.hint.any.load();
    uint32_t alone = 0;
    while (!reader.NextReadAssisted() && alone <= CopyAssist::kMaxBackOff) {
      read_once();
      ++alone;
    }
    EXPECT_EQ(alone, CopyAssist::kMinBackOff);
    EXPECT_EQ(shared.hint.any.load(), posts);
  };
  rounds();
  stop = true;
  owner.join();
  EXPECT_GE(stalls.load(), static_cast<int>(CopyAssist::kMissesToBackOff));
}

// The reader takes chunks from the front, the owner from the back: with the reader's own
// chunk claimed, Help copies exactly the back half.
TEST(CopyAssistTest, OwnerCopiesFromTheBack) {
  if (!SingleCopyOrCheckFallback()) return;
  Shared shared;
  PeerProcess self(getpid());
  const size_t bytes = size_t{256} << 10;
  std::vector<uint64_t> src = Pattern(bytes / 8, 9);
  std::vector<uint64_t> dst(src.size(), 0);
  const uint64_t chunk = CopyAssist::ChunkFor(bytes);
  ASSERT_EQ(chunk, bytes / 2);
  shared.control.src = reinterpret_cast<uint64_t>(src.data());
  shared.control.dst = reinterpret_cast<uint64_t>(dst.data());
  shared.control.len = bytes;
  shared.control.chunk = chunk;
  shared.control.claim = uint64_t{7} << 32 | uint64_t{1} << 16 | 2;  // chunk 0 is the reader's
  CopyAssist owner(&shared.control, nullptr);
  EXPECT_EQ(owner.Help(self), 1);
  EXPECT_EQ(shared.control.done.load(), 1u);
  EXPECT_TRUE(
      std::all_of(dst.begin(), dst.begin() + dst.size() / 2, [](uint64_t v) { return v == 0; }));
  EXPECT_TRUE(std::equal(dst.begin() + dst.size() / 2, dst.end(), src.begin() + src.size() / 2));
  EXPECT_EQ(owner.Help(self), 0);  // nothing left
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
