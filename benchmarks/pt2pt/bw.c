/* Unidirectional bandwidth (OSU osu_bw): rank 0 keeps a window of MPI_Isend in flight to rank 1,
 * which posts the matching MPI_Irecv window; rank 1 acknowledges each window with a 4-byte
 * message. Reports MB/s (10^6 bytes per second). Other ranks stay idle. */
#include <mpi.h>

#include "harness.h"

enum { kTag = 100, kAckTag = 101, kMaxWindow = 1024 };

/* Real status arrays, as in OSU (also keeps compilers' array-bound checks quiet). */
static MPI_Status g_statuses[2 * kMaxWindow];

static void Window(int rank, int window, void *send_buf, void *recv_buf, long size) {
  MPI_Request requests[kMaxWindow];
  char ack[4] = {0};
  if (rank == 0) {
    for (int w = 0; w < window; ++w) {
      MPI_Isend(send_buf, (int)size, MPI_BYTE, 1, kTag, MPI_COMM_WORLD, &requests[w]);
    }
    MPI_Waitall(window, requests, g_statuses);
    MPI_Recv(ack, 4, MPI_BYTE, 1, kAckTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  } else if (rank == 1) {
    for (int w = 0; w < window; ++w) {
      MPI_Irecv(recv_buf, (int)size, MPI_BYTE, 0, kTag, MPI_COMM_WORLD, &requests[w]);
    }
    MPI_Waitall(window, requests, g_statuses);
    MPI_Send(ack, 4, MPI_BYTE, 0, kAckTag, MPI_COMM_WORLD);
  }
}

/* Untimed: two messages in flight with distinct patterns into distinct buffers, so both the data
 * and the non-overtaking order are checked. Buffers hold 2 * max_size bytes. */
static void Verify(int rank, char *send_buf, char *recv_buf, long size) {
  MPI_Request requests[2];
  if (rank == 0) {
    for (int m = 0; m < 2; ++m) {
      BenchFill(send_buf + m * size, size, size * 4 + m);
      MPI_Isend(send_buf + m * size, (int)size, MPI_BYTE, 1, kTag, MPI_COMM_WORLD, &requests[m]);
    }
    MPI_Waitall(2, requests, g_statuses);
  } else if (rank == 1) {
    for (int m = 0; m < 2; ++m) {
      MPI_Irecv(recv_buf + m * size, (int)size, MPI_BYTE, 0, kTag, MPI_COMM_WORLD, &requests[m]);
    }
    MPI_Waitall(2, requests, g_statuses);
    for (int m = 0; m < 2; ++m) BenchCheck(recv_buf + m * size, size, size * 4 + m);
  }
}

int main(int argc, char **argv) {
  BenchOptions opts;
  int rc = BenchInit(&argc, &argv, "bw", kBenchBandwidth, 1, 4L << 20, 2, &opts);
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
    double bytes = (double)size * opts.window * iterations;
    BenchPrintValue(&opts, size, bytes / elapsed / 1e6);
  }
  BenchFree(send_buf);
  BenchFree(recv_buf);
  return BenchFinish(&opts);
}
