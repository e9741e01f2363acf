/* MPI_Gatherv latency to root 0 (OSU osu_gatherv): `size` bytes from every rank, equal counts
 * placed at displacements r * size. */
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
  MPI_Gatherv(send_buf, (int)size, MPI_BYTE, recv_buf, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD);
}

static void Verify(const BenchOptions *opts, char *send_buf, char *recv_buf, long size) {
  BenchFill(send_buf, size, size * 32 + opts->rank);
  Run(opts, send_buf, recv_buf, size);
  if (opts->rank != 0) return;
  for (int r = 0; r < opts->size; ++r) BenchCheck(recv_buf + r * size, size, size * 32 + r);
}

int main(int argc, char **argv) {
  const BenchCollective coll = {"gatherv", 8, 1L << 20, 1, 0, Run, Verify};
  return BenchRunCollective(argc, argv, &coll);
}
