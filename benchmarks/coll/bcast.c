/* MPI_Bcast latency from root 0 (OSU osu_bcast). */
#include <mpi.h>

#include "harness.h"

static void Run(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  (void)opts, (void)recv_buf;
  MPI_Bcast(send_buf, (int)size, MPI_BYTE, 0, MPI_COMM_WORLD);
}

static void Verify(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  if (opts->rank == 0) BenchFill(send_buf, size, size);
  Run(opts, send_buf, recv_buf, size);
  if (opts->rank != 0) BenchCheck(send_buf, size, size);
}

int main(int argc, char **argv) {
  const BenchCollective coll = {"bcast", 8, 1L << 20, 1, 1, Run, Verify};
  return BenchRunCollective(argc, argv, &coll);
}
