// Real multi-process tests of the shm endpoint: ranks are forked processes on this host.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "tests/transport/shm/fork_job.h"
#include "tests/transport/shm/single_copy_check.h"
#include "transport/shm/endpoint.h"

namespace zmpi::transport::shm {
namespace {

using testing::Deadline;
using testing::FnSink;
using testing::ForkJob;

void ExpectClean(const ForkJob& job) {
  std::vector<std::string> left = job.LeftoverSegments();
  for (const std::string& n : left) shm_unlink(("/" + n).c_str());
  EXPECT_TRUE(left.empty()) << "left in /dev/shm: " << left.front();
}

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

// Frame `k` from `src`: header = {k, src} + filler, payload of a size that is mostly small
// and sometimes up to the maximum; every byte depends on (src, k, position).
struct FrameSpec {
  size_t header_len;
  size_t payload_len;
};
FrameSpec SpecFor(uint64_t k, int src, size_t max_payload) {
  uint64_t h = Mix(k * 131 + static_cast<uint64_t>(src) + 1);
  size_t payload = (h & 3) == 0 ? (h >> 8) % (max_payload + 1) : (h >> 8) % 257;
  return FrameSpec{12 + (h >> 40) % (kMaxHeader - 11), payload};
}
char ByteAt(uint64_t k, int src, size_t i) { return static_cast<char>(k * 7 + src * 13 + i); }

void MakeFrame(uint64_t k, int src, size_t max_payload, char* header, char* payload, Frame* f) {
  FrameSpec spec = SpecFor(k, src, max_payload);
  memcpy(header, &k, 8);
  int32_t s = src;
  memcpy(header + 8, &s, 4);
  for (size_t i = 12; i < spec.header_len; ++i) header[i] = ByteAt(k, src, i);
  for (size_t i = 0; i < spec.payload_len; ++i) payload[i] = ByteAt(k, src, i);
  *f = Frame{header, spec.header_len, payload, spec.payload_len};
}

bool CheckFrame(uint64_t k, int src, size_t max_payload, const Frame& f) {
  FrameSpec spec = SpecFor(k, src, max_payload);
  if (f.header_len != spec.header_len || f.payload_len != spec.payload_len) return false;
  const char* h = static_cast<const char*>(f.header);
  const char* p = static_cast<const char*>(f.payload);
  uint64_t got_k;
  int32_t got_src;
  memcpy(&got_k, h, 8);
  memcpy(&got_src, h + 8, 4);
  if (got_k != k || got_src != src) return false;
  for (size_t i = 12; i < spec.header_len; ++i) {
    if (h[i] != ByteAt(k, src, i)) return false;
  }
  for (size_t i = 0; i < spec.payload_len; ++i) {
    if (p[i] != ByteAt(k, src, i)) return false;
  }
  return true;
}

// Every rank sends `frames` frames to every other rank while draining its own rings; each
// receiver checks order and content per source.
int AllToAllBody(ForkJob& job, int rank, uint64_t frames, size_t slots, size_t slot_size) {
  auto ep_or = job.Setup(job.MakeOptions(rank, slots, slot_size));
  CHILD_EXPECT_OK(ep_or.status());
  Endpoint& ep = **ep_or;
  const int n = job.nprocs();
  const size_t max_payload = ep.MaxPayload();
  std::vector<uint64_t> next_in(n, 0), next_out(n, 0);
  bool bad = false;
  FnSink sink([&](int peer, const Frame& f) {
    if (!CheckFrame(next_in[peer], peer, max_payload, f)) bad = true;
    ++next_in[peer];
    return true;
  });
  std::vector<char> header(kMaxHeader), payload(max_payload);
  Deadline deadline(20);
  for (;;) {
    bool all_done = true;
    bool sent = false;
    for (int peer = 0; peer < n; ++peer) {
      if (peer == rank) continue;
      if (next_out[peer] < frames) {
        Frame f;
        MakeFrame(next_out[peer], rank, max_payload, header.data(), payload.data(), &f);
        auto r = ep.Send(peer, f);
        CHILD_EXPECT_OK(r.status());
        if (*r == SendResult::kDone) {
          ++next_out[peer];
          sent = true;
        }
      }
      all_done = all_done && next_out[peer] == frames && next_in[peer] == frames;
    }
    auto polled = ep.Poll(sink);
    CHILD_EXPECT_OK(polled.status());
    CHILD_EXPECT(!bad);
    if (all_done) break;
    // More spinning ranks than free cores: let the others run when nothing moved.
    if (*polled == 0 && !sent) std::this_thread::yield();
    CHILD_EXPECT(!deadline.Expired());
  }
  CHILD_EXPECT(job.Barrier(0));  // nobody still needs our rings
  return 0;
}

TEST(ShmMultiProcessTest, TwoRanksManyFramesInOrder) {
  ForkJob job(2);
  EXPECT_EQ(job.Run([&](int rank) { return AllToAllBody(job, rank, 20000, 64, 16384); }), "");
  ExpectClean(job);
}

TEST(ShmMultiProcessTest, ThreeRanksAllToAllWithSmallRings) {
  ForkJob job(3);
  EXPECT_EQ(job.Run([&](int rank) { return AllToAllBody(job, rank, 8000, 8, 1024); }), "");
  ExpectClean(job);
}

// Rank 1 is slow and refuses every frame the first time it sees it; rank 0 must see kRetry,
// and rank 1 must get every frame once, in order, re-offered unchanged after a refusal.
TEST(ShmMultiProcessTest, SlowRefusingReceiverPushesBack) {
  ForkJob job(2);
  constexpr uint64_t kFrames = 3000;
  auto body = [&](int rank) -> int {
    auto ep_or = job.Setup(job.MakeOptions(rank, 8, 1024));
    CHILD_EXPECT_OK(ep_or.status());
    Endpoint& ep = **ep_or;
    const size_t max_payload = ep.MaxPayload();
    Deadline deadline(20);
    if (rank == 0) {
      std::vector<char> header(kMaxHeader), payload(max_payload);
      FnSink sink([](int, const Frame&) { return true; });
      uint64_t retries = 0;
      for (uint64_t k = 0; k < kFrames;) {
        Frame f;
        MakeFrame(k, 0, max_payload, header.data(), payload.data(), &f);
        auto r = ep.Send(1, f);
        CHILD_EXPECT_OK(r.status());
        if (*r == SendResult::kDone) {
          ++k;
        } else {
          ++retries;
          CHILD_EXPECT_OK(ep.Poll(sink).status());
          CHILD_EXPECT(!deadline.Expired());
        }
      }
      CHILD_EXPECT(retries > 0);
    } else {
      uint64_t next = 0, refused_at = UINT64_MAX;
      bool bad = false;
      FnSink sink([&](int peer, const Frame& f) {
        if (peer != 0 || !CheckFrame(next, 0, max_payload, f)) bad = true;
        if (refused_at != next) {
          refused_at = next;
          return false;  // hold it: must come again, unchanged
        }
        ++next;
        return true;
      });
      for (int polls = 0; next < kFrames; ++polls) {
        auto n = ep.Poll(sink);
        CHILD_EXPECT_OK(n.status());
        CHILD_EXPECT(!bad);
        if (next < kFrames / 3 && polls % 4 == 0) {
          std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
        CHILD_EXPECT(!deadline.Expired());
      }
    }
    CHILD_EXPECT(job.Barrier(0));
    return 0;
  };
  EXPECT_EQ(job.Run(body), "");
  ExpectClean(job);
}

// Waits (bounded) for one frame from `peer` and copies its header.
bool WaitFrame(Endpoint& ep, int peer, void* header, size_t len) {
  bool got = false;
  FnSink sink([&](int from, const Frame& f) {
    if (from != peer || f.header_len != len) return true;
    memcpy(header, f.header, len);
    got = true;
    return true;
  });
  Deadline deadline(10);
  while (!got && !deadline.Expired()) {
    if (!ep.Poll(sink).ok()) return false;
  }
  return got;
}

bool SendBlocking(Endpoint& ep, int peer, const void* header, size_t len) {
  Deadline deadline(10);
  while (!deadline.Expired()) {
    auto r = ep.Send(peer, Frame{header, len, nullptr, 0});
    if (!r.ok()) return false;
    if (*r == SendResult::kDone) return true;
  }
  return false;
}

TEST(ShmMultiProcessTest, ReadsLargeBufferFromOtherProcess) {
  const bool have_single_copy = SingleCopyAvailable();
  ForkJob job(2);
  constexpr size_t kBytes = size_t{64} << 20;
  auto body = [&](int rank) -> int {
    auto ep_or = job.Setup(job.MakeOptions(rank));
    CHILD_EXPECT_OK(ep_or.status());
    Endpoint& ep = **ep_or;
    const int peer = 1 - rank;
    if (!have_single_copy) {
      // The fallback: the probe failed, single copy is off for the peer, Read refuses, and
      // a large message goes through the rings in frames (as the rendezvous does then).
      CHILD_EXPECT(!ep.CanRead(peer));
      char c = 0;
      CHILD_EXPECT(ep.Read(peer, 0x10, &c, 1).code() == Code::kUnsupported);
      const size_t words = ep.MaxPayload() / 8;
      const size_t frames = (size_t{8} << 20) / (words * 8) + 1;
      std::vector<uint64_t> buf(words);
      Deadline deadline(60);
      if (rank == 1) {
        for (uint64_t f = 0; f < frames && !deadline.Expired();) {
          for (size_t i = 0; i < words; ++i) buf[i] = Mix(f * words + i);
          auto r = ep.Send(0, Frame{&f, sizeof(f), buf.data(), words * 8});
          CHILD_EXPECT_OK(r.status());
          if (*r == SendResult::kDone) ++f;
        }
      } else {
        uint64_t next = 0;
        bool data_ok = true;
        FnSink sink([&](int from, const Frame& fr) {
          uint64_t f = 0;
          memcpy(&f, fr.header, sizeof(f));
          if (from != 1 || f != next || fr.payload_len != words * 8) data_ok = false;
          memcpy(buf.data(), fr.payload, words * 8);
          for (size_t i = 0; i < words; ++i) data_ok &= buf[i] == Mix(f * words + i);
          ++next;
          return true;
        });
        while (next < frames && !deadline.Expired()) CHILD_EXPECT_OK(ep.Poll(sink).status());
        CHILD_EXPECT(next == frames && data_ok);
      }
      CHILD_EXPECT(job.Barrier(0));
      return 0;
    }
    CHILD_EXPECT(ep.CanRead(peer));
    if (rank == 1) {
      std::vector<uint64_t> buf(kBytes / 8);
      for (size_t i = 0; i < buf.size(); ++i) buf[i] = Mix(i);
      uint64_t addr = reinterpret_cast<uint64_t>(buf.data());
      CHILD_EXPECT(SendBlocking(ep, 0, &addr, sizeof(addr)));
      uint64_t ack = 0;
      CHILD_EXPECT(WaitFrame(ep, 0, &ack, sizeof(ack)));  // polls, so it helps the Read
      CHILD_EXPECT(ack == 42);
      CHILD_EXPECT(job.Barrier(1, 30));  // does not poll: rank 0 reads alone; buf lives on
    } else {
      uint64_t addr = 0;
      CHILD_EXPECT(WaitFrame(ep, 1, &addr, sizeof(addr)));
      std::vector<uint64_t> local(kBytes / 8, 0);
      CHILD_EXPECT_OK(ep.Read(1, addr, local.data(), kBytes));
      for (size_t i = 0; i < local.size(); ++i) CHILD_EXPECT(local[i] == Mix(i));
      // Unaligned on both sides.
      std::vector<char> part((1 << 20) + 16);
      CHILD_EXPECT_OK(ep.Read(1, addr + 3, part.data() + 5, 1 << 20));
      CHILD_EXPECT(memcmp(part.data() + 5, reinterpret_cast<char*>(local.data()) + 3, 1 << 20) == 0);
      // An address the peer has not mapped is an error, not a crash.
      Status s = ep.Read(1, 8, part.data(), 64);
      CHILD_EXPECT(!s.ok());
      uint64_t ack = 42;
      CHILD_EXPECT(SendBlocking(ep, 1, &ack, sizeof(ack)));
      // Again while rank 1 sits in a barrier and never polls: no help, still complete.
      std::fill(local.begin(), local.end(), 0);
      CHILD_EXPECT_OK(ep.Read(1, addr, local.data(), kBytes));
      for (size_t i = 0; i < local.size(); ++i) CHILD_EXPECT(local[i] == Mix(i));
      CHILD_EXPECT(job.Barrier(1, 30));
    }
    CHILD_EXPECT(job.Barrier(0));
    return 0;
  };
  EXPECT_EQ(job.Run(body, 60), "");
  ExpectClean(job);
}

// A probe that fails (here: a wrong probe address) turns single copy off for that peer only;
// frames still flow.
TEST(ShmMultiProcessTest, FailedProbeDisablesReadButNotFrames) {
  const bool have_single_copy = SingleCopyAvailable();
  ForkJob job(2);
  auto body = [&](int rank) -> int {
    auto ep_or = CreateEndpoint(job.MakeOptions(rank));
    CHILD_EXPECT_OK(ep_or.status());
    Endpoint& ep = **ep_or;
    std::vector<PeerAddress> all;
    CHILD_EXPECT(job.Exchange(rank, ep.Address(), &all));
    const int peer = 1 - rank;
    PeerAddress target = all[peer];
    if (rank == 0) target.address = target.address.substr(0, target.address.rfind(';')) + ";10";
    CHILD_EXPECT_OK(ep.Connect({target}));
    CHILD_EXPECT(ep.CanRead(peer) == (rank == 1 && have_single_copy));
    if (rank == 0) {
      char c;
      CHILD_EXPECT(ep.Read(1, 0x10, &c, 1).code() == Code::kUnsupported);
      uint64_t v = 0;
      CHILD_EXPECT(WaitFrame(ep, 1, &v, sizeof(v)));
      CHILD_EXPECT(v == 7);
    } else {
      uint64_t v = 7;
      CHILD_EXPECT(SendBlocking(ep, 0, &v, sizeof(v)));
    }
    CHILD_EXPECT(job.Barrier(0));
    return 0;
  };
  EXPECT_EQ(job.Run(body), "");
  ExpectClean(job);
}

// After rank 1 exits, rank 0 sees it dead, and a full ring to it turns into kProcAborted.
TEST(ShmMultiProcessTest, PeerAliveTurnsFalseAfterExit) {
  ForkJob job(2);
  auto body = [&](int rank) -> int {
    auto ep_or = job.Setup(job.MakeOptions(rank, 4, 256));
    CHILD_EXPECT_OK(ep_or.status());
    Endpoint& ep = **ep_or;
    if (rank == 1) {
      CHILD_EXPECT(job.Barrier(0));
      return 0;  // exits; its endpoint unlinks its segment
    }
    CHILD_EXPECT(ep.PeerAlive(1));  // rank 1 is still waiting at the barrier
    CHILD_EXPECT(job.Barrier(0));
    Deadline deadline(10);
    while (ep.PeerAlive(1)) CHILD_EXPECT(!deadline.Expired());
    // Frames into the dead peer's ring (still mapped here) until it is full, then the error.
    for (;;) {
      auto r = ep.Send(1, Frame{"x", 1, nullptr, 0});
      if (!r.ok()) {
        CHILD_EXPECT(r.status().code() == Code::kProcAborted);
        break;
      }
      CHILD_EXPECT(!deadline.Expired());
    }
    return 0;
  };
  EXPECT_EQ(job.Run(body), "");
  ExpectClean(job);
}

}  // namespace
}  // namespace zmpi::transport::shm
