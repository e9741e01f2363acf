// Single-process tests of the shm endpoint: segment lifecycle, option and address checks,
// and two endpoints in one process talking to each other.
#include "transport/shm/endpoint.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "tests/transport/shm/fork_job.h"
#include "tests/transport/shm/single_copy_check.h"
#include "transport/shm/ring.h"
#include "transport/shm/shm_format.h"

namespace zmpi::transport::shm {
namespace {

using testing::FnSink;
using testing::ForkJob;

bool SegmentExists(const std::string& name) {
  struct stat st;
  return stat(("/dev/shm" + name).c_str(), &st) == 0;
}

std::string NameOf(const Endpoint& ep) {
  std::string a = ep.Address();
  return a.substr(0, a.find(';'));
}

void ExpectClean(const ForkJob& job) {
  std::vector<std::string> left = job.LeftoverSegments();
  for (const std::string& n : left) shm_unlink(("/" + n).c_str());
  EXPECT_TRUE(left.empty()) << "left in /dev/shm: " << left.front();
}

TEST(ShmEndpointTest, SegmentExistsUntilDestroyed) {
  ForkJob job(2);
  std::string name;
  {
    auto ep = CreateEndpoint(job.MakeOptions(1));
    ASSERT_TRUE(ep.ok()) << ep.status().ToString();
    EXPECT_STREQ((*ep)->Name(), "shm");
    name = NameOf(**ep);
    EXPECT_EQ(name, job.prefix() + "shm-1");
    EXPECT_TRUE(SegmentExists(name));
    EXPECT_EQ((*ep)->MaxPayload(), 16384u - 72u);
  }
  EXPECT_FALSE(SegmentExists(name));
  ExpectClean(job);
}

TEST(ShmEndpointTest, StaleSegmentIsReplaced) {
  ForkJob job(1);
  const std::string name = job.prefix() + "shm-0";
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, 100), 0);
  ASSERT_EQ(write(fd, "garbage", 7), 7);
  close(fd);
  {
    auto ep = CreateEndpoint(job.MakeOptions(0));
    ASSERT_TRUE(ep.ok()) << ep.status().ToString();
    ASSERT_TRUE((*ep)->Connect({{0, (*ep)->Address()}}).ok());
    struct stat st;
    ASSERT_EQ(stat(("/dev/shm" + name).c_str(), &st), 0);
    EXPECT_GT(st.st_size, 100);
  }
  ExpectClean(job);
}

TEST(ShmEndpointTest, RejectsBadOptions) {
  ForkJob job(2);
  Options o = job.MakeOptions(0);
  o.ring_slots = 48;
  EXPECT_EQ(CreateEndpoint(o).status().code(), Code::kArg);
  o = job.MakeOptions(0);
  o.slot_size = 1000;
  EXPECT_EQ(CreateEndpoint(o).status().code(), Code::kArg);
  o = job.MakeOptions(0);
  o.my_rank = 5;
  EXPECT_EQ(CreateEndpoint(o).status().code(), Code::kArg);
  o = job.MakeOptions(0);
  o.local_ranks = {1, 0};
  EXPECT_EQ(CreateEndpoint(o).status().code(), Code::kArg);
  ExpectClean(job);
}

TEST(ShmEndpointTest, ConnectRejectsBadPeers) {
  ForkJob job(2);
  {
    auto a = CreateEndpoint(job.MakeOptions(0));
    ASSERT_TRUE(a.ok());
    EXPECT_FALSE((*a)->Connect({{1, "no-semicolons"}}).ok());
    FnSink sink([](int, const Frame&) { return true; });
    EXPECT_EQ(*(*a)->Poll(sink), 0);  // nothing half-connected is polled
    EXPECT_FALSE((*a)->Send(1, Frame{"h", 1, nullptr, 0}).ok());
  }
  {
    auto a = CreateEndpoint(job.MakeOptions(0));
    ASSERT_TRUE(a.ok());
    EXPECT_EQ((*a)->Connect({{7, (*a)->Address()}}).code(), Code::kArg);  // not local
  }
  // Connect only records addresses; what is wrong with a peer's segment shows at the first
  // Send to it (when its segment is mapped), as an error that names the problem.
  const Frame frame{"h", 1, nullptr, 0};
  {
    auto a = CreateEndpoint(job.MakeOptions(0));
    ASSERT_TRUE(a.ok());
    // Rank 1's address that points at a segment which does not exist (this process is alive).
    ASSERT_TRUE(
        (*a)->Connect({{1, job.prefix() + "shm-1;" + std::to_string(getpid()) + ";10"}}).ok());
    EXPECT_FALSE((*a)->Send(1, frame).ok());
  }
  {
    // Geometry must agree (ZMPI_SHM_* set differently on two ranks).
    auto a = CreateEndpoint(job.MakeOptions(0, 64, 16384));
    auto b = CreateEndpoint(job.MakeOptions(1, 32, 16384));
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE((*a)->Connect({{1, (*b)->Address()}}).ok());
    auto s = (*a)->Send(1, frame);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.status().message().find("ZMPI_SHM_RING_SLOTS"), std::string::npos)
        << s.status().ToString();
  }
  {
    // A segment that is not (or no longer) in our format: bad magic or version.
    auto a = CreateEndpoint(job.MakeOptions(0));
    auto b = CreateEndpoint(job.MakeOptions(1));
    ASSERT_TRUE(a.ok() && b.ok());
    int fd = shm_open(NameOf(**b).c_str(), O_RDWR, 0);
    ASSERT_GE(fd, 0);
    uint32_t version = 999;
    ASSERT_EQ(pwrite(fd, &version, sizeof(version), 4), 4);  // SegmentHeader::version
    close(fd);
    ASSERT_TRUE((*a)->Connect({{1, (*b)->Address()}}).ok());
    auto s = (*a)->Send(1, frame);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.status().message().find("version"), std::string::npos) << s.status().ToString();
  }
  {
    // A segment laid out for another cache line size (a process of another architecture on
    // this host): the header records line and page size, and a peer with others refuses it.
    auto a = CreateEndpoint(job.MakeOptions(0));
    auto b = CreateEndpoint(job.MakeOptions(1));
    ASSERT_TRUE(a.ok() && b.ok());
    int fd = shm_open(NameOf(**b).c_str(), O_RDWR, 0);
    ASSERT_GE(fd, 0);
    SegmentHeader h;
    ASSERT_EQ(pread(fd, &h, sizeof(h), 0), static_cast<ssize_t>(sizeof(h)));
    EXPECT_EQ(h.line, Geometry::Host().line);
    EXPECT_EQ(h.page, Geometry::Host().page);
    EXPECT_GE(h.line, kCacheLine);
    const uint32_t other_line = h.line * 2;
    ASSERT_EQ(pwrite(fd, &other_line, sizeof(other_line), offsetof(SegmentHeader, line)), 4);
    close(fd);
    ASSERT_TRUE((*a)->Connect({{1, (*b)->Address()}}).ok());
    auto s = (*a)->Send(1, frame);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.status().message().find("cache lines"), std::string::npos)
        << s.status().ToString();
  }
  {
    // The address of rank 1 given for rank 0's slot: owner check.
    auto a = CreateEndpoint(job.MakeOptions(0));
    auto b = CreateEndpoint(job.MakeOptions(1));
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE((*a)->Connect({{0, (*b)->Address()}}).ok());
    EXPECT_FALSE((*a)->Send(0, frame).ok());
  }
  ExpectClean(job);
}

TEST(ShmEndpointTest, SelfConnectionDeliversAndReads) {
  ForkJob job(1);
  {
    auto ep = CreateEndpoint(job.MakeOptions(0));
    ASSERT_TRUE(ep.ok());
    Endpoint& e = **ep;
    ASSERT_TRUE(e.Connect({{0, e.Address()}}).ok());
    std::vector<std::string> got;
    FnSink sink([&](int peer, const Frame& f) {
      EXPECT_EQ(peer, 0);
      got.emplace_back(static_cast<const char*>(f.payload), f.payload_len);
      return true;
    });
    for (const char* text : {"one", "two", "three"}) {
      auto r = e.Send(0, Frame{"h", 1, text, strlen(text)});
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(*r, SendResult::kDone);
    }
    auto n = e.Poll(sink);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 3);
    EXPECT_EQ(got, (std::vector<std::string>{"one", "two", "three"}));
    EXPECT_EQ(*e.Poll(sink), 0);

    std::string source = "single copy from my own address space";
    std::string dest(source.size(), '\0');
    if (SingleCopyAvailable()) {
      ASSERT_TRUE(e.CanRead(0));
      ASSERT_TRUE(
          e.Read(0, reinterpret_cast<uint64_t>(source.data()), dest.data(), dest.size()).ok());
      EXPECT_EQ(dest, source);
    } else {  // the probe failed: single copy is off and says so
      EXPECT_FALSE(e.CanRead(0));
      EXPECT_EQ(e.Read(0, reinterpret_cast<uint64_t>(source.data()), dest.data(), dest.size())
                    .code(),
                Code::kUnsupported);
    }
    EXPECT_TRUE(e.PeerAlive(0));
    EXPECT_TRUE(e.PeerAlive(3));  // unknown ranks: cannot tell, so alive
  }
  ExpectClean(job);
}

TEST(ShmEndpointTest, TwoEndpointsInOneProcess) {
  ForkJob job(2);
  {
    auto a = CreateEndpoint(job.MakeOptions(0, 4, 256));
    auto b = CreateEndpoint(job.MakeOptions(1, 4, 256));
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE((*a)->Connect({{1, (*b)->Address()}}).ok());
    ASSERT_TRUE((*b)->Connect({{0, (*a)->Address()}}).ok());
    // Not connected to itself: sending to self is an error, not a crash.
    EXPECT_FALSE((*a)->Send(0, Frame{"h", 1, nullptr, 0}).ok());
    // Oversized frames are refused.
    std::string big((*a)->MaxPayload() + 1, 'x');
    EXPECT_FALSE((*a)->Send(1, Frame{"h", 1, big.data(), big.size()}).ok());
    char header[kMaxHeader + 1] = {};
    EXPECT_FALSE((*a)->Send(1, Frame{header, sizeof(header), nullptr, 0}).ok());

    // The first ring (2 slots, one kept for the switch) takes one frame; the second grows
    // the pair to the largest ring (4 slots, all for frames): 5 in flight, then full.
    int sent = 0;
    for (; sent < 10; ++sent) {
      auto r = (*a)->Send(1, Frame{&sent, sizeof(sent), nullptr, 0});
      ASSERT_TRUE(r.ok());
      if (*r == SendResult::kRetry) break;
    }
    EXPECT_EQ(sent, 5);
    int next = 0;
    FnSink sink([&](int peer, const Frame& f) {
      EXPECT_EQ(peer, 0);
      int v;
      memcpy(&v, f.header, sizeof(v));
      EXPECT_EQ(v, next);
      ++next;
      return true;
    });
    EXPECT_EQ(*(*b)->Poll(sink), 5);  // across the switch, in order
    EXPECT_EQ(next, 5);
    EXPECT_EQ(*(*a)->Send(1, Frame{&sent, sizeof(sent), nullptr, 0}), SendResult::kDone);
    EXPECT_EQ(*(*b)->Poll(sink), 1);
  }
  ExpectClean(job);
}

// A sender that keeps a ring full must not starve another sender: one Poll serves both.
TEST(ShmEndpointTest, PollServesEveryPeer) {
  ForkJob job(3);
  {
    std::vector<std::unique_ptr<Endpoint>> eps;
    for (int r = 0; r < 3; ++r) {
      auto ep = CreateEndpoint(job.MakeOptions(r, 256, 256));
      ASSERT_TRUE(ep.ok());
      eps.push_back(std::move(*ep));
    }
    ASSERT_TRUE(eps[0]->Connect({{1, eps[1]->Address()}, {2, eps[2]->Address()}}).ok());
    ASSERT_TRUE(eps[1]->Connect({{0, eps[0]->Address()}}).ok());
    ASSERT_TRUE(eps[2]->Connect({{0, eps[0]->Address()}}).ok());
    int flood = 0;
    while (*eps[1]->Send(0, Frame{"f", 1, nullptr, 0}) == SendResult::kDone) ++flood;
    EXPECT_EQ(flood, 1 + 7 + 256);  // the first ring's one frame, the middle ring's 7, the largest
    ASSERT_EQ(*eps[2]->Send(0, Frame{"c", 1, nullptr, 0}), SendResult::kDone);
    int from1 = 0, from2 = 0;
    FnSink sink([&](int peer, const Frame&) {
      (peer == 1 ? from1 : from2)++;
      return true;
    });
    for (int i = 0; i < 2; ++i) {
      from1 = from2 = 0;
      auto n = eps[0]->Poll(sink);
      ASSERT_TRUE(n.ok());
      EXPECT_EQ(from2, i == 0 ? 1 : 0);
      EXPECT_GT(from1, 0);
      EXPECT_LT(from1, flood);  // bounded batch per peer
      EXPECT_EQ(*n, from1 + from2);
    }
  }
  ExpectClean(job);
}

// Frames that `from` can put in flight to `to` before Send says kRetry; then drains them
// and checks they arrive in order.
int Flood(Endpoint& from, int to, Endpoint& receiver, int from_rank) {
  int sent = 0;
  while (*from.Send(to, Frame{&sent, sizeof(sent), nullptr, 0}) == SendResult::kDone) ++sent;
  int next = 0;
  FnSink sink([&](int peer, const Frame& f) {
    int v;
    memcpy(&v, f.header, sizeof(v));
    EXPECT_EQ(peer, from_rank);
    EXPECT_EQ(v, next);
    ++next;
    return true;
  });
  while (next < sent) {
    auto n = receiver.Poll(sink);
    if (!n.ok() || *n == 0) break;
  }
  EXPECT_EQ(next, sent);
  return sent;
}

// A pair that keeps finding its rings full grows through the middle ring (8 slots, one kept
// for the switch) to the largest ring; one that sends a frame at a time (a ping-pong) leaves
// its first ring after grow_after_full such refills, but stays in the middle ring until it
// really fills it.
TEST(ShmEndpointTest, BusyPairsGrow) {
  ForkJob job(3);
  {
    std::vector<std::unique_ptr<Endpoint>> eps;
    for (int r = 0; r < 3; ++r) {
      Options o = job.MakeOptions(r, 16, 256);
      o.grow_after_full = 4;
      auto ep = CreateEndpoint(o);
      ASSERT_TRUE(ep.ok());
      eps.push_back(std::move(*ep));
    }
    ASSERT_TRUE(eps[0]->Connect({{1, eps[1]->Address()}, {2, eps[2]->Address()}}).ok());
    ASSERT_TRUE(eps[1]->Connect({{0, eps[0]->Address()}}).ok());
    ASSERT_TRUE(eps[2]->Connect({{0, eps[0]->Address()}}).ok());
    // 0 -> 1: a burst grows it at once: 1 frame in the first ring, 7 in the middle, 16 in the
    // largest.
    EXPECT_EQ(Flood(*eps[0], 1, *eps[1], 0), 1 + 7 + 16);
    EXPECT_EQ(Flood(*eps[0], 1, *eps[1], 0), 16);
    // 0 -> 2: one frame at a time; the first ring is refilled each time, the middle ring
    // every 7 frames (40 frames: 5 refills), and neither refills make it grow further.
    FnSink sink([](int, const Frame&) { return true; });
    for (int i = 0; i < 6 + 40; ++i) {
      ASSERT_EQ(*eps[0]->Send(2, Frame{"p", 1, nullptr, 0}), SendResult::kDone);
      ASSERT_EQ(*eps[2]->Poll(sink), 1);
    }
    EXPECT_EQ(Flood(*eps[0], 2, *eps[2], 0), 7 + 16);  // full middle ring, then the largest
    EXPECT_EQ(Flood(*eps[0], 2, *eps[2], 0), 16);
  }
  ExpectClean(job);
}

// Few local ranks (the budget pays for a middle ring to every peer four times over): a pair
// starts in the middle ring, grows only when a push finds it full, and grows at once, before
// a frame goes, when told that a stream longer than the ring follows (ExpectFrames).
TEST(ShmEndpointTest, FewRanksStartInTheMiddleAndGrowForStreams) {
  ForkJob job(3);
  {
    std::vector<std::unique_ptr<Endpoint>> eps;
    for (int r = 0; r < 3; ++r) {
      Options o = job.MakeOptions(r, 16, 256);
      o.middle_first = true;
      auto ep = CreateEndpoint(o);
      ASSERT_TRUE(ep.ok());
      eps.push_back(std::move(*ep));
    }
    ASSERT_TRUE(eps[0]->Connect({{1, eps[1]->Address()}, {2, eps[2]->Address()}}).ok());
    ASSERT_TRUE(eps[1]->Connect({{0, eps[0]->Address()}}).ok());
    ASSERT_TRUE(eps[2]->Connect({{0, eps[0]->Address()}}).ok());
    // 0 -> 1: one frame at a time, refilled far more often than grow_after_full, and a stream
    // that fits: stays in the middle ring (7 frames, one slot kept for the switch) until a
    // burst fills it.
    FnSink sink([](int, const Frame&) { return true; });
    ASSERT_EQ(*eps[0]->Send(1, Frame{"p", 1, nullptr, 0}), SendResult::kDone);
    ASSERT_EQ(*eps[1]->Poll(sink), 1);
    eps[0]->ExpectFrames(1, 7);
    for (int i = 0; i < 40; ++i) {
      ASSERT_EQ(*eps[0]->Send(1, Frame{"p", 1, nullptr, 0}), SendResult::kDone);
      ASSERT_EQ(*eps[1]->Poll(sink), 1);
    }
    EXPECT_EQ(Flood(*eps[0], 1, *eps[1], 0), 7 + 16);
    // 0 -> 2: a first message opens the middle ring; a stream of 8 frames (more than its 7)
    // grows it to the largest at once: a burst then fills the largest ring's 16 slots.
    ASSERT_EQ(*eps[0]->Send(2, Frame{"p", 1, nullptr, 0}), SendResult::kDone);
    ASSERT_EQ(*eps[2]->Poll(sink), 1);
    eps[0]->ExpectFrames(2, 8);
    EXPECT_EQ(Flood(*eps[0], 2, *eps[2], 0), 16);
    EXPECT_EQ(Flood(*eps[0], 2, *eps[2], 0), 16);
  }
  ExpectClean(job);
}

// Growth is paid from host_ring_budget / local ranks: once it is spent, a busy pair keeps its
// first ring, now with every slot for frames.
TEST(ShmEndpointTest, GrowthStopsAtTheBudget) {
  ForkJob job(3);
  {
    std::vector<std::unique_ptr<Endpoint>> eps;
    for (int r = 0; r < 3; ++r) {
      Options o = job.MakeOptions(r, 64, 256);
      // One middle and one largest ring per rank.
      o.host_ring_budget = 3 * (Ring::BytesFor(8, 256) + Ring::BytesFor(64, 256));
      auto ep = CreateEndpoint(o);
      ASSERT_TRUE(ep.ok());
      eps.push_back(std::move(*ep));
    }
    ASSERT_TRUE(eps[0]->Connect({{1, eps[1]->Address()}, {2, eps[2]->Address()}}).ok());
    ASSERT_TRUE(eps[1]->Connect({{0, eps[0]->Address()}}).ok());
    ASSERT_TRUE(eps[2]->Connect({{0, eps[0]->Address()}}).ok());
    EXPECT_EQ(Flood(*eps[0], 1, *eps[1], 0), 1 + 7 + 64);
    EXPECT_EQ(Flood(*eps[0], 2, *eps[2], 0), 1 + 1);
    EXPECT_EQ(Flood(*eps[0], 2, *eps[2], 0), 2);
    EXPECT_EQ(Flood(*eps[0], 1, *eps[1], 0), 64);
  }
  ExpectClean(job);
}

// Memory follows use: a segment for 8 local ranks holds only its header until a ring is
// made, and a ring costs what its geometry says (allocated at once, so /dev/shm being full
// shows as an error at that point, never as a SIGBUS later).
TEST(ShmEndpointTest, MemoryFollowsUse) {
  ForkJob job(1);
  {
    Options o = job.MakeOptions(0);  // 64 x 16 KiB slots at most
    o.local_ranks = {0, 1, 2, 3, 4, 5, 6, 7};
    auto ep = CreateEndpoint(o);
    ASSERT_TRUE(ep.ok());
    auto used = [&] {
      struct stat st;
      EXPECT_EQ(stat(("/dev/shm" + NameOf(**ep)).c_str(), &st), 0);
      return static_cast<size_t>(st.st_blocks) * 512;
    };
    const size_t header = used();
    EXPECT_GT(header, 0u);
    EXPECT_LE(header, size_t{8} << 10);
    ASSERT_TRUE((*ep)->Connect({{0, (*ep)->Address()}}).ok());
    EXPECT_EQ(used(), header);
    ASSERT_EQ(*(*ep)->Send(0, Frame{"h", 1, nullptr, 0}), SendResult::kDone);
    EXPECT_EQ(used(), header + Ring::BytesFor(o.first_ring_slots, o.slot_size));
    EXPECT_LE(used(), size_t{48} << 10);
  }
  ExpectClean(job);
}

TEST(ShmEndpointTest, SingleCopyCanBeTurnedOff) {
  ForkJob job(1);
  {
    Options o = job.MakeOptions(0);
    o.single_copy = false;
    auto ep = CreateEndpoint(o);
    ASSERT_TRUE(ep.ok());
    ASSERT_TRUE((*ep)->Connect({{0, (*ep)->Address()}}).ok());
    EXPECT_FALSE((*ep)->CanRead(0));
    char c = 'x', d = 0;
    EXPECT_EQ((*ep)->Read(0, reinterpret_cast<uint64_t>(&c), &d, 1).code(), Code::kUnsupported);
  }
  ExpectClean(job);
}

}  // namespace
}  // namespace zmpi::transport::shm
