/* MPI_Alltoall latency (OSU osu_alltoall): `size` bytes from every rank to every other rank. */
#include <mpi.h>

#include "harness.h"

static void Run(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  (void)opts;
  MPI_Alltoall(send_buf, (int)size, MPI_BYTE, recv_buf, (int)size, MPI_BYTE, MPI_COMM_WORLD);
}

/* Block j sent by rank r carries the pattern (r, j). */
static void Verify(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  long n = opts->size;
  for (long j = 0; j < n; ++j)
    BenchFill(send_buf + j * size, size, (size * n + opts->rank) * n + j);
  Run(opts, send_buf, recv_buf, size);
  for (long r = 0; r < n; ++r)
    BenchCheck(recv_buf + r * size, size, (size * n + r) * n + opts->rank);
}

int main(int argc, char **argv) {
  const BenchCollective coll = {"alltoall", 8, 1L << 20, 0, 0, Run, Verify};
  return BenchRunCollective(argc, argv, &coll);
}
