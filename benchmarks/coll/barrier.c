/* MPI_Barrier latency (OSU osu_barrier). Reported on one line with size 0. */
#include <mpi.h>

#include "harness.h"

static void Run(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  (void)opts, (void)send_buf, (void)recv_buf, (void)size;
  MPI_Barrier(MPI_COMM_WORLD);
}

int main(int argc, char **argv) {
  const BenchCollective coll = {"barrier", 0, 0, 1, 1, Run, NULL};
  return BenchRunCollective(argc, argv, &coll);
}
