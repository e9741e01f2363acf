/* Rank 1 leaves after MPI_Init without MPI_Finalize, with exit code 0, while rank 0 waits for
 * a message from it: the launcher must end the job with one line naming rank 1, never hang
 * (also when rank 1 was the only rank on its host). */
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int rank, value = 0;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 1) _exit(0);
  if (rank == 0) MPI_Recv(&value, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  printf("skip_finalize: rank %d got %d (rank 1 never sends)\n", rank, value);
  MPI_Finalize();
  return 0;
}
