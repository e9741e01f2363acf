/* mpi/fortran/f08.h: what the C side of `use mpi_f08` shares (the shims tools/gen-f08.py writes
 * and f08.c).
 *
 * The f08 specific procedures have MPICH's external names (mpi_comm_rank_f08_,
 * mpi_send_f08ts_, ..._large_, pmpir_...). Those without choice buffers are C functions with
 * gfortran's calling convention (every argument by reference, CHARACTER lengths last, OPTIONAL
 * ierror NULL when absent) that call the mpif.h binding. Those with choice buffers are Fortran
 * subroutines (so a TYPE(*), DIMENSION(..) actual arrives in gfortran's own descriptor, as in
 * MPICH) that pass the buffer on as an ISO_Fortran_binding descriptor to a C shim zf08_<name>. */
#ifndef ZMPI_MPI_FORTRAN_F08_H_
#define ZMPI_MPI_FORTRAN_F08_H_

#include <ISO_Fortran_binding.h>

#include "fortran.h"

/* The special objects of `use mpi_f08` (module mpi_f08_link_constants): bind(C) objects with
 * MPICH's names, and module variables with MPICH's module and names. */
extern MPI_Fint MPIR_F08_MPI_BOTTOM;
extern MPI_Fint MPIR_F08_MPI_IN_PLACE;
extern MPI_Fint MPIR_F08_MPI_STATUS_IGNORE_OBJ[MPI_F_STATUS_SIZE];
extern MPI_Fint MPIR_F08_MPI_STATUSES_IGNORE_OBJ[MPI_F_STATUS_SIZE];
extern MPI_Fint __mpi_f08_link_constants_MOD_mpi_errcodes_ignore[1];
extern MPI_Fint __mpi_f08_link_constants_MOD_mpi_unweighted[1];
extern MPI_Fint __mpi_f08_link_constants_MOD_mpi_weights_empty[1];

/* The f08 special objects become the mpif.h ones, which the mpif.h bindings recognise. */
static inline void *ZF08_STATUS(void *s) {
  return s == (void *)MPIR_F08_MPI_STATUS_IGNORE_OBJ ? (void *)mpipriv1_.status_ignore : s;
}
static inline void *ZF08_STATUSES(void *s) {
  return s == (void *)MPIR_F08_MPI_STATUSES_IGNORE_OBJ ? (void *)mpipriv2_.statuses_ignore : s;
}
static inline void *ZF08_ERRCODES(void *e) {
  return e == (void *)__mpi_f08_link_constants_MOD_mpi_errcodes_ignore
             ? (void *)&mpipriv2_.errcodes_ignore
             : e;
}
static inline void *ZF08_WEIGHTS(void *w) {
  if (w == (void *)__mpi_f08_link_constants_MOD_mpi_unweighted) return &mpifcmb5_;
  if (w == (void *)__mpi_f08_link_constants_MOD_mpi_weights_empty) return &mpifcmb9_;
  return w;
}

/* A choice buffer of an f08 call. MPI_SUBARRAYS_SUPPORTED is .FALSE.: a contiguous buffer
 * passes as it is; a non-contiguous one is what a compiler makes of an actual argument to an
 * assumed-size dummy, a contiguous copy (copied in, and back after the call when the buffer
 * is written: ZF_CHOICE_OUT). Where the buffer outlives the call (non-blocking, persistent,
 * one-sided, attached buffers, windows: ZF_CHOICE_DEFERRED) a copy would be wrong, and MPI-4.1
 * 19.1.12 does not allow such arguments then. ZfChoiceInTyped still serves the common case of
 * a buffer followed by its own count and datatype, the count covering the whole section and
 * the datatype one array element: the call gets the section's first element, count 1 and a
 * datatype of nested hvectors over the section's strides (freed after the call, which MPI
 * allows while the operation is pending). Anything else is MPI_ERR_BUFFER. */
enum { ZF_CHOICE_OUT = 1, ZF_CHOICE_DEFERRED = 2 };
typedef struct {
  void *addr; /* what the mpif.h binding gets */
  void *copy; /* the contiguous copy, or NULL */
  const CFI_cdesc_t *desc;
  int out;
  int typed;         /* the call takes one and type instead of its count and datatype */
  MPI_Fint one;      /* 1, as INTEGER ... */
  MPI_Count one_big; /* ... and as INTEGER(KIND=MPI_COUNT_KIND) */
  MPI_Fint type;     /* the section's datatype */
} ZfChoice;
int ZfChoiceIn(ZfChoice *c, const CFI_cdesc_t *desc, int flags);
int ZfChoiceInTyped(ZfChoice *c, const CFI_cdesc_t *desc, int flags, MPI_Count count,
                    MPI_Fint datatype);
void ZfChoiceDone(ZfChoice *c);
/* The count and datatype arguments the call gets (ZfChoiceInTyped). */
#define ZF_CHOICE_COUNT(c, count) ((c).typed ? (void *)&(c).one : (void *)(count))
#define ZF_CHOICE_COUNT_BIG(c, count) ((c).typed ? (void *)&(c).one_big : (void *)(count))
#define ZF_CHOICE_TYPE(c, datatype) ((c).typed ? (void *)&(c).type : (void *)(datatype))

/* Raise code on the error handler of the call's object (a Fortran handle) and return it. */
int ZfRaiseComm(const MPI_Fint *comm, int code);
int ZfRaiseWin(const MPI_Fint *win, int code);
int ZfRaiseFile(const MPI_Fint *file, int code);
int ZfRaiseSession(const MPI_Fint *session, int code);
int ZfRaiseSelf(int code);

#endif /* ZMPI_MPI_FORTRAN_F08_H_ */
