/* Ping-pong latency between ranks 0 and 1 (OSU osu_latency): half the round-trip time of a
 * blocking MPI_Send/MPI_Recv pair, per message size. Other ranks, if any, stay idle. */
#include <mpi.h>

#include "harness.h"

enum { kTag = 1 };

/* One round trip of `size` bytes; rank 0 starts. */
static void RoundTrip(int rank, void *send_buf, void *recv_buf, long size) {
  if (rank == 0) {
    MPI_Send(send_buf, (int)size, MPI_BYTE, 1, kTag, MPI_COMM_WORLD);
    MPI_Recv(recv_buf, (int)size, MPI_BYTE, 1, kTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  } else if (rank == 1) {
    MPI_Recv(recv_buf, (int)size, MPI_BYTE, 0, kTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Send(send_buf, (int)size, MPI_BYTE, 0, kTag, MPI_COMM_WORLD);
  }
}

/* Untimed: each side sends its own pattern and checks the other's. */
static void Verify(int rank, void *send_buf, void *recv_buf, long size) {
  if (rank > 1) return;
  BenchFill(send_buf, size, size * 2 + rank);
  RoundTrip(rank, send_buf, recv_buf, size);
  BenchCheck(recv_buf, size, size * 2 + (1 - rank));
}

int main(int argc, char **argv) {
  BenchOptions opts;
  int rc = BenchInit(&argc, &argv, "latency", kBenchLatency, 0, 4L << 20, 2, &opts);
  if (rc >= 0) return rc;
  void *send_buf = BenchAlloc((size_t)opts.max_size);
  void *recv_buf = BenchAlloc((size_t)opts.max_size);
  BenchPrintHeader(&opts, "      Latency (us)");
  for (long size = opts.min_size; size <= opts.max_size; size = BenchNextSize(size)) {
    int iterations, warmup;
    BenchCounts(&opts, size, &iterations, &warmup);
    if (opts.verify) Verify(opts.rank, send_buf, recv_buf, size);
    MPI_Barrier(MPI_COMM_WORLD);
    double start = 0.0;
    for (int i = 0; i < warmup + iterations; ++i) {
      if (i == warmup) start = MPI_Wtime();
      RoundTrip(opts.rank, send_buf, recv_buf, size);
    }
    double elapsed = MPI_Wtime() - start;
    BenchPrintValue(&opts, size, elapsed * 1e6 / (2.0 * iterations));
  }
  BenchFree(send_buf);
  BenchFree(recv_buf);
  return BenchFinish(&opts);
}
