/* MPI_Scatter latency from root 0 (OSU osu_scatter): `size` bytes to every rank. */
#include <mpi.h>

#include "harness.h"

static void Run(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  (void)opts;
  MPI_Scatter(send_buf, (int)size, MPI_BYTE, recv_buf, (int)size, MPI_BYTE, 0, MPI_COMM_WORLD);
}

static void Verify(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  if (opts->rank == 0) {
    for (int r = 0; r < opts->size; ++r) BenchFill(send_buf + r * size, size, size * 16 + r);
  }
  Run(opts, send_buf, recv_buf, size);
  BenchCheck(recv_buf, size, size * 16 + opts->rank);
}

int main(int argc, char **argv) {
  const BenchCollective coll = {"scatter", 8, 1L << 20, 0, 1, Run, Verify};
  return BenchRunCollective(argc, argv, &coll);
}
