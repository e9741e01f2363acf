/* trace: like halo2d 1 KiB with -x W: W warm-up exchanges, barrier, N timed exchanges, each
 * timed on rank 0; prints per-exchange us. trace N W [rows] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int me, p; MPI_Comm_rank(MPI_COMM_WORLD, &me); MPI_Comm_size(MPI_COMM_WORLD, &p);
  int n = atoi(argv[1]), w = atoi(argv[2]); int rows = argc > 3 ? atoi(argv[3]) : 128;
  double *field = calloc((size_t)rows * 8, sizeof(double));
  MPI_Datatype col; MPI_Type_vector(rows, 1, 8, MPI_DOUBLE, &col); MPI_Type_commit(&col);
  int left = (me + p - 1) % p, right = (me + 1) % p;
  double *t = malloc(sizeof(double) * n);
  for (int k = -w; k < n; ++k) {
    if (k == 0) MPI_Barrier(MPI_COMM_WORLD);
    double s = MPI_Wtime();
    MPI_Request rq[4];
    MPI_Irecv(field + 0, 1, col, left, 1, MPI_COMM_WORLD, &rq[0]);
    MPI_Irecv(field + 7, 1, col, right, 0, MPI_COMM_WORLD, &rq[1]);
    MPI_Isend(field + 1, 1, col, left, 0, MPI_COMM_WORLD, &rq[2]);
    MPI_Isend(field + 6, 1, col, right, 1, MPI_COMM_WORLD, &rq[3]);
    MPI_Waitall(4, rq, MPI_STATUSES_IGNORE);
    if (k >= 0) t[k] = (MPI_Wtime() - s) * 1e6;
  }
  if (me == 0) { double sum = 0; for (int k = 0; k < n; ++k) { printf("%.0f ", t[k]); sum += t[k]; } printf("| avg %.1f\n", sum / n); }
  MPI_Finalize();
  return 0;
}
