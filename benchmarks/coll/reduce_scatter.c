/* MPI_Reduce_scatter latency (OSU osu_reduce_scatter), MPI_FLOAT with MPI_SUM: `size` bytes is
 * the whole vector every rank contributes; rank r gets its slice of the sum (count / ranks
 * floats, the first count % ranks ranks one more). */
#include <mpi.h>
#include <stdlib.h>

#include "harness.h"

static int *counts;
static long counts_for = -1; /* the size `counts` describes */

static void Layout(const BenchOptions *opts, long size) {
  long count = size / (long)sizeof(float), n = opts->size;
  if (counts == NULL) counts = malloc(sizeof(int) * (size_t)n);
  for (long r = 0; r < n; ++r) counts[r] = (int)(count / n + (r < count % n ? 1 : 0));
  counts_for = size;
}

/* The layout changes only with the size (the first call of a size sets it, untimed warm-up). */
static void Run(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  if (counts_for != size) Layout(opts, size);
  MPI_Reduce_scatter(send_buf, recv_buf, counts, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}

/* Element i of rank r's vector is (r + 1) * (i % 7 + 1): small integers, exact in floats. */
static void Verify(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  long count = size / (long)sizeof(float), n = opts->size, errors = 0;
  float *in = (float *)send_buf;
  float *out = (float *)recv_buf;
  for (long i = 0; i < count; ++i) in[i] = (float)((opts->rank + 1) * (i % 7 + 1));
  Run(opts, send_buf, recv_buf, size);
  long first = 0;
  for (long r = 0; r < opts->rank; ++r) first += counts[r];
  for (long i = 0; i < counts[opts->rank]; ++i) {
    long at = first + i;
    errors += out[i] != (float)((at % 7 + 1) * n * (n + 1) / 2);
  }
  BenchRecordErrors(errors);
}

int main(int argc, char **argv) {
  const BenchCollective coll = {"reduce_scatter", 8, 1L << 20, 1, 1, Run, Verify};
  return BenchRunCollective(argc, argv, &coll);
}
