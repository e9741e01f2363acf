/* MPI_Scatterv latency from root 0 (OSU osu_scatterv): `size` bytes to every rank, equal counts
 * taken from displacements r * size. */
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
  MPI_Scatterv(send_buf, counts, displs, MPI_BYTE, recv_buf, (int)size, MPI_BYTE, 0,
               MPI_COMM_WORLD);
}

static void Verify(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  if (opts->rank == 0) {
    for (int r = 0; r < opts->size; ++r) BenchFill(send_buf + r * size, size, size * 48 + r);
  }
  Run(opts, send_buf, recv_buf, size);
  BenchCheck(recv_buf, size, size * 48 + opts->rank);
}

int main(int argc, char **argv) {
  const BenchCollective coll = {"scatterv", 8, 1L << 20, 0, 1, Run, Verify};
  return BenchRunCollective(argc, argv, &coll);
}
