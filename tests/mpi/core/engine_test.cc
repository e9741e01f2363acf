// The protocol engine between two in-process "ranks" over a fake transport with a tiny
// queue (so kRetry and backlogs happen), with and without single-copy Read.
#include "mpi/core/engine.h"

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <vector>

#include "mpi/core/comm.h"

namespace zmpi::core {
namespace {

struct Wire {
  struct Item {
    std::vector<char> header, payload;
  };
  std::deque<Item> to[2];  // frames queued for rank i
  size_t capacity = 4;
};

class FakeEndpoint final : public transport::Endpoint {
 public:
  FakeEndpoint(Wire* wire, int me, bool can_read) : wire_(wire), me_(me), can_read_(can_read) {}
  const char* Name() const override { return "fake"; }
  std::string Address() const override { return "fake"; }
  Status Connect(const std::vector<transport::PeerAddress>&) override { return OkStatus(); }
  size_t MaxPayload() const override { return 1024; }
  StatusOr<transport::SendResult> Send(int peer, const transport::Frame& f) override {
    auto& q = wire_->to[peer];
    if (q.size() >= wire_->capacity) return transport::SendResult::kRetry;
    const char* h = static_cast<const char*>(f.header);
    const char* p = static_cast<const char*>(f.payload);
    q.push_back({{h, h + f.header_len}, {p, p + f.payload_len}});
    return transport::SendResult::kDone;
  }
  StatusOr<int> Poll(transport::FrameSink& sink) override {
    int n = 0;
    auto& q = wire_->to[me_];
    while (!q.empty()) {
      auto& item = q.front();
      transport::Frame f{item.header.data(), item.header.size(), item.payload.data(),
                         item.payload.size()};
      if (!sink.OnFrame(1 - me_, f)) break;
      q.pop_front();
      ++n;
    }
    return n;
  }
  bool CanRead(int) const override { return can_read_; }
  Status Read(int, uint64_t addr, void* local, size_t len) override {
    memcpy(local, reinterpret_cast<const void*>(addr), len);  // same process
    return OkStatus();
  }

 private:
  Wire* wire_;
  int me_;
  bool can_read_;
};

class EngineTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    config_ = Config::FromList({"ZMPI_EAGER_LIMIT=512", "ZMPI_UNEXPECTED_LIMIT=4k"});
    for (int i = 0; i < 2; ++i) {
      engine_[i] = std::make_unique<Engine>(config_, pool_[i]);
      auto* ep = engine_[i]->AddEndpoint(std::make_unique<FakeEndpoint>(&wire_, i, GetParam()));
      engine_[i]->AssignPeer(1 - i, ep);
      comm_[i] = std::make_unique<Comm>(MPI_COMM_WORLD, std::vector<int>{0, 1}, i, 0);
    }
  }

  Request* Send(int from, const void* buf, size_t bytes, int tag, bool sync = false) {
    Request* r = pool_[from].Allocate(RequestKind::kSend);
    r->comm = comm_[from].get();
    r->rank = 1 - from;
    r->peer = 1 - from;
    r->tag = tag;
    r->send_buf = buf;
    r->bytes = bytes;
    EXPECT_TRUE(engine_[from]->StartSend(r, sync).ok());
    return r;
  }

  Request* Recv(int at, void* buf, size_t capacity, int source, int tag) {
    Request* r = pool_[at].Allocate(RequestKind::kRecv);
    r->comm = comm_[at].get();
    r->rank = source;
    r->tag = tag;
    r->recv_buf = buf;
    r->bytes = capacity;
    EXPECT_TRUE(engine_[at]->StartRecv(r).ok());
    return r;
  }

  void RunUntil(const std::vector<Request*>& rs) {
    for (int i = 0; i < 100000; ++i) {
      bool all = true;
      for (Request* r : rs) all = all && r->complete;
      if (all) return;
      engine_[0]->Progress();
      engine_[1]->Progress();
    }
    FAIL() << "requests did not complete";
  }

  Config config_;
  Wire wire_;
  RequestPool pool_[2];
  std::unique_ptr<Engine> engine_[2];
  std::unique_ptr<Comm> comm_[2];
};

TEST_P(EngineTest, EagerBeforeAndAfterTheReceiveIsPosted) {
  int a = 11, b = 22, x = 0, y = 0;
  Request* s1 = Send(0, &a, sizeof a, 1);  // unexpected at rank 1
  RunUntil({s1});
  Request* r1 = Recv(1, &x, sizeof x, 0, 1);
  Request* r2 = Recv(1, &y, sizeof y, MPI_ANY_SOURCE, MPI_ANY_TAG);  // posted first
  Request* s2 = Send(0, &b, sizeof b, 2);
  RunUntil({r1, r2, s2});
  EXPECT_EQ(x, 11);
  EXPECT_EQ(y, 22);
  EXPECT_EQ(r2->status_tag, 2);
  EXPECT_EQ(r2->status_source, 0);
}

TEST_P(EngineTest, RendezvousMovesLargeMessagesAndTruncates) {
  std::vector<char> big(100000), got(100000, 0), small(5000, 0);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 13);
  Request* s = Send(0, big.data(), big.size(), 3);
  Request* r = Recv(1, got.data(), got.size(), 0, 3);
  RunUntil({s, r});
  EXPECT_TRUE(r->error.ok());
  EXPECT_EQ(r->status_bytes, big.size());
  EXPECT_EQ(got, big);
  Request* s2 = Send(0, big.data(), big.size(), 4);
  Request* r2 = Recv(1, small.data(), small.size(), 0, 4);
  RunUntil({s2, r2});
  EXPECT_EQ(r2->error.code(), Code::kTruncate);
  EXPECT_EQ(r2->status_bytes, small.size());
  EXPECT_EQ(0, memcmp(small.data(), big.data(), small.size()));
}

TEST_P(EngineTest, SynchronousSendWaitsForTheMatch) {
  int a = 5, x = 0;
  Request* s = Send(0, &a, sizeof a, 6, /*sync=*/true);
  for (int i = 0; i < 100; ++i) {
    engine_[0]->Progress();
    engine_[1]->Progress();
  }
  EXPECT_FALSE(s->complete);
  Request* r = Recv(1, &x, sizeof x, 0, 6);
  RunUntil({s, r});
  EXPECT_EQ(x, 5);
}

TEST_P(EngineTest, BacklogKeepsOrderAndUnexpectedBudgetHoldsSenders) {
  // 40 eager messages of 256 bytes: the wire holds 4, the receiver's budget 4 KiB.
  std::vector<std::vector<int>> out(40, std::vector<int>(64));
  std::vector<Request*> sends;
  for (int i = 0; i < 40; ++i) {
    out[i][0] = i;
    sends.push_back(Send(0, out[i].data(), 256, 9));
  }
  for (int i = 0; i < 200; ++i) {
    engine_[0]->Progress();
    engine_[1]->Progress();
  }
  int done = 0;
  for (Request* s : sends) done += s->complete;
  EXPECT_LT(done, 40);  // held back: 4 KiB budget + 4 on the wire
  std::vector<int> in(64);
  for (int i = 0; i < 40; ++i) {
    Request* r = Recv(1, in.data(), 256, 0, 9);
    RunUntil({r});
    EXPECT_EQ(in[0], i);
  }
  RunUntil(sends);
}

// A receive that matches an announcement already waiting starts the transfer in the next
// progress pass, not inside StartRecv (Engine::DeferRendezvous): MPI_Irecv copies nothing.
TEST_P(EngineTest, ReceiveOfAWaitingAnnouncementStartsAtTheNextProgress) {
  std::vector<char> big(40000), got(40000, 0);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + 1);
  Request* s = Send(0, big.data(), big.size(), 11);
  for (int i = 0; i < 10; ++i) engine_[1]->Progress();  // the kRts waits, unexpected
  Request* r = Recv(1, got.data(), got.size(), 0, 11);
  EXPECT_FALSE(r->complete);
  EXPECT_EQ(got[0], 0);
  RunUntil({s, r});
  EXPECT_TRUE(r->error.ok());
  EXPECT_EQ(r->status_bytes, big.size());
  EXPECT_EQ(got, big);
}

INSTANTIATE_TEST_SUITE_P(ReadOrChunks, EngineTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Read" : "Chunks"; });

}  // namespace
}  // namespace zmpi::core
