/* MPI_Allgather latency (OSU osu_allgather): `size` bytes from every rank to every rank. */
#include <mpi.h>

#include "harness.h"

static void Run(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  (void)opts;
  MPI_Allgather(send_buf, (int)size, MPI_BYTE, recv_buf, (int)size, MPI_BYTE, MPI_COMM_WORLD);
}

static void Verify(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  BenchFill(send_buf, size, size * 64 + opts->rank);
  Run(opts, send_buf, recv_buf, size);
  for (int r = 0; r < opts->size; ++r) BenchCheck(recv_buf + r * size, size, size * 64 + r);
}

int main(int argc, char **argv) {
  const BenchCollective coll = {"allgather", 8, 1L << 20, 1, 0, Run, Verify};
  return BenchRunCollective(argc, argv, &coll);
}
