// Standard input across agents: zrun's StdinSender and zrund's StdinRelay, joined directly
// (no network): order, the 1 MiB window, EOF, and a reader that goes away.
#include "launcher/zrund/stdin_relay.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include "launcher/zrun/stdin_sender.h"

namespace zmpi::launcher {
namespace {

using zrun::StdinSender;
using zrund::StdinRelay;

// Moves everything the relay can write for `fd` and returns the acknowledgements.
std::vector<proto::StdinData> Flush(StdinRelay* relay, int fd) { return relay->OnWritable(fd, 7); }

int WriteFdOf(const StdinRelay& relay) {
  std::vector<pollfd> fds;
  relay.AppendPollFds(&fds);
  return fds.empty() ? -1 : fds[0].fd;
}

TEST(StdinRelay, CarriesInputInOrderWithinTheWindowThenEof) {
  signal(SIGPIPE, SIG_IGN);
  int input[2];
  ASSERT_EQ(pipe(input), 0);
  StdinSender sender({StdinSender::Target{0, 0}}, input[0], 7);
  StdinRelay relay;
  StatusOr<int> rank_stdin = relay.Open(0);
  ASSERT_TRUE(rank_stdin.ok());
  fcntl(*rank_stdin, F_SETFL, O_NONBLOCK);

  // 3 MiB of input; the "rank" reads everything the relay writes.
  std::string all;
  for (int i = 0; i < 3 * 1024 * 1024; ++i) all.push_back(static_cast<char>('a' + i % 23));
  fcntl(input[1], F_SETFL, O_NONBLOCK);
  size_t fed = 0;
  std::string got;
  bool closed = false;
  for (int round = 0; round < 100000 && !closed; ++round) {
    if (fed < all.size()) {
      ssize_t n = write(input[1], all.data() + fed, all.size() - fed);
      if (n > 0) fed += static_cast<size_t>(n);
      if (fed == all.size()) close(input[1]);
    }
    if (sender.WantRead()) {
      for (auto& [host, piece] : sender.Read()) {
        EXPECT_EQ(host, 0);
        ASSERT_TRUE(relay.Take(piece).ok());
      }
    }
    int fd = WriteFdOf(relay);
    if (fd >= 0) {
      for (const proto::StdinData& ack : Flush(&relay, fd)) sender.OnAck(ack);
    }
    char buf[65536];
    ssize_t n = read(*rank_stdin, buf, sizeof(buf));
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    if (n == 0) closed = true;  // EOF: the relay closed the rank's pipe
  }
  EXPECT_TRUE(closed);
  EXPECT_EQ(got.size(), all.size());
  EXPECT_TRUE(got == all);
  EXPECT_FALSE(sender.WantRead());
  relay.Spawned(0);
  close(input[0]);
}

TEST(StdinRelay, RefusesGapsUnknownRanksAndOverflow) {
  StdinRelay relay;
  ASSERT_TRUE(relay.Open(2).ok());
  EXPECT_FALSE(relay.Take(proto::StdinData{7, 1, 0, false, "x"}).ok());  // not a reader here
  EXPECT_TRUE(relay.Take(proto::StdinData{7, 2, 0, false, "abc"}).ok());
  EXPECT_FALSE(relay.Take(proto::StdinData{7, 2, 5, false, "x"}).ok());  // a gap
  std::string big(64 << 10, 'x');
  uint64_t at = 3;
  Status s = OkStatus();
  for (int i = 0; i < 20 && s.ok(); ++i) {  // nobody drains: beyond 1 MiB is refused
    s = relay.Take(proto::StdinData{7, 2, at, false, big});
    at += big.size();
  }
  EXPECT_FALSE(s.ok());
}

TEST(StdinRelay, AReaderThatLeftIsAcknowledgedWithEof) {
  signal(SIGPIPE, SIG_IGN);
  StdinRelay relay;
  StatusOr<int> rank_stdin = relay.Open(0);
  ASSERT_TRUE(rank_stdin.ok());
  relay.Spawned(0);  // closes the read end, as when the rank that had it exits
  ASSERT_TRUE(relay.Take(proto::StdinData{7, 0, 0, false, "hello"}).ok());
  int fd = WriteFdOf(relay);
  ASSERT_GE(fd, 0);
  std::vector<proto::StdinData> acks = Flush(&relay, fd);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_TRUE(acks[0].eof);
  StdinSender sender({StdinSender::Target{0, 0}}, 0, 7);
  sender.OnAck(acks[0]);
  EXPECT_FALSE(sender.WantRead());  // nobody left to read
  // Later pieces for it are taken and dropped.
  EXPECT_TRUE(relay.Take(proto::StdinData{7, 0, 5, true, ""}).ok());
  EXPECT_EQ(WriteFdOf(relay), -1);
}

}  // namespace
}  // namespace zmpi::launcher
