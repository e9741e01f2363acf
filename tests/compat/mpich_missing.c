/* mpich_missing: built by MPICH's wrapper (mpicc.mpich); it references MPIX_Comm_shrink (an
 * MPICH extension zmpi does not have) on a path it never takes. zrun must warn before the job,
 * naming that function, and the run must still succeed: the loader binds functions lazily, so
 * only a call would fail. Rank 0 prints "mpich_missing: OK (N ranks)". */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank = -1, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc > 1000) { /* never: only the reference matters */
    MPI_Comm shrunk;
    MPIX_Comm_shrink(MPI_COMM_WORLD, &shrunk);
  }
  if (rank == 0) printf("mpich_missing: OK (%d ranks)\n", size);
  MPI_Finalize();
  return 0;
}
