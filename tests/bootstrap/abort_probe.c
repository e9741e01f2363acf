/* MPI_Abort under a foreign launcher: the last rank aborts with code 7 while the others sleep
 * (they would print "not aborted" after 60 s): the launcher must end them all at once. */
#include <mpi.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (rank == size - 1) MPI_Abort(MPI_COMM_WORLD, 7);
  sleep(60);
  printf("abort_probe: rank %d not aborted\n", rank);
  MPI_Finalize();
  return 0;
}
