/* MPI_Alltoallv latency (OSU osu_alltoallv): `size` bytes from every rank to every rank, equal
 * counts at displacements j * size on both sides. */
#include <mpi.h>
#include <stdlib.h>

#include "harness.h"

static int *counts, *displs;

/* Counts and displacements of `size` bytes per rank (the arrays live for the whole run). */
static void Layout(const BenchOptions *opts, long size) {
  if (counts == NULL) {
    counts = malloc(sizeof(int) * (size_t)opts->size);
    displs = malloc(sizeof(int) * (size_t)opts->size);
  }
  for (int r = 0; r < opts->size; ++r) {
    counts[r] = (int)size;
    displs[r] = (int)(r * size);
  }
}

/* The layout changes only with the size (the first call of a size sets it, untimed warm-up). */
static void Run(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  if (counts == NULL || counts[0] != (int)size) Layout(opts, size);
  MPI_Alltoallv(send_buf, counts, displs, MPI_BYTE, recv_buf, counts, displs, MPI_BYTE,
                MPI_COMM_WORLD);
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
  const BenchCollective coll = {"alltoallv", 8, 1L << 20, 0, 0, Run, Verify};
  return BenchRunCollective(argc, argv, &coll);
}
