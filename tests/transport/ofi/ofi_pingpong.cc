// ofi_pingpong: one-way latency of small frames, bandwidth of 1 MiB bulk transfers and the rate
// of a stream of 4 KiB frames between two processes over loopback, for each provider zmpi uses.
// Not a ctest; a regression guard for the ofi fast path.
//
//   ofi_pingpong [--iface NAME] [iterations [provider...]]
//     (defaults: lo, 10000, tcp;ofi_rxm and net)
//
// The process forks once before touching libfabric; the two halves swap addresses over pipes
// and then run the same schedule: rank 0 measures, rank 1 echoes. Every wait is bounded.
// Afterwards both endpoints run in one process and one thread ("1 thread" rows): no scheduler
// hand-offs, so that figure shows the software cost even on a busy machine.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/transport/ofi/ofi_harness.h"
#include "transport/ofi/endpoint.h"

namespace zmpi::transport::ofi {
namespace {

using testing::Clock;
using testing::PumpUntil;
using testing::RecordingSink;
using testing::SendBounded;

constexpr size_t kBulkLen = size_t{1} << 20;
constexpr int kWindow = 16;

struct Pipes {
  int read_fd;
  int write_fd;
};

bool Fail(const char* what) {
  fprintf(stderr, "ofi_pingpong: %s\n", what);
  return false;
}

// Frames of `header_len` + `payload_len` bytes bounced `iters` times; returns one-way us.
// Waits for the next frame from the peer that has not been consumed yet. Frames are counted,
// never cleared, so a frame that arrives early for the next phase is not lost.
bool NextFrame(Endpoint& ep, RecordingSink& sink, size_t* consumed) {
  std::vector<std::pair<Endpoint*, FrameSink*>> pairs = {{&ep, &sink}};
  if (!PumpUntil(pairs, [&] { return sink.frames.size() > *consumed; })) return false;
  ++*consumed;
  return true;
}

bool Latency(Endpoint& ep, RecordingSink& sink, size_t* consumed, int rank, size_t header_len,
             size_t payload_len, int iters, double* one_way_us) {
  std::vector<std::pair<Endpoint*, FrameSink*>> pairs = {{&ep, &sink}};
  std::vector<char> header(header_len, 'h'), payload(payload_len, 'p');
  Frame frame{header.data(), header_len, payload.data(), payload_len};
  int peer = 1 - rank;
  auto start = Clock::now();
  for (int i = 0; i < iters; ++i) {
    if (rank == 0 && !SendBounded(&ep, peer, frame, pairs)) return Fail("send");
    if (!NextFrame(ep, sink, consumed)) return Fail("recv");
    if (rank == 1 && !SendBounded(&ep, peer, frame, pairs)) return Fail("send");
  }
  double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  *one_way_us = us / iters / 2;
  return true;
}

// `rounds` windows of kWindow bulk transfers of 1 MiB from rank 0 to rank 1; returns MB/s.
bool Bandwidth(Endpoint& ep, RecordingSink& sink, size_t* consumed, int rank, int rounds,
               double* mbps) {
  std::vector<std::pair<Endpoint*, FrameSink*>> pairs = {{&ep, &sink}};
  std::vector<char> buf(kBulkLen * kWindow, 'b');
  int peer = 1 - rank;
  Frame token{"t", 1, nullptr, 0};
  // Tokens from rank 1: one "ready" per round (its receives are posted), one "done" at the end.
  auto start = Clock::now();
  for (int r = 0; r < rounds; ++r) {
    sink.bulk_done.clear();
    for (int i = 0; i < kWindow; ++i) {
      uint64_t key = static_cast<uint64_t>(r) * kWindow + i;
      char* at = buf.data() + i * kBulkLen;
      if (rank == 1) {
        Status posted = ep.PostBulkRecv(peer, key, at, kBulkLen, at);
        if (!posted.ok()) return Fail(posted.ToString().c_str());
      }
    }
    if (rank == 1 && !SendBounded(&ep, peer, token, pairs)) return Fail("send ready");
    if (rank == 0) {
      if (!NextFrame(ep, sink, consumed)) return Fail("ready");
      for (int i = 0; i < kWindow; ++i) {
        char* at = buf.data() + i * kBulkLen;
        uint64_t key = static_cast<uint64_t>(r) * kWindow + i;
        Status posted = ep.PostBulkSend(peer, key, at, kBulkLen, at);
        if (!posted.ok()) return Fail(posted.ToString().c_str());
      }
    }
    if (!PumpUntil(pairs, [&] { return sink.bulk_done.size() == kWindow; })) return Fail("bulk");
    for (auto& [cookie, status] : sink.bulk_done) {
      if (!status.ok()) return Fail(status.ToString().c_str());
    }
  }
  // The last receive is done when rank 1 says so.
  if (rank == 1 && !SendBounded(&ep, peer, token, pairs)) return Fail("send done");
  if (rank == 0 && !NextFrame(ep, sink, consumed)) return Fail("done");
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  *mbps = static_cast<double>(kBulkLen) * kWindow * rounds / seconds / 1e6;
  return true;
}

// `count` frames of 48 B header + `payload_len` bytes streamed from rank 0 to rank 1 (as many in
// flight as the endpoint takes), then one token back; returns MB/s of payload. The cost per
// small message (system calls, copies) is what limits this, as in the bw benchmark at 4 KiB.
bool Stream(Endpoint& ep, RecordingSink& sink, size_t* consumed, int rank, size_t payload_len,
            int count, double* mbps) {
  std::vector<std::pair<Endpoint*, FrameSink*>> pairs = {{&ep, &sink}};
  std::vector<char> header(48, 'h'), payload(payload_len, 'p');
  Frame frame{header.data(), header.size(), payload.data(), payload_len};
  Frame token{"t", 1, nullptr, 0};
  auto start = Clock::now();
  if (rank == 0) {
    for (int i = 0; i < count; ++i) {
      if (!SendBounded(&ep, 1, frame, pairs)) return Fail("stream send");
    }
    if (!NextFrame(ep, sink, consumed)) return Fail("stream token");
  } else {
    size_t want = *consumed + static_cast<size_t>(count);
    if (!PumpUntil(pairs, [&] { return sink.frames.size() >= want; })) return Fail("stream");
    // Rank 0 sends nothing more until the token: every frame here is consumed. They are
    // copies, so drop them to keep memory flat.
    sink.frames.clear();
    *consumed = 0;
    if (!SendBounded(&ep, 0, token, pairs)) return Fail("stream send token");
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  *mbps = static_cast<double>(payload_len) * count / seconds / 1e6;
  return true;
}

Options BenchOptions(const std::string& provider, int rank, const std::string& iface) {
  Options options = testing::MakeOptions(provider, rank, 2);
  options.iface = iface;
  return options;
}

// "198.51.100.7:40123" for an IPv4 endpoint address ("<provider>/<hex of a sockaddr_in>"), else
// the address itself.
std::string Printable(const std::string& address) {
  std::string hex = address.substr(address.rfind('/') + 1);
  if (hex.size() < 16 || hex.compare(0, 4, "0200") != 0) return address;
  auto byte = [&](int i) { return std::stoi(hex.substr(2 * i, 2), nullptr, 16); };
  return std::to_string(byte(4)) + "." + std::to_string(byte(5)) + "." + std::to_string(byte(6)) +
         "." + std::to_string(byte(7)) + ":" + std::to_string(byte(2) * 256 + byte(3));
}

bool RunProvider(const std::string& provider, const std::string& iface, int rank, Pipes pipes,
                 int iters) {
  StatusOr<std::unique_ptr<Endpoint>> created = CreateEndpoint(BenchOptions(provider, rank, iface));
  if (!created.ok()) return Fail(created.status().ToString().c_str());
  Endpoint& ep = *created.value();
  printf("%-12s  rank %d on %s at %s\n", provider.c_str(), rank, iface.c_str(),
         Printable(ep.Address()).c_str());
  fflush(stdout);
  std::string mine = ep.Address() + "\n", theirs;
  if (write(pipes.write_fd, mine.data(), mine.size()) != static_cast<ssize_t>(mine.size())) {
    return Fail("pipe write");
  }
  char c;
  while (read(pipes.read_fd, &c, 1) == 1 && c != '\n') theirs.push_back(c);
  Status connected = ep.Connect({{1 - rank, theirs}});
  if (!connected.ok()) return Fail(connected.ToString().c_str());
  RecordingSink sink;
  size_t consumed = 0;
  double lat8 = 0, lat56 = 0, mbps = 0;
  double warm;
  if (!Latency(ep, sink, &consumed, rank, 0, 8, iters / 10 + 1, &warm)) return false;
  if (!Latency(ep, sink, &consumed, rank, 0, 8, iters, &lat8)) return false;
  if (!Latency(ep, sink, &consumed, rank, 48, 8, iters, &lat56)) return false;
  if (!Bandwidth(ep, sink, &consumed, rank, 2, &warm)) return false;
  if (!Bandwidth(ep, sink, &consumed, rank, 20, &mbps)) return false;
  double stream4k = 0;
  if (!Stream(ep, sink, &consumed, rank, 4096, iters / 10 + 1, &warm)) return false;
  if (!Stream(ep, sink, &consumed, rank, 4096, iters, &stream4k)) return false;
  if (rank == 0) {
    printf(
        "%-12s  latency 8 B: %7.2f us   (8 B + 48 B core header: %7.2f us)   "
        "bandwidth 1 MiB: %8.1f MB/s   stream of 4 KiB frames: %7.1f MB/s\n",
        provider.c_str(), lat8, lat56, mbps, stream4k);
    fflush(stdout);
  }
  // Keep progressing briefly so the peer's last frames leave before we close.
  PumpUntil(
      {{&ep, &sink}}, [] { return false; }, std::chrono::milliseconds(100));
  return true;
}

// Both ranks in this thread: round trips of 8 B frames and windows of 1 MiB bulk transfers.
bool RunInProcess(const std::string& provider, const std::string& iface, int iters) {
  std::unique_ptr<Endpoint> eps[2];
  RecordingSink sinks[2];
  for (int rank = 0; rank < 2; ++rank) {
    StatusOr<std::unique_ptr<Endpoint>> created =
        CreateEndpoint(BenchOptions(provider, rank, iface));
    if (!created.ok()) return Fail(created.status().ToString().c_str());
    eps[rank] = std::move(created.value());
  }
  std::vector<PeerAddress> addresses = {{0, eps[0]->Address()}, {1, eps[1]->Address()}};
  for (auto& ep : eps) {
    if (!ep->Connect(addresses).ok()) return Fail("connect");
  }
  std::vector<std::pair<Endpoint*, FrameSink*>> pairs = {{eps[0].get(), &sinks[0]},
                                                         {eps[1].get(), &sinks[1]}};
  // Frames as the core sends them (48-byte header) with MPI payloads across the inject size.
  std::string lats;
  double lat = 0;
  for (size_t payload_len : {size_t{0}, size_t{8}, size_t{64}, size_t{1024}, size_t{8192}}) {
    std::vector<char> header(48, 'h'), payload(payload_len, 'p');
    Frame frame{header.data(), header.size(), payload.data(), payload_len};
    auto start = Clock::now();
    for (int i = 0; i < iters + iters / 10; ++i) {
      if (i == iters / 10) start = Clock::now();  // the first tenth warms up
      for (int rank = 0; rank < 2; ++rank) {
        size_t want = sinks[1 - rank].frames.size() + 1;
        if (!SendBounded(eps[rank].get(), 1 - rank, frame, pairs)) return Fail("send");
        if (!PumpUntil(pairs, [&] { return sinks[1 - rank].frames.size() >= want; })) {
          return Fail("recv");
        }
      }
    }
    double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count() / iters / 2;
    if (payload_len == 8) lat = us;
    char row[64];
    snprintf(row, sizeof(row), " %zu:%.2f", payload_len, us);
    lats += row;
    for (auto& sink : sinks) sink.frames.clear();
  }
  std::vector<char> src(kBulkLen * kWindow, 's'), dst(kBulkLen * kWindow);
  constexpr int kRounds = 20;
  auto start = Clock::now();
  for (int r = 0; r < kRounds + 2; ++r) {
    if (r == 2) start = Clock::now();
    sinks[0].bulk_done.clear();
    sinks[1].bulk_done.clear();
    for (int i = 0; i < kWindow; ++i) {
      uint64_t key = static_cast<uint64_t>(r) * kWindow + i;
      char* in = dst.data() + i * kBulkLen;
      char* out = src.data() + i * kBulkLen;
      if (!eps[1]->PostBulkRecv(0, key, in, kBulkLen, in).ok()) return Fail("post recv");
      if (!eps[0]->PostBulkSend(1, key, out, kBulkLen, out).ok()) return Fail("post send");
    }
    if (!PumpUntil(pairs, [&] {
          return sinks[0].bulk_done.size() == kWindow && sinks[1].bulk_done.size() == kWindow;
        })) {
      return Fail("bulk");
    }
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  printf(
      "%-12s  latency 8 B: %7.2f us   (1 thread)                           "
      "bandwidth 1 MiB: %8.1f MB/s (1 thread)\n"
      "%-12s  latency by payload, 48 B header (1 thread), bytes:us:%s\n",
      provider.c_str(), lat, static_cast<double>(kBulkLen) * kWindow * kRounds / seconds / 1e6,
      provider.c_str(), lats.c_str());
  fflush(stdout);
  return true;
}

// Cost of one Poll of an endpoint with nothing to do, always looking at the provider and with
// idle_poll_us = 5 (what a progress loop that also drives shm pays per turn).
bool IdlePollCost(const std::string& provider, const std::string& iface) {
  double ns[2];
  for (int throttled = 0; throttled < 2; ++throttled) {
    Options options = BenchOptions(provider, 0, iface);
    options.idle_poll_us = throttled ? 5 : 0;
    StatusOr<std::unique_ptr<Endpoint>> created = CreateEndpoint(options);
    if (!created.ok()) return Fail(created.status().ToString().c_str());
    RecordingSink sink;
    // Past the busy window that creation started.
    PumpUntil(
        {{created.value().get(), &sink}}, [] { return false; }, std::chrono::milliseconds(1));
    constexpr int kPolls = 200000;
    auto start = Clock::now();
    for (int i = 0; i < kPolls; ++i) {
      if (!created.value()->Poll(sink).ok()) return Fail("poll");
    }
    ns[throttled] = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kPolls;
  }
  printf("%-12s  idle Poll: %7.0f ns, with idle_poll_us=5: %5.0f ns\n", provider.c_str(), ns[0],
         ns[1]);
  return true;
}

int Main(int argc, char** argv) {
  std::string iface = "lo";
  int first = 1;
  if (argc > 2 && std::string(argv[1]) == "--iface") {
    iface = argv[2];
    first = 3;
  }
  int iters = argc > first ? atoi(argv[first]) : 10000;
  int down[2], up[2];
  if (pipe(down) != 0 || pipe(up) != 0) return 1;
  pid_t child = fork();
  if (child < 0) return 1;
  int rank = child == 0 ? 1 : 0;
  Pipes pipes = rank == 0 ? Pipes{up[0], down[1]} : Pipes{down[0], up[1]};
  // Close the other ends, so a half that gives up shows as end-of-file to the other.
  close(rank == 0 ? up[1] : down[1]);
  close(rank == 0 ? down[0] : up[0]);
  bool ok = true;
  std::vector<std::string> providers;
  for (int i = first + 1; i < argc; ++i) providers.push_back(argv[i]);
  if (providers.empty()) providers = {"tcp;ofi_rxm", "net"};
  for (const std::string& provider : providers) {
    ok = ok && RunProvider(provider, iface, rank, pipes, iters);
  }
  if (rank == 1) _exit(ok ? 0 : 1);
  int status = 0;
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (waitpid(child, &status, WNOHANG) != child) {
    if (Clock::now() > deadline) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      return Fail("peer did not exit"), 1;
    }
    usleep(10000);
  }
  ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  for (const std::string& provider : providers) {
    ok = ok && RunInProcess(provider, iface, iters);
  }
  for (const std::string& provider : providers) {
    ok = ok && IdlePollCost(provider, iface);
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace zmpi::transport::ofi

int main(int argc, char** argv) { return zmpi::transport::ofi::Main(argc, argv); }
