/* MPI_Exscan latency, MPI_FLOAT with MPI_SUM (as osu_allreduce counts it); size is in bytes. */
#include <mpi.h>

#include "harness.h"

static void Run(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  (void)opts;
  MPI_Exscan(send_buf, recv_buf, (int)(size / (long)sizeof(float)), MPI_FLOAT, MPI_SUM,
             MPI_COMM_WORLD);
}

/* Small integers in floats sum exactly: rank r > 0 gets the prefix over ranks 0..r-1; rank 0's
 * result is undefined (not checked). */
static void Verify(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  long count = size / (long)sizeof(float);
  float *in = (float *)send_buf;
  float *out = (float *)recv_buf;
  for (long i = 0; i < count; ++i) in[i] = (float)((opts->rank + 1) * (i % 5 + 1));
  Run(opts, send_buf, recv_buf, size);
  if (opts->rank == 0) return;
  long upto = opts->rank, errors = 0;
  for (long i = 0; i < count; ++i) errors += out[i] != (float)((i % 5 + 1) * upto * (upto + 1) / 2);
  BenchRecordErrors(errors);
}

int main(int argc, char **argv) {
  const BenchCollective coll = {"exscan", 8, 1L << 20, 1, 1, Run, Verify};
  return BenchRunCollective(argc, argv, &coll);
}
