/* An MPI program that needs libzmpi_doctor_need.so (found through its RUNPATH), for
 * `zrun --doctor`'s per-host library check (tests/cluster/doctor_test.sh). */
#include <mpi.h>
#include <stdio.h>

int zmpi_doctor_need(int x);

int main(int argc, char** argv) {
  int rank;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) printf("doctor_needs: OK (%d)\n", zmpi_doctor_need(41));
  MPI_Finalize();
  return 0;
}
