/* Bidirectional bandwidth (OSU osu_bibw): ranks 0 and 1 both post a window of MPI_Irecv and a
 * window of MPI_Isend to each other and wait for all of them. Reports the sum of both directions
 * in MB/s (10^6 bytes per second). Other ranks stay idle. */
#include <mpi.h>

#include "harness.h"

enum { kTag = 200, kMaxWindow = 1024 };

/* Real status arrays, as in OSU (also keeps compilers' array-bound checks quiet). */
static MPI_Status g_statuses[2 * kMaxWindow];

static void Window(int rank, int window, void *send_buf, void *recv_buf, long size) {
  if (rank > 1) return;
  MPI_Request requests[2 * kMaxWindow];
  int peer = 1 - rank;
  for (int w = 0; w < window; ++w) {
    MPI_Irecv(recv_buf, (int)size, MPI_BYTE, peer, kTag, MPI_COMM_WORLD, &requests[w]);
  }
  for (int w = 0; w < window; ++w) {
    MPI_Isend(send_buf, (int)size, MPI_BYTE, peer, kTag, MPI_COMM_WORLD, &requests[window + w]);
  }
  MPI_Waitall(2 * window, requests, g_statuses);
}

/* Untimed: two messages each way, distinct patterns per direction and message. Buffers hold
 * 2 * max_size bytes. */
static void Verify(int rank, char *send_buf, char *recv_buf, long size) {
  if (rank > 1) return;
  MPI_Request requests[4];
  int peer = 1 - rank;
  for (int m = 0; m < 2; ++m) {
    MPI_Irecv(recv_buf + m * size, (int)size, MPI_BYTE, peer, kTag, MPI_COMM_WORLD, &requests[m]);
  }
  for (int m = 0; m < 2; ++m) {
    BenchFill(send_buf + m * size, size, size * 8 + rank * 2 + m);
    MPI_Isend(send_buf + m * size, (int)size, MPI_BYTE, peer, kTag, MPI_COMM_WORLD,
              &requests[2 + m]);
  }
  MPI_Waitall(4, requests, g_statuses);
  for (int m = 0; m < 2; ++m) BenchCheck(recv_buf + m * size, size, size * 8 + peer * 2 + m);
}

int main(int argc, char **argv) {
  BenchOptions opts;
  int rc = BenchInit(&argc, &argv, "bibw", kBenchBandwidth, 1, 4L << 20, 2, &opts);
  if (rc >= 0) return rc;
  if (opts.window > kMaxWindow) opts.window = kMaxWindow;
  char *send_buf = BenchAlloc(2 * (size_t)opts.max_size);
  char *recv_buf = BenchAlloc(2 * (size_t)opts.max_size);
  BenchPrintHeader(&opts, "  Bandwidth (MB/s)");
  for (long size = opts.min_size; size <= opts.max_size; size = BenchNextSize(size)) {
    int iterations, warmup;
    BenchCounts(&opts, size, &iterations, &warmup);
    if (opts.verify) Verify(opts.rank, send_buf, recv_buf, size);
    MPI_Barrier(MPI_COMM_WORLD);
    double start = 0.0;
    for (int i = 0; i < warmup + iterations; ++i) {
      if (i == warmup) start = MPI_Wtime();
      Window(opts.rank, opts.window, send_buf, recv_buf, size);
    }
    double elapsed = MPI_Wtime() - start;
    double bytes = 2.0 * (double)size * opts.window * iterations;
    BenchPrintValue(&opts, size, bytes / elapsed / 1e6);
  }
  BenchFree(send_buf);
  BenchFree(recv_buf);
  return BenchFinish(&opts);
}
