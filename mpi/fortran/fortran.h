/* mpi/fortran/fortran.h: what the Fortran bindings of libmpifort.so.12 share (MPICH's Fortran
 * ABI, gfortran conventions).
 *
 * Every Fortran argument arrives by reference. Handles are MPI_Fint and equal the C handles, so
 * handle arrays pass unchanged; LOGICAL is gfortran's (.FALSE. = 0, .TRUE. = 1), which is what
 * C's int flags hold; CHARACTER arguments carry hidden lengths (size_t) after all others. The
 * special objects MPI_BOTTOM, MPI_IN_PLACE, MPI_STATUS(ES)_IGNORE, MPI_ERRCODES_IGNORE,
 * MPI_UNWEIGHTED and MPI_WEIGHTS_EMPTY are members of COMMON blocks with MPICH's names (defined
 * in common.c); the loader binds a program's copy of each block and ours into one object, so a
 * binding recognises them by address whether mpif.h was ours or MPICH's. */
#ifndef ZMPI_MPI_FORTRAN_FORTRAN_H_
#define ZMPI_MPI_FORTRAN_FORTRAN_H_

#include <mpi.h>
#include <stddef.h>
#include <stdlib.h>

#define ZF_API __attribute__((visibility("default")))
/* Another external name of a binding (MPICH exports four per routine). */
#define ZF_ALIAS(name, target) \
  extern __typeof(target) name __attribute__((weak, alias(#target), visibility("default")))

/* MPICH's COMMON block layouts (sizes equal MPICH's, so copy relocations fit). */
struct ZfPriv1 {
  MPI_Fint bottom;
  MPI_Fint in_place;
  MPI_Fint status_ignore[MPI_F_STATUS_SIZE];
};
struct ZfPriv2 {
  MPI_Fint statuses_ignore[MPI_F_STATUS_SIZE];
  MPI_Fint errcodes_ignore;
};
struct ZfPrivC {
  char argvs_null;
  char argv_null;
};
extern struct ZfPriv1 mpipriv1_;
extern struct ZfPriv2 mpipriv2_;
extern struct ZfPrivC mpiprivc_;
extern MPI_Fint mpifcmb5_; /* MPI_UNWEIGHTED */
extern MPI_Fint mpifcmb9_; /* MPI_WEIGHTS_EMPTY */

/* A choice buffer: MPI_BOTTOM and MPI_IN_PLACE become the C constants. */
static inline void *ZF_BUF(void *p) {
  if (p == (void *)&mpipriv1_.bottom) return MPI_BOTTOM;
  if (p == (void *)&mpipriv1_.in_place) return MPI_IN_PLACE;
  return p;
}
static inline MPI_Status *ZF_STATUS(MPI_Fint *s) {
  return s == mpipriv1_.status_ignore ? MPI_STATUS_IGNORE : (MPI_Status *)(void *)s;
}
static inline MPI_Status *ZF_STATUSES(MPI_Fint *s) {
  return s == mpipriv2_.statuses_ignore ? MPI_STATUSES_IGNORE : (MPI_Status *)(void *)s;
}
static inline int *ZF_ERRCODES(MPI_Fint *e) {
  return e == &mpipriv2_.errcodes_ignore ? MPI_ERRCODES_IGNORE : e;
}
static inline int *ZF_WEIGHTS(MPI_Fint *w) {
  if (w == &mpifcmb5_) return MPI_UNWEIGHTED;
  if (w == &mpifcmb9_) return MPI_WEIGHTS_EMPTY;
  return w;
}

/* MPI_WAITSOME, MPI_TESTSOME: C's first *outcount indices count from 0, Fortran's from 1. */
static inline void ZfIndicesToFortran(const MPI_Fint *outcount, MPI_Fint *indices) {
  if (*outcount == MPI_UNDEFINED) return;
  for (MPI_Fint i = 0; i < *outcount; i++) indices[i]++;
}

/* The longest name an MPI call writes into an output CHARACTER of a generated binding (every
 * MPI_MAX_* string length of mpi.h is at most this, MPI_MAX_LIBRARY_VERSION_STRING aside). */
#define ZF_MAX_STRING 1024

/* CHARACTER helpers. ZfStringDup returns a malloc'd NUL-terminated copy of a Fortran string
 * without its trailing blanks (NULL when out of memory; free() it). ZfStringOut copies a C
 * string into a Fortran one of length len, blank-padded (truncated when longer). */
char *ZfStringDup(const char *s, size_t len);
/* ZfStringDup without the leading blanks too: info keys and values (MPI-4.1 10: Fortran's
 * leading and trailing blanks are stripped from both). */
char *ZfStringDupTrim(const char *s, size_t len);
void ZfStringOut(const char *c, char *s, size_t len);

/* The seven other external names of a hand-written binding mpi_<low>_ (MPI_<UP>, mpi_<low>,
 * mpi_<low>__ and the PMPI_ forms). The PMPI_ names of hand-written bindings enter the C
 * library through its MPI_ names too. */
#define ZF_NAMES(low, UP)                 \
  ZF_ALIAS(mpi_##low, mpi_##low##_);      \
  ZF_ALIAS(mpi_##low##__, mpi_##low##_);  \
  ZF_ALIAS(MPI_##UP, mpi_##low##_);       \
  ZF_ALIAS(pmpi_##low##_, mpi_##low##_);  \
  ZF_ALIAS(pmpi_##low, mpi_##low##_);     \
  ZF_ALIAS(pmpi_##low##__, mpi_##low##_); \
  ZF_ALIAS(PMPI_##UP, mpi_##low##_)

#endif /* ZMPI_MPI_FORTRAN_FORTRAN_H_ */
