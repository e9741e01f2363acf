// The fake must behave like the transports where algorithms could go wrong: rendezvous
// sends block until received, mismatched sizes fail, and a deadlock ends in an error.
#include "tests/mpi/coll/fake_links.h"

#include <gtest/gtest.h>

#include <chrono>

namespace zmpi::coll::testing {
namespace {

using std::chrono::milliseconds;

// Both ranks send first: fine when eager, a deadlock under rendezvous.
Status SendThenRecv(Links& links) {
  int peer = 1 - links.rank();
  char out = 'x', in = 0;
  ZMPI_RETURN_IF_ERROR(links.Send(peer, 1, &out, 1));
  return links.Recv(peer, 1, &in, 1);
}

TEST(FakeLinksTest, EagerSendsDoNotBlock) {
  FakeNetwork net(2, Delivery::kEager, milliseconds(2000));
  for (const Status& s : net.Run(SendThenRecv)) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(net.Undelivered(), 0u);
}

TEST(FakeLinksTest, RendezvousDeadlockIsReported) {
  FakeNetwork net(2, Delivery::kRendezvous, milliseconds(200));
  for (const Status& s : net.Run(SendThenRecv)) EXPECT_EQ(s.code(), Code::kIntern);
}

TEST(FakeLinksTest, SendRecvPairsUnderRendezvous) {
  FakeNetwork net(2, Delivery::kRendezvous, milliseconds(2000));
  auto results = net.Run([](Links& links) {
    int peer = 1 - links.rank();
    int out = links.rank() + 10, in = -1;
    ZMPI_RETURN_IF_ERROR(links.SendRecv(peer, &out, sizeof out, peer, &in, sizeof in, 4));
    return in == peer + 10 ? OkStatus() : Error(Code::kIntern, "got %d", in);
  });
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(FakeLinksTest, SizeMismatchFails) {
  FakeNetwork net(2, Delivery::kEager, milliseconds(2000));
  auto results = net.Run([](Links& links) {
    char buf[8] = {};
    if (links.rank() == 0) return links.Send(1, 2, buf, 8);
    return links.Recv(0, 2, buf, 4);
  });
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[1].code(), Code::kTruncate);
}

// Tags keep messages apart even when they arrive out of the receiver's order.
TEST(FakeLinksTest, MatchesByTag) {
  FakeNetwork net(2, Delivery::kEager, milliseconds(2000));
  auto results = net.Run([](Links& links) -> Status {
    int a = 1, b = 2, x = 0, y = 0;
    if (links.rank() == 0) {
      ZMPI_RETURN_IF_ERROR(links.Isend(1, 7, &a, sizeof a));
      ZMPI_RETURN_IF_ERROR(links.Isend(1, 8, &b, sizeof b));
      return links.WaitAll();
    }
    ZMPI_RETURN_IF_ERROR(links.Recv(0, 8, &y, sizeof y));
    ZMPI_RETURN_IF_ERROR(links.Recv(0, 7, &x, sizeof x));
    return x == 1 && y == 2 ? OkStatus() : Error(Code::kIntern, "%d %d", x, y);
  });
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
}

}  // namespace
}  // namespace zmpi::coll::testing
