#include "transport/shm/ring.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace zmpi::transport::shm {
namespace {

// Zeroed, page-aligned ring memory with a guard area behind it that must stay untouched.
class RingMemory {
 public:
  static constexpr size_t kGuard = 4096;
  RingMemory(size_t slots, size_t slot_size) : bytes_(Ring::BytesFor(slots, slot_size)) {
    mem_ = static_cast<char*>(aligned_alloc(Geometry::Host().page, RoundUp(bytes_ + kGuard, Geometry::Host().page)));
    memset(mem_, 0, bytes_);
    memset(mem_ + bytes_, 0xA5, kGuard);
  }
  ~RingMemory() { free(mem_); }
  void* base() { return mem_; }
  bool GuardIntact() const {
    for (size_t i = 0; i < kGuard; ++i) {
      if (static_cast<unsigned char>(mem_[bytes_ + i]) != 0xA5) return false;
    }
    return true;
  }

 private:
  size_t bytes_;
  char* mem_;
};

std::string Str(const void* p, size_t n) { return std::string(static_cast<const char*>(p), n); }

bool Push(Ring& ring, const std::string& header, const std::string& payload) {
  return ring.TryPush(header.data(), header.size(), payload.data(), payload.size());
}

TEST(RingTest, Geometry) {
  EXPECT_TRUE(Ring::ValidGeometry(64, 16384));
  EXPECT_TRUE(Ring::ValidGeometry(2, 128));
  EXPECT_FALSE(Ring::ValidGeometry(48, 16384));   // not a power of two
  EXPECT_FALSE(Ring::ValidGeometry(1, 16384));    // too few slots
  EXPECT_FALSE(Ring::ValidGeometry(64, 100));     // not a cache-line multiple
  EXPECT_FALSE(Ring::ValidGeometry(64, 64));      // too small for a header
  EXPECT_FALSE(Ring::ValidGeometry(64, 32 << 20));  // lengths field is 24 bits
  EXPECT_EQ(Ring::MaxPayloadFor(16384), 16384 - 72u);
  EXPECT_EQ(Ring::BytesFor(64, 16384) % Geometry::Host().page, 0u);
}

TEST(RingTest, EmptyRingHasNothing) {
  RingMemory mem(8, 256);
  Ring ring(mem.base(), 8, 256);
  Frame f;
  EXPECT_FALSE(ring.Peek(&f));
}

TEST(RingTest, FramesComeOutInOrder) {
  RingMemory mem(8, 256);
  Ring ring(mem.base(), 8, 256);
  ASSERT_TRUE(Push(ring, "h1", "first"));
  ASSERT_TRUE(Push(ring, "header-two", ""));
  ASSERT_TRUE(Push(ring, "", "third payload"));
  Frame f;
  ASSERT_TRUE(ring.Peek(&f));
  EXPECT_EQ(Str(f.header, f.header_len), "h1");
  EXPECT_EQ(Str(f.payload, f.payload_len), "first");
  ring.Pop();
  ASSERT_TRUE(ring.Peek(&f));
  EXPECT_EQ(Str(f.header, f.header_len), "header-two");
  EXPECT_EQ(f.payload_len, 0u);
  ring.Pop();
  ASSERT_TRUE(ring.Peek(&f));
  EXPECT_EQ(f.header_len, 0u);
  EXPECT_EQ(Str(f.payload, f.payload_len), "third payload");
  ring.Pop();
  EXPECT_FALSE(ring.Peek(&f));
}

TEST(RingTest, FullRingRefusesUntilPopped) {
  RingMemory mem(4, 128);
  Ring ring(mem.base(), 4, 128);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Push(ring, "h", std::to_string(i)));
  EXPECT_FALSE(Push(ring, "h", "overflow"));
  EXPECT_EQ(ring.InFlight(), 4u);
  Frame f;
  ASSERT_TRUE(ring.Peek(&f));
  EXPECT_EQ(Str(f.payload, f.payload_len), "0");
  EXPECT_FALSE(Push(ring, "h", "still full before Pop"));
  ring.Pop();
  EXPECT_TRUE(Push(ring, "h", "4"));
  EXPECT_FALSE(Push(ring, "h", "full again"));
  for (int i = 1; i <= 4; ++i) {
    ASSERT_TRUE(ring.Peek(&f));
    EXPECT_EQ(Str(f.payload, f.payload_len), std::to_string(i));
    ring.Pop();
  }
  EXPECT_FALSE(ring.Peek(&f));
  EXPECT_EQ(ring.InFlight(), 0u);
}

TEST(RingTest, PeekWithoutPopOffersTheSameFrameAgain) {
  RingMemory mem(4, 128);
  Ring ring(mem.base(), 4, 128);
  ASSERT_TRUE(Push(ring, "a", "one"));
  ASSERT_TRUE(Push(ring, "b", "two"));
  Frame f;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ring.Peek(&f));
    EXPECT_EQ(Str(f.header, f.header_len), "a");
    EXPECT_EQ(Str(f.payload, f.payload_len), "one");
  }
  ring.Pop();
  ASSERT_TRUE(ring.Peek(&f));
  EXPECT_EQ(Str(f.header, f.header_len), "b");
}

TEST(RingTest, WrapsAroundManyLapsWithVariedSizes) {
  const size_t slots = 8, slot_size = 512;
  RingMemory mem(slots, slot_size);
  Ring ring(mem.base(), slots, slot_size);
  std::mt19937 rng(7);
  std::vector<std::pair<std::string, std::string>> pending;
  size_t next_out = 0;
  std::vector<std::pair<std::string, std::string>> sent;
  for (int step = 0; step < 20000; ++step) {
    if (rng() % 2 == 0) {
      std::string h(rng() % (kMaxHeader + 1), static_cast<char>('a' + step % 26));
      std::string p(rng() % (Ring::MaxPayloadFor(slot_size) + 1), static_cast<char>(step));
      if (!h.empty()) h[0] = static_cast<char>(step >> 8);
      if (Push(ring, h, p)) {
        sent.emplace_back(h, p);
      } else {
        EXPECT_EQ(sent.size() - next_out, slots);  // refused only when really full
      }
    } else {
      Frame f;
      if (ring.Peek(&f)) {
        ASSERT_LT(next_out, sent.size());
        ASSERT_EQ(Str(f.header, f.header_len), sent[next_out].first) << "frame " << next_out;
        ASSERT_EQ(Str(f.payload, f.payload_len), sent[next_out].second) << "frame " << next_out;
        ++next_out;
        ring.Pop();
      } else {
        EXPECT_EQ(next_out, sent.size());
      }
    }
  }
  EXPECT_GT(sent.size(), 20 * slots);  // many laps
  EXPECT_TRUE(mem.GuardIntact());
}

TEST(RingTest, LargestFrameFitsItsSlotExactly) {
  const size_t slots = 2, slot_size = 256;
  RingMemory mem(slots, slot_size);
  Ring ring(mem.base(), slots, slot_size);
  std::string h(kMaxHeader, 'h');
  std::string p(Ring::MaxPayloadFor(slot_size), 'p');
  ASSERT_TRUE(Push(ring, h, p));
  ASSERT_TRUE(Push(ring, h, p));
  Frame f;
  ASSERT_TRUE(ring.Peek(&f));
  EXPECT_EQ(Str(f.payload, f.payload_len), p);
  ring.Pop();
  ASSERT_TRUE(ring.Peek(&f));
  EXPECT_EQ(Str(f.header, f.header_len), h);
  EXPECT_EQ(Str(f.payload, f.payload_len), p);
  EXPECT_TRUE(mem.GuardIntact());
}

TEST(RingTest, PayloadIsEightByteAligned) {
  RingMemory mem(4, 256);
  Ring ring(mem.base(), 4, 256);
  ASSERT_TRUE(Push(ring, "abc", "x"));
  Frame f;
  ASSERT_TRUE(ring.Peek(&f));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(f.payload) % 8, 0u);
}

// Two threads stand in for two processes: the atomics are the same.
TEST(RingTest, ProducerAndConsumerThreadsKeepOrder) {
  const size_t slots = 16, slot_size = 192;
  RingMemory mem(slots, slot_size);
  Ring producer(mem.base(), slots, slot_size);
  Ring consumer(mem.base(), slots, slot_size);
  const uint64_t kFrames = 200000;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (uint64_t i = 0; i < kFrames && !stop.load(std::memory_order_relaxed);) {
      uint64_t payload[4] = {i, ~i, i * 3, i ^ 0x55};
      if (producer.TryPush(&i, sizeof(i), payload, (i % 4 + 1) * sizeof(uint64_t))) {
        ++i;
      } else {
        std::this_thread::yield();  // the machine may have fewer free cores than threads
      }
    }
  });
  uint64_t expected = 0;
  int64_t first_bad = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (expected < kFrames && std::chrono::steady_clock::now() < deadline) {
    Frame f;
    if (!consumer.Peek(&f)) {
      std::this_thread::yield();
      continue;
    }
    uint64_t h;
    memcpy(&h, f.header, sizeof(h));
    const uint64_t* p = static_cast<const uint64_t*>(f.payload);
    bool ok = h == expected && f.payload_len == (expected % 4 + 1) * 8 && p[0] == expected &&
              (f.payload_len < 16 || p[1] == ~expected);
    if (!ok && first_bad < 0) first_bad = static_cast<int64_t>(expected);
    consumer.Pop();
    ++expected;
  }
  stop.store(true);
  writer.join();
  EXPECT_EQ(first_bad, -1);
  EXPECT_EQ(expected, kFrames);
}

}  // namespace
}  // namespace zmpi::transport::shm
