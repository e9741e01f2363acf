/* C side of fortran_keyval_test: reads and sets attributes from C on communicators that the
 * Fortran program gives, to check the language rules of MPI-4.1 19.3.7 as MPICH applies them:
 * C reading an attribute set from Fortran gets a pointer to the (MPI_Aint) value; Fortran
 * reading an attribute set from C gets the pointer itself. Fortran calls these with every
 * argument by reference (gfortran's names: lower case, one trailing underscore). */
#include <mpi.h>

void zt_c_reads_aint_(const MPI_Fint *comm, const MPI_Fint *keyval, const MPI_Aint *expected,
                      MPI_Fint *ok);
void zt_c_sets_pointer_(const MPI_Fint *comm, const MPI_Fint *keyval, MPI_Aint *address);

/* ok = 1 when C finds the attribute and it points at an MPI_Aint equal to *expected. */
void zt_c_reads_aint_(const MPI_Fint *comm, const MPI_Fint *keyval, const MPI_Aint *expected,
                      MPI_Fint *ok) {
  MPI_Aint *value = NULL;
  int flag = 0;
  int rc = MPI_Comm_get_attr(MPI_Comm_f2c(*comm), *keyval, &value, &flag);
  *ok = rc == MPI_SUCCESS && flag && value != NULL && *value == *expected;
}

/* Sets the address of a static int as the attribute and returns that address. */
void zt_c_sets_pointer_(const MPI_Fint *comm, const MPI_Fint *keyval, MPI_Aint *address) {
  static int object;
  MPI_Comm_set_attr(MPI_Comm_f2c(*comm), *keyval, &object);
  *address = (MPI_Aint)&object;
}
