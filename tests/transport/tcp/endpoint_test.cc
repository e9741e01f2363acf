// The tcp transport between two endpoints of one process (ranks 0 and 1 over loopback): order,
// sizes from 0 to MaxPayload, frames the socket does not take at once (queued), frames the sink
// refuses (offered again), and a peer that goes away.
#include "transport/tcp/endpoint.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

namespace zmpi::transport::tcp {
namespace {

struct Received {
  int peer;
  std::string header;
  std::string payload;
};

class Collector : public FrameSink {
 public:
  bool OnFrame(int peer, const Frame& f) override {
    if (refuse > 0) {
      --refuse;
      return false;
    }
    frames.push_back({peer, std::string(static_cast<const char*>(f.header), f.header_len),
                      std::string(static_cast<const char*>(f.payload), f.payload_len)});
    return true;
  }
  void OnBulkDone(void*, Status) override {}
  std::vector<Received> frames;
  int refuse = 0;
};

std::unique_ptr<Endpoint> Make(int rank) {
  Options o;
  o.iface = "lo";
  o.my_rank = rank;
  o.world_size = 2;
  o.connect_timeout_ms = 10000;
  auto e = CreateEndpoint(o);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return std::move(e.value());
}

// Connects two endpoints (rank 0 accepts while rank 1 connects, on another thread).
void Pair(std::unique_ptr<Endpoint>* a, std::unique_ptr<Endpoint>* b) {
  *a = Make(0);
  *b = Make(1);
  Status sa, sb;
  std::thread t([&] { sb = (*b)->Connect({{0, (*a)->Address()}}); });
  sa = (*a)->Connect({{1, (*b)->Address()}});
  t.join();
  ASSERT_TRUE(sa.ok()) << sa.ToString();
  ASSERT_TRUE(sb.ok()) << sb.ToString();
}

// Polls both until `sink` holds `n` frames (10 s at most).
void PollUntil(Endpoint& from, Endpoint& to, Collector& sink, size_t n) {
  Collector none;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sink.frames.size() < n && std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(from.Poll(none).ok());
    ASSERT_TRUE(to.Poll(sink).ok());
  }
  ASSERT_EQ(sink.frames.size(), n);
}

TEST(TcpEndpoint, FramesArriveInOrderWithEverySize) {
  std::unique_ptr<Endpoint> a, b;
  Pair(&a, &b);
  EXPECT_STREQ(a->Name(), "tcp");
  std::vector<size_t> sizes = {0, 1, 7, 4096, 65535, a->MaxPayload()};
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::string header = "h" + std::to_string(i);
    std::string payload(sizes[i], static_cast<char>('a' + i));
    auto r = a->Send(1, Frame{header.data(), header.size(), payload.data(), payload.size()});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), SendResult::kDone);
  }
  Collector sink;
  PollUntil(*a, *b, sink, sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    EXPECT_EQ(sink.frames[i].peer, 0);
    EXPECT_EQ(sink.frames[i].header, "h" + std::to_string(i));
    EXPECT_EQ(sink.frames[i].payload, std::string(sizes[i], static_cast<char>('a' + i)));
  }
  EXPECT_TRUE(a->Idle());
}

TEST(TcpEndpoint, QueuesWhatTheSocketDoesNotTakeAndSaysRetryWhenFull) {
  std::unique_ptr<Endpoint> a, b;
  Pair(&a, &b);
  std::string payload(a->MaxPayload(), 'x');
  char header[8] = {};
  int sent = 0, retries = 0;
  // Nobody reads: the socket fills, then the queue (8 MiB), then Send says kRetry.
  for (int i = 0; i < 1000 && retries == 0; ++i) {
    memcpy(header, &i, sizeof(i));
    auto r = a->Send(1, Frame{header, sizeof(header), payload.data(), payload.size()});
    ASSERT_TRUE(r.ok());
    if (r.value() == SendResult::kRetry)
      ++retries;
    else
      ++sent;
  }
  EXPECT_EQ(retries, 1);
  EXPECT_FALSE(a->Idle());
  Collector sink;
  PollUntil(*a, *b, sink, static_cast<size_t>(sent));
  for (int i = 0; i < sent; ++i) {
    int got = -1;
    memcpy(&got, sink.frames[i].header.data(), sizeof(got));
    ASSERT_EQ(got, i);
  }
  EXPECT_TRUE(a->Idle());
}

TEST(TcpEndpoint, ARefusedFrameIsOfferedAgain) {
  std::unique_ptr<Endpoint> a, b;
  Pair(&a, &b);
  for (char c : {'1', '2'}) ASSERT_TRUE(a->Send(1, Frame{&c, 1, nullptr, 0}).ok());
  Collector sink;
  sink.refuse = 3;
  PollUntil(*a, *b, sink, 2);
  EXPECT_EQ(sink.frames[0].header, "1");
  EXPECT_EQ(sink.frames[1].header, "2");
}

TEST(TcpEndpoint, APeerThatGoesAwayIsDead) {
  std::unique_ptr<Endpoint> a, b;
  Pair(&a, &b);
  char c = 'z';
  ASSERT_TRUE(b->Send(0, Frame{&c, 1, nullptr, 0}).ok());
  b.reset();
  Collector sink;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (a->PeerAlive(1) && std::chrono::steady_clock::now() < deadline)
    ASSERT_TRUE(a->Poll(sink).ok());
  EXPECT_FALSE(a->PeerAlive(1));
  ASSERT_EQ(sink.frames.size(), 1u);  // what it sent before it went still arrives
  auto r = a->Send(1, Frame{&c, 1, nullptr, 0});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kProcAborted);
}

TEST(TcpEndpoint, ConnectFailsInTimeWhenAPeerNeverComes) {
  Options o;
  o.iface = "lo";
  o.my_rank = 0;
  o.world_size = 2;
  o.connect_timeout_ms = 300;
  auto e = CreateEndpoint(o);
  ASSERT_TRUE(e.ok());
  Status s = e.value()->Connect({{1, "127.0.0.1:9"}});  // rank 1 would connect to us: never does
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("did not connect"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace zmpi::transport::tcp
