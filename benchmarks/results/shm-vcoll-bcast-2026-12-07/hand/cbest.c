/* Best-of samples of one collective for a loaded machine: each sample is one call after a
 * barrier; its figure is the average over ranks of each rank's time in the call (OSU's
 * per-call figure, without averaging preempted calls in).
 *   cbest OP SIZE SAMPLES     OP: allgatherv alltoallv bcast gatherv allgather
 * Prints: OP SIZE best p10 p50 (us). Build with any MPI's mpicc -O2. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int me, p;
  MPI_Comm_rank(MPI_COMM_WORLD, &me);
  MPI_Comm_size(MPI_COMM_WORLD, &p);
  const char *op = argv[1];
  int size = atoi(argv[2]), n = atoi(argv[3]);
  char *sb = malloc((size_t)size * p + 1), *rb = malloc((size_t)size * p + 1);
  memset(sb, 1, (size_t)size * p + 1);
  memset(rb, 2, (size_t)size * p + 1);
  int *counts = malloc(sizeof(int) * p), *displs = malloc(sizeof(int) * p);
  for (int i = 0; i < p; ++i) counts[i] = size, displs[i] = i * size;
  double *t = malloc(sizeof(double) * n);
  for (int it = -20; it < n; ++it) {
    MPI_Barrier(MPI_COMM_WORLD);
    double a = MPI_Wtime();
    if (!strcmp(op, "allgatherv"))
      MPI_Allgatherv(sb, size, MPI_BYTE, rb, counts, displs, MPI_BYTE, MPI_COMM_WORLD);
    else if (!strcmp(op, "allgather"))
      MPI_Allgather(sb, size, MPI_BYTE, rb, size, MPI_BYTE, MPI_COMM_WORLD);
    else if (!strcmp(op, "alltoallv"))
      MPI_Alltoallv(sb, counts, displs, MPI_BYTE, rb, counts, displs, MPI_BYTE, MPI_COMM_WORLD);
    else if (!strcmp(op, "bcast"))
      MPI_Bcast(sb, size, MPI_BYTE, 0, MPI_COMM_WORLD);
    else if (!strcmp(op, "gatherv"))
      MPI_Gatherv(sb, size, MPI_BYTE, rb, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD);
    double d = MPI_Wtime() - a, sum;
    MPI_Allreduce(&d, &sum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    if (it >= 0) t[it] = sum / p * 1e6;
  }
  if (me == 0) {
    qsort(t, n, sizeof(double), cmp);
    printf("%s %d %.2f %.2f %.2f\n", op, size, t[0], t[n / 10], t[n / 2]);
  }
  MPI_Finalize();
  return 0;
}
