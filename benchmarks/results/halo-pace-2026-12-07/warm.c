/* warm: after MPI_Init, time batches of an operation and print (on rank 0) when each batch
 * ended (ms since the first barrier) and its mean time per operation. Shows start-up curves.
 *   warm MODE BATCHES PER_BATCH   MODE: allreduce | barrier | halo1k */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int me, p; MPI_Comm_rank(MPI_COMM_WORLD, &me); MPI_Comm_size(MPI_COMM_WORLD, &p);
  const char *mode = argv[1]; int batches = atoi(argv[2]), per = atoi(argv[3]);
  double t0 = MPI_Wtime();
  double *end = malloc(sizeof(double) * batches), *mean = malloc(sizeof(double) * batches);
  double field[128 * 8]; for (int i = 0; i < 128 * 8; ++i) field[i] = i;
  MPI_Datatype col; MPI_Type_vector(128, 1, 8, MPI_DOUBLE, &col); MPI_Type_commit(&col);
  int left = (me + p - 1) % p, right = (me + 1) % p;
  double a = 1, b;
  MPI_Barrier(MPI_COMM_WORLD);
  double start = MPI_Wtime();
  for (int k = 0; k < batches; ++k) {
    double s = MPI_Wtime();
    for (int i = 0; i < per; ++i) {
      if (!strcmp(mode, "allreduce")) MPI_Allreduce(&a, &b, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
      else if (!strcmp(mode, "barrier")) MPI_Barrier(MPI_COMM_WORLD);
      else {
        MPI_Request rq[4];
        MPI_Irecv(field + 0, 1, col, left, 1, MPI_COMM_WORLD, &rq[0]);
        MPI_Irecv(field + 7, 1, col, right, 0, MPI_COMM_WORLD, &rq[1]);
        MPI_Isend(field + 1, 1, col, left, 0, MPI_COMM_WORLD, &rq[2]);
        MPI_Isend(field + 6, 1, col, right, 1, MPI_COMM_WORLD, &rq[3]);
        MPI_Waitall(4, rq, MPI_STATUSES_IGNORE);
      }
    }
    double e = MPI_Wtime();
    end[k] = (e - start) * 1e3; mean[k] = (e - s) * 1e6 / per;
  }
  if (me == 0) {
    printf("init->barrier %.1f ms\n", (start - t0) * 1e3);
    for (int k = 0; k < batches; ++k) printf("%8.2f ms %9.2f us\n", end[k], mean[k]);
  }
  MPI_Finalize();
  return 0;
}
