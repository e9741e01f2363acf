/* Multi-pair latency (OSU osu_multi_lat): rank r < n/2 ping-pongs with rank r + n/2, all pairs at
 * once; reports the average over all ranks of half the round-trip time. Needs an even number of
 * ranks (an odd last rank stays idle). */
#include <mpi.h>

#include "harness.h"

enum { kTag = 300 };

/* Partner of `rank`, or -1 for the idle rank of an odd world. */
static int Partner(int rank, int size) {
  int half = size / 2;
  if (rank < half) return rank + half;
  if (rank < 2 * half) return rank - half;
  return -1;
}

static void RoundTrip(int rank, int peer, void *send_buf, void *recv_buf, long size) {
  if (peer < 0) return;
  if (rank < peer) {
    MPI_Send(send_buf, (int)size, MPI_BYTE, peer, kTag, MPI_COMM_WORLD);
    MPI_Recv(recv_buf, (int)size, MPI_BYTE, peer, kTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  } else {
    MPI_Recv(recv_buf, (int)size, MPI_BYTE, peer, kTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Send(send_buf, (int)size, MPI_BYTE, peer, kTag, MPI_COMM_WORLD);
  }
}

static void Verify(int rank, int peer, void *send_buf, void *recv_buf, long size) {
  if (peer < 0) return;
  BenchFill(send_buf, size, size * 1024 + rank);
  RoundTrip(rank, peer, send_buf, recv_buf, size);
  BenchCheck(recv_buf, size, size * 1024 + peer);
}

int main(int argc, char **argv) {
  BenchOptions opts;
  int rc = BenchInit(&argc, &argv, "multi_lat", kBenchLatency, 0, 4L << 20, 2, &opts);
  if (rc >= 0) return rc;
  int peer = Partner(opts.rank, opts.size);
  int active = opts.size / 2 * 2;
  void *send_buf = BenchAlloc((size_t)opts.max_size);
  void *recv_buf = BenchAlloc((size_t)opts.max_size);
  BenchPrintHeader(&opts, "      Latency (us)");
  for (long size = opts.min_size; size <= opts.max_size; size = BenchNextSize(size)) {
    int iterations, warmup;
    BenchCounts(&opts, size, &iterations, &warmup);
    if (opts.verify) Verify(opts.rank, peer, send_buf, recv_buf, size);
    MPI_Barrier(MPI_COMM_WORLD);
    double start = 0.0;
    for (int i = 0; i < warmup + iterations; ++i) {
      if (i == warmup) start = MPI_Wtime();
      RoundTrip(opts.rank, peer, send_buf, recv_buf, size);
    }
    double local = peer < 0 ? 0.0 : (MPI_Wtime() - start) * 1e6 / (2.0 * iterations);
    double sum = 0.0;
    MPI_Reduce(&local, &sum, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
    BenchPrintValue(&opts, size, sum / active);
  }
  BenchFree(send_buf);
  BenchFree(recv_buf);
  return BenchFinish(&opts);
}
