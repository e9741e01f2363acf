/* Two ranks on one CPU over the network transport: each wait must hand the CPU to the peer.
 * Both ranks pin themselves to the same CPU (the first one this process may use), as the
 * scheduler sometimes places two ranks of namespace hosts on one machine; zrun runs them in
 * sessions of their own (--rank-sessions own), where a yield does not hand the CPU to the other
 * rank. A rank that polls and yields then keeps the CPU until its time slice ends, and each
 * message waits for that; a rank that blocks in the network endpoint until its message arrives
 * (ZMPI_NET_BLOCK_AFTER, docs/transport-ofi.md "Ranks that block") hands it over at once.
 * Checked: in a ping-pong of 2000 round trips each rank's main thread gave the CPU up (a
 * voluntary context switch: blocked) in at least a quarter of its waits, and the median round
 * trip stays under argv[1] us (default 20000: how fast it is depends on the machine's load, at
 * load ~19 here 0.8-1 ms against 1.5-5.7 ms for ranks that yield; on a quiet machine tens of
 * us). Then a wait far longer than the block bound (rank 1 sleeps before it answers) and an
 * exchange of checked messages up to 1 MiB. Prints "net_block_test: OK (<n> checks)". */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const char kTestName[] = "net_block_test";
#include "job_check.h"
#include "cpu_pin.h"

enum { kRounds = 2000, kBatch = 100 };

static int CompareDoubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Voluntary context switches of the calling thread so far (-1 where unknown). */
static long VoluntarySwitches(void) {
#ifdef RUSAGE_THREAD
  struct rusage usage;
  if (getrusage(RUSAGE_THREAD, &usage) == 0) return usage.ru_nvcsw;
#endif
  return -1;
}

/* kRounds round trips of 8 bytes in batches; returns the median batch's round trip in us and
 * sets *blocks to the voluntary context switches during them. */
static double PingPong(int peer, long *blocks) {
  double batches[kRounds / kBatch];
  long value = 0;
  long switches = VoluntarySwitches();
  for (int b = 0; b < kRounds / kBatch; ++b) {
    double start = MPI_Wtime();
    for (int i = 0; i < kBatch; ++i) {
      long want = (long)b * kBatch + i;
      if (g_me == 0) {
        value = want;
        CALL(MPI_Send(&value, 1, MPI_LONG, peer, 1, MPI_COMM_WORLD));
        CALL(MPI_Recv(&value, 1, MPI_LONG, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        if (value != want + 1) fail("round %ld: got %ld back, want %ld", want, value, want + 1);
      } else {
        CALL(MPI_Recv(&value, 1, MPI_LONG, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        if (value != want) fail("round %ld: got %ld, want %ld", want, value, want);
        ++value;
        CALL(MPI_Send(&value, 1, MPI_LONG, peer, 1, MPI_COMM_WORLD));
      }
    }
    batches[b] = (MPI_Wtime() - start) / kBatch * 1e6;
  }
  *blocks = VoluntarySwitches() - switches;
  g_checks += kRounds;
  qsort(batches, kRounds / kBatch, sizeof(double), CompareDoubles);
  return batches[kRounds / kBatch / 2];
}

/* Rank 1 answers after 30 ms: rank 0's wait blocks many times over and still ends. */
static void LateAnswer(int peer) {
  long value = 7;
  if (g_me == 0) {
    double start = MPI_Wtime();
    CALL(MPI_Send(&value, 1, MPI_LONG, peer, 2, MPI_COMM_WORLD));
    CALL(MPI_Recv(&value, 1, MPI_LONG, peer, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    double waited = MPI_Wtime() - start;
    if (value != 8) fail("late answer %ld, want 8", value);
    if (waited < 0.029) fail("late answer after %.1f ms, before rank 1 sent it", waited * 1e3);
  } else {
    CALL(MPI_Recv(&value, 1, MPI_LONG, peer, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    struct timespec nap = {0, 30 * 1000 * 1000};
    nanosleep(&nap, NULL);
    ++value;
    CALL(MPI_Send(&value, 1, MPI_LONG, peer, 2, MPI_COMM_WORLD));
  }
  g_checks++;
}

/* Both directions at once, 8 B to 1 MiB, every byte checked: bulk transfers end too. */
static void Exchange(int peer) {
  for (size_t len = 8; len <= ((size_t)1 << 20); len *= 8) {
    unsigned char *out = xmalloc(len), *in = xmalloc(len);
    for (size_t i = 0; i < len; ++i) out[i] = (unsigned char)(i * 7 + g_me + len);
    CALL(MPI_Sendrecv(out, (int)len, MPI_BYTE, peer, 3, in, (int)len, MPI_BYTE, peer, 3,
                      MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    for (size_t i = 0; i < len; ++i) {
      if (in[i] != (unsigned char)(i * 7 + peer + len)) fail("%zu bytes: byte %zu wrong", len, i);
    }
    free(out);
    free(in);
    g_checks++;
  }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  g_comm = MPI_COMM_WORLD;
  g_label = "world";
  MPI_Comm_rank(MPI_COMM_WORLD, &g_me);
  MPI_Comm_size(MPI_COMM_WORLD, &g_p);
  if (g_p != 2) fail("needs 2 ranks, has %d", g_p);
  const double bound_us = argc > 1 ? atof(argv[1]) : 20000.0;
  const int peer = 1 - g_me;
  int cpu = PinToFirstCpu(), peer_cpu = -2;
  CALL(MPI_Sendrecv(&cpu, 1, MPI_INT, peer, 0, &peer_cpu, 1, MPI_INT, peer, 0, MPI_COMM_WORLD,
                    MPI_STATUS_IGNORE));
  if (cpu != peer_cpu) fail("ranks pinned to CPUs %d and %d, not one", cpu, peer_cpu);
  long blocks = 0, peer_blocks = 0;
  double median_us = PingPong(peer, &blocks);
  CALL(MPI_Sendrecv(&blocks, 1, MPI_LONG, peer, 0, &peer_blocks, 1, MPI_LONG, peer, 0,
                    MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  LateAnswer(peer);
  Exchange(peer);
  if (g_me == 0) {
    printf("2 ranks on CPU %d: median round trip %.1f us over %d rounds (bound %.0f us), "
           "blocked %ld and %ld times\n",
           cpu, median_us, kRounds, bound_us, blocks, peer_blocks);
    if (median_us > bound_us) fail("median round trip %.1f us, bound %.0f us", median_us, bound_us);
    if (blocks >= 0 && (blocks < kRounds / 4 || peer_blocks < kRounds / 4)) {
      fail("ranks gave the CPU up %ld and %ld times in %d round trips: they do not block",
           blocks, peer_blocks, kRounds);
    }
  }
  g_checks++;
  return finish_ok();
}
