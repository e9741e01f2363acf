/* MPI_Gather latency to root 0 (OSU osu_gather): `size` bytes from every rank. */
#include <mpi.h>

#include "harness.h"

static void Run(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  (void)opts;
  MPI_Gather(send_buf, (int)size, MPI_BYTE, recv_buf, (int)size, MPI_BYTE, 0, MPI_COMM_WORLD);
}

static void Verify(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  BenchFill(send_buf, size, size * 32 + opts->rank);
  Run(opts, send_buf, recv_buf, size);
  if (opts->rank != 0) return;
  for (int r = 0; r < opts->size; ++r) BenchCheck(recv_buf + r * size, size, size * 32 + r);
}

int main(int argc, char **argv) {
  const BenchCollective coll = {"gather", 8, 1L << 20, 1, 0, Run, Verify};
  return BenchRunCollective(argc, argv, &coll);
}
