/* The MPI-1 datatype routines whose addresses, extents and displacements are default INTEGERs
 * in Fortran (MPI-1.3's bindings, kept by MPICH; deprecated in MPI-2.0, removed from C in
 * MPI-3.0), while zmpi's C functions of the same names take MPI_Aint: MPI_ADDRESS,
 * MPI_TYPE_EXTENT, MPI_TYPE_LB, MPI_TYPE_UB, MPI_TYPE_HVECTOR, MPI_TYPE_HINDEXED and
 * MPI_TYPE_STRUCT. Inputs are widened; an output that does not fit an INTEGER is
 * MPI_ERR_VALUE_TOO_LARGE (raised on MPI_COMM_SELF), not a silently truncated value. `use
 * mpi_f08` has none of them (MPI-4.1 gives them no f08 form). */
#include <stdlib.h>

#include "f08.h"
#include "fortran.h"

/* Stores the MPI_Aint result of a call that returned rc into an INTEGER, or raises
 * MPI_ERR_VALUE_TOO_LARGE. (Callers make the call first: argument order is unspecified.) */
static int IntOut(int rc, MPI_Aint value, MPI_Fint *out) {
  if (rc != MPI_SUCCESS) return rc;
  if (value != (MPI_Aint)(MPI_Fint)value) return ZfRaiseSelf(MPI_ERR_VALUE_TOO_LARGE);
  *out = (MPI_Fint)value;
  return MPI_SUCCESS;
}

ZF_API void mpi_address_(void *location, MPI_Fint *address, MPI_Fint *ierror) {
  MPI_Aint a = 0;
  int rc = MPI_Address(ZF_BUF(location), &a);
  *ierror = IntOut(rc, a, address);
}
ZF_NAMES(address, ADDRESS);

ZF_API void mpi_type_extent_(MPI_Fint *datatype, MPI_Fint *extent, MPI_Fint *ierror) {
  MPI_Aint e = 0;
  int rc = MPI_Type_extent((MPI_Datatype)*datatype, &e);
  *ierror = IntOut(rc, e, extent);
}
ZF_NAMES(type_extent, TYPE_EXTENT);

ZF_API void mpi_type_lb_(MPI_Fint *datatype, MPI_Fint *displacement, MPI_Fint *ierror) {
  MPI_Aint d = 0;
  int rc = MPI_Type_lb((MPI_Datatype)*datatype, &d);
  *ierror = IntOut(rc, d, displacement);
}
ZF_NAMES(type_lb, TYPE_LB);

ZF_API void mpi_type_ub_(MPI_Fint *datatype, MPI_Fint *displacement, MPI_Fint *ierror) {
  MPI_Aint d = 0;
  int rc = MPI_Type_ub((MPI_Datatype)*datatype, &d);
  *ierror = IntOut(rc, d, displacement);
}
ZF_NAMES(type_ub, TYPE_UB);

ZF_API void mpi_type_hvector_(MPI_Fint *count, MPI_Fint *blocklength, MPI_Fint *stride,
                              MPI_Fint *oldtype, MPI_Fint *newtype, MPI_Fint *ierror) {
  *ierror = MPI_Type_hvector(*count, *blocklength, (MPI_Aint)*stride, (MPI_Datatype)*oldtype,
                             (MPI_Datatype *)newtype);
}
ZF_NAMES(type_hvector, TYPE_HVECTOR);

/* The displacements widened into a malloc'd array (*wide; NULL when count <= 0, so the C call
 * reports a negative count itself). MPI_ERR_NO_MEM when out of memory. */
static int Widen(const MPI_Fint *count, const MPI_Fint *displacements, MPI_Aint **wide) {
  *wide = NULL;
  if (*count <= 0) return MPI_SUCCESS;
  *wide = malloc((size_t)*count * sizeof **wide);
  if (*wide == NULL) return ZfRaiseSelf(MPI_ERR_NO_MEM);
  for (MPI_Fint i = 0; i < *count; i++) (*wide)[i] = displacements[i];
  return MPI_SUCCESS;
}

ZF_API void mpi_type_hindexed_(MPI_Fint *count, MPI_Fint *array_of_blocklengths,
                               MPI_Fint *array_of_displacements, MPI_Fint *oldtype,
                               MPI_Fint *newtype, MPI_Fint *ierror) {
  MPI_Aint *wide = NULL;
  *ierror = Widen(count, array_of_displacements, &wide);
  if (*ierror != MPI_SUCCESS) return;
  *ierror = MPI_Type_hindexed(*count, array_of_blocklengths, wide, (MPI_Datatype)*oldtype,
                              (MPI_Datatype *)newtype);
  free(wide);
}
ZF_NAMES(type_hindexed, TYPE_HINDEXED);

ZF_API void mpi_type_struct_(MPI_Fint *count, MPI_Fint *array_of_blocklengths,
                             MPI_Fint *array_of_displacements, MPI_Fint *array_of_types,
                             MPI_Fint *newtype, MPI_Fint *ierror) {
  MPI_Aint *wide = NULL;
  *ierror = Widen(count, array_of_displacements, &wide);
  if (*ierror != MPI_SUCCESS) return;
  *ierror = MPI_Type_struct(*count, array_of_blocklengths, wide, (MPI_Datatype *)array_of_types,
                            (MPI_Datatype *)newtype);
  free(wide);
}
ZF_NAMES(type_struct, TYPE_STRUCT);
