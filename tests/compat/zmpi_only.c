/* Compiles only against zmpi's mpi.h: compiled by check_wrapper.sh with the mpicc wrapper while
 * a decoy mpi.h sits on CPATH and C_INCLUDE_PATH. */
#include <mpi.h>

#ifndef ZMPI
#error "not zmpi's mpi.h"
#endif
#ifdef ZMPI_DECOY_HEADER
#error "the decoy mpi.h was found before zmpi's"
#endif

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Finalize();
  return 0;
}
