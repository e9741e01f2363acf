/* Attribute values set from Fortran, as C code reads them (MPI-4.1 19.3.7, as MPICH does it).
 *
 * A Fortran attribute value is an integer (INTEGER(KIND=MPI_ADDRESS_KIND), or INTEGER for
 * MPI_ATTR_PUT). C code reading such an attribute with MPI_Comm_get_attr gets a pointer to
 * that integer (an MPI_Aint; MPICH's test suite reads it as `*(MPI_Aint *)value`), while a
 * value set from C reaches Fortran as the pointer itself. So a value set from Fortran is stored
 * as the address of a box holding it; the Fortran getters and the trampolines of Fortran
 * copy/delete procedures recognise their boxes and unwrap them, and the delete trampoline
 * frees the box. A box set with a keyval made in C is never freed (C's delete callback gets
 * the pointer and knows nothing of it): a few bytes per such attribute. */
#ifndef ZMPI_MPI_FORTRAN_ATTR_BOX_H_
#define ZMPI_MPI_FORTRAN_ATTR_BOX_H_

#include <mpi.h>

/* A new box holding value (the C attribute value to store), NULL when out of memory. */
void *ZfBoxNew(MPI_Aint value);
/* The Fortran value of a C attribute value: the boxed integer, or the pointer itself. */
MPI_Aint ZfAttrValue(void *p);
/* Frees p if it is a box (nothing otherwise). */
void ZfBoxFree(void *p);

#endif /* ZMPI_MPI_FORTRAN_ATTR_BOX_H_ */
