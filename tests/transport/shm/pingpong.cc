// shm_pingpong: microbenchmark of the shm transport alone. Forks two ranks pinned to
// different cores and prints the hardware floor (one shared word bounced between them), the
// cost of an empty Poll, one-way latency for small and frame-size messages, and single-copy
// Read bandwidth.
//   shm_pingpong [iterations] [--no-assist]
// iterations: small-message round trips (default 200000); --no-assist: Read without the
// owner's help (assist_min_bytes = 0).
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tests/transport/shm/fork_job.h"
#include "transport/shm/copy_assist.h"
#include "transport/shm/endpoint.h"

namespace zmpi::transport::shm {
namespace {

using testing::Deadline;
using testing::FnSink;
using testing::ForkJob;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void Pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu % std::max(1, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN))), &set);
  sched_setaffinity(0, sizeof(set), &set);
}

// Waits for the next frame (bounded: about a minute, or the peer exits). The clock is read
// only every 64K polls so it does not show in the latency.
bool Recv(Endpoint& ep, int peer, FrameSink& sink, const bool& got) {
  double give_up = 0;
  for (uint64_t spins = 1;; ++spins) {
    auto n = ep.Poll(sink);
    if (!n.ok()) return false;
    if (got) return true;
    if (spins % 65536 == 0) {
      if (give_up == 0) give_up = Now() + 60;
      if (!ep.PeerAlive(peer) || Now() > give_up) return false;
    }
  }
}

bool SendSpin(Endpoint& ep, int peer, const Frame& f) {
  double give_up = 0;
  for (uint64_t spins = 1;; ++spins) {
    auto r = ep.Send(peer, f);
    if (!r.ok()) return false;
    if (*r == SendResult::kDone) return true;
    if (spins % 65536 == 0) {
      if (give_up == 0) give_up = Now() + 60;
      if (Now() > give_up) return false;
    }
  }
}

struct Latency {
  double best_us;
  double median_us;
};

// Ping-pong of frames with a 48-byte header (the core's) and `payload` bytes, in 10 timed
// rounds after a warm-up; one-way latency of the best and the median round (rank 0).
bool PingPong(Endpoint& ep, int rank, size_t payload, int iters, Latency* out) {
  std::vector<char> header(48, 'h'), data(payload, 'd');
  bool got = false;
  FnSink sink([&](int, const Frame&) {
    got = true;
    return true;
  });
  Frame f{header.data(), header.size(), data.data(), payload};
  const int peer = 1 - rank;
  const int rounds = 10, per_round = std::max(1, iters / rounds);
  std::vector<double> times;
  for (int round = -1; round < rounds; ++round) {  // round -1 warms up
    double start = Now();
    for (int i = 0; i < per_round; ++i) {
      if (rank == 0) {
        if (!SendSpin(ep, peer, f)) return false;
        got = false;
        if (!Recv(ep, peer, sink, got)) return false;
      } else {
        got = false;
        if (!Recv(ep, peer, sink, got)) return false;
        if (!SendSpin(ep, peer, f)) return false;
      }
    }
    if (round >= 0) times.push_back((Now() - start) / per_round / 2 * 1e6);
  }
  std::sort(times.begin(), times.end());
  *out = Latency{times.front(), times[times.size() / 2]};
  return true;
}

// One-way time of bouncing one cache line: rank 0 stores odd values, rank 1 even ones, each
// waiting for the other's. No message layer can beat this between these two cores.
double LineFloorNs(std::atomic<uint64_t>* word, int rank, int iters) {
  const uint64_t mine = static_cast<uint64_t>(rank);
  std::vector<double> times;
  for (int round = -1; round < 10; ++round) {
    const double start = Now();
    for (int i = 0; i < iters / 10; ++i) {
      for (uint64_t spins = 0; word->load(std::memory_order_acquire) % 2 != mine; ++spins) {
        if (spins > (uint64_t{1} << 34)) return -1;  // the peer is gone
      }
      word->fetch_add(1, std::memory_order_release);
    }
    if (round >= 0) times.push_back((Now() - start) / (iters / 10) / 2 * 1e9);
  }
  std::sort(times.begin(), times.end());
  return times.front();
}

double EmptyPollNs(Endpoint& ep) {
  FnSink sink([](int, const Frame&) { return true; });
  const int n = 10000000;
  double start = Now();
  for (int i = 0; i < n; ++i) {
    if (!ep.Poll(sink).ok()) return -1;
  }
  return (Now() - start) / n * 1e9;
}

int Run(ForkJob& job, int rank, int iters, bool assist, std::atomic<uint64_t>* line) {
  Pin(rank);
  const double floor_ns = LineFloorNs(line, rank, iters);
  if (rank == 0) printf("cache line bounced between the two cores: %.1f ns one-way (best)\n", floor_ns);
  Options options = job.MakeOptions(rank);
  if (!assist) options.assist_min_bytes = 0;
  auto ep_or = job.Setup(options);
  if (!ep_or.ok()) {
    fprintf(stderr, "rank %d: %s\n", rank, ep_or.status().ToString().c_str());
    return 1;
  }
  Endpoint& ep = **ep_or;
  if (rank == 0) printf("empty Poll (1 peer): %.1f ns\n", EmptyPollNs(ep));
  if (!job.Barrier(0, 60)) return 1;
  struct Case {
    const char* label;
    size_t payload;
    int iters;
  } cases[] = {{"0 B", 0, iters},
               {"8 B", 8, iters},
               {"1 KiB", 1024, iters / 4},
               {"frame (max payload)", ep.MaxPayload(), iters / 20}};
  for (const Case& c : cases) {
    Latency lat;
    if (!PingPong(ep, rank, c.payload, c.iters, &lat)) return 1;
    if (rank == 0) {
      printf("one-way latency %-20s %5zu+48 B: best %.3f us, median %.3f us\n", c.label,
             c.payload, lat.best_us, lat.median_us);
    }
  }

  // Single-copy Read bandwidth: rank 1 exposes a buffer, rank 0 reads it repeatedly.
  const size_t kMax = size_t{4} << 20;
  std::vector<char> buf(kMax, static_cast<char>(rank + 1));
  uint64_t addr = reinterpret_cast<uint64_t>(buf.data());
  bool got = false;
  uint64_t peer_addr = 0;
  FnSink sink([&](int, const Frame& f) {
    memcpy(&peer_addr, f.header, sizeof(peer_addr));
    got = true;
    return true;
  });
  if (!SendSpin(ep, 1 - rank, Frame{&addr, sizeof(addr), nullptr, 0})) return 1;
  if (!Recv(ep, 1 - rank, sink, got)) return 1;
  if (rank == 0) {
    if (!ep.CanRead(1)) {
      printf("single copy: not available\n");
    } else {
      std::vector<char> local(kMax, 0);
      for (size_t size : {size_t{64} << 10, size_t{1} << 20, size_t{4} << 20}) {
        const int reps = static_cast<int>((size_t{4} << 30) / size / 4);  // ~1 GiB
        (void)ep.Read(1, peer_addr, local.data(), size);
        double start = Now();
        for (int i = 0; i < reps; ++i) {
          if (!ep.Read(1, peer_addr, local.data(), size).ok()) return 1;
        }
        double secs = Now() - start;
        printf("Read %5zu KiB%s: %.2f GB/s (%.1f us each)\n", size >> 10,
               assist && size >= options.assist_min_bytes ? " (cooperative)" : "",
               static_cast<double>(size) * reps / secs / 1e9, secs / reps * 1e6);
      }
      double start = Now();
      for (int i = 0; i < 256; ++i) memcpy(local.data(), buf.data(), kMax);
      printf("(memcpy 4096 KiB in one process: %.2f GB/s)\n",
             static_cast<double>(kMax) * 256 / (Now() - start) / 1e9);
    }
  }
  // Rank 1 keeps polling (as a sender waiting for its rendezvous to finish would) until
  // rank 0 says it is done reading.
  got = false;
  if (rank == 0) {
    if (!SendSpin(ep, 1, Frame{&addr, sizeof(addr), nullptr, 0})) return 1;
  } else {
    if (!Recv(ep, 0, sink, got)) return 1;
  }
  if (!job.Barrier(1, 120)) return 1;
  return 0;
}

}  // namespace
}  // namespace zmpi::transport::shm

int main(int argc, char** argv) {
  int iters = 200000;
  bool assist = true;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--no-assist") == 0) {
      assist = false;
    } else {
      iters = atoi(argv[i]);
    }
  }
  if (iters < 100) iters = 100;
  // A shared line for the hardware floor, mapped before the ranks fork.
  void* line = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (line == MAP_FAILED) return 1;
  auto* word = new (line) std::atomic<uint64_t>(0);
  zmpi::transport::shm::testing::ForkJob job(2);
  std::string result = job.Run(
      [&](int rank) { return zmpi::transport::shm::Run(job, rank, iters, assist, word); }, 600);
  if (!job.LeftoverSegments().empty()) {
    fprintf(stderr, "leftover segments in /dev/shm\n");
    return 1;
  }
  if (!result.empty()) {
    fprintf(stderr, "shm_pingpong failed: %s\n", result.c_str());
    return 1;
  }
  return 0;
}
