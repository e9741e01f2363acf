/* The C side of `use mpi_f08` that is not generated: choice buffers given as descriptors
 * (f08.h), error raising for the shims, and MPI_BUFFER_DETACH / MPI_COMM_DETACH_BUFFER /
 * MPI_SESSION_DETACH_BUFFER, whose f08 forms return the buffer's address as TYPE(C_PTR)
 * (mpif.h's cannot). */
#include "f08.h"

#include <stdlib.h>
#include <string.h>

static int Contiguous(const CFI_cdesc_t *d) {
  CFI_index_t expect = (CFI_index_t)d->elem_len;
  for (int i = 0; i < d->rank; i++) {
    CFI_index_t n = d->dim[i].extent;
    if (n <= 0) return 1; /* empty, or the -1 of an assumed-size array (contiguous) */
    if (n > 1 && d->dim[i].sm != expect) return 0;
    expect *= n;
  }
  return 1;
}

static size_t Elements(const CFI_cdesc_t *d) {
  size_t n = 1;
  for (int i = 0; i < d->rank; i++) n *= (size_t)d->dim[i].extent;
  return n;
}

/* Copies between the array d describes and packed, in array element order. */
static void Copy(const CFI_cdesc_t *d, char *packed, int to_packed) {
  CFI_index_t index[CFI_MAX_RANK] = {0};
  size_t n = Elements(d);
  for (size_t k = 0; k < n; k++) {
    char *element = d->base_addr;
    for (int i = 0; i < d->rank; i++) element += index[i] * d->dim[i].sm;
    if (to_packed) {
      memcpy(packed + k * d->elem_len, element, d->elem_len);
    } else {
      memcpy(element, packed + k * d->elem_len, d->elem_len);
    }
    for (int i = 0; i < d->rank; i++) {
      if (++index[i] < d->dim[i].extent) break;
      index[i] = 0;
    }
  }
}

int ZfChoiceIn(ZfChoice *c, const CFI_cdesc_t *desc, int flags) {
  c->copy = NULL;
  c->typed = 0;
  c->desc = desc;
  c->out = (flags & ZF_CHOICE_OUT) != 0;
  c->addr = desc->base_addr;
  if (c->addr == (void *)&MPIR_F08_MPI_BOTTOM) {
    c->addr = &mpipriv1_.bottom;
    return MPI_SUCCESS;
  }
  if (c->addr == (void *)&MPIR_F08_MPI_IN_PLACE) {
    c->addr = &mpipriv1_.in_place;
    return MPI_SUCCESS;
  }
  if (Contiguous(desc)) return MPI_SUCCESS;
  if (flags & ZF_CHOICE_DEFERRED) return MPI_ERR_BUFFER;
  size_t bytes = Elements(desc) * desc->elem_len;
  c->copy = malloc(bytes);
  if (c->copy == NULL) return MPI_ERR_NO_MEM;
  Copy(desc, c->copy, 1);
  c->addr = c->copy;
  return MPI_SUCCESS;
}

int ZfChoiceInTyped(ZfChoice *c, const CFI_cdesc_t *desc, int flags, MPI_Count count,
                    MPI_Fint datatype) {
  int rc = ZfChoiceIn(c, desc, flags);
  if (rc != MPI_ERR_BUFFER) return rc;
  MPI_Aint lb = 0, extent = 0;
  MPI_Datatype type = (MPI_Datatype)datatype;
  if (MPI_Type_get_extent(type, &lb, &extent) != MPI_SUCCESS || lb != 0 ||
      extent != (MPI_Aint)desc->elem_len || count != (MPI_Count)Elements(desc)) {
    return MPI_ERR_BUFFER;
  }
  MPI_Datatype section = type;
  for (int i = 0; i < desc->rank; i++) {
    MPI_Datatype next = MPI_DATATYPE_NULL;
    rc = MPI_Type_create_hvector((int)desc->dim[i].extent, 1, (MPI_Aint)desc->dim[i].sm, section,
                                 &next);
    if (section != type) MPI_Type_free(&section);
    if (rc != MPI_SUCCESS) return rc;
    section = next;
  }
  rc = MPI_Type_commit(&section);
  if (rc != MPI_SUCCESS) {
    MPI_Type_free(&section);
    return rc;
  }
  c->addr = desc->base_addr;
  c->typed = 1;
  c->one = 1;
  c->one_big = 1;
  c->type = (MPI_Fint)section;
  return MPI_SUCCESS;
}

void ZfChoiceDone(ZfChoice *c) {
  if (c->typed) {
    MPI_Datatype type = (MPI_Datatype)c->type;
    MPI_Type_free(&type);
    c->typed = 0;
  }
  if (c->copy == NULL) return;
  if (c->out) Copy(c->desc, c->copy, 0);
  free(c->copy);
  c->copy = NULL;
}

int ZfRaiseComm(const MPI_Fint *comm, int code) {
  MPI_Comm_call_errhandler((MPI_Comm)*comm, code);
  return code;
}

int ZfRaiseWin(const MPI_Fint *win, int code) {
  MPI_Win_call_errhandler((MPI_Win)*win, code);
  return code;
}

int ZfRaiseFile(const MPI_Fint *file, int code) {
  MPI_File_call_errhandler(MPI_File_f2c(*file), code);
  return code;
}

int ZfRaiseSession(const MPI_Fint *session, int code) {
  MPI_Session_call_errhandler((MPI_Session)*session, code);
  return code;
}

int ZfRaiseSelf(int code) {
  MPI_Comm_call_errhandler(MPI_COMM_SELF, code);
  return code;
}

/* MPI_BUFFER_DETACH(BUFFER_ADDR, SIZE, IERROR) with TYPE(C_PTR) BUFFER_ADDR, and the
 * communicator form; the _large forms take INTEGER(KIND=MPI_COUNT_KIND) SIZE. */
#define ZF_DETACH(fname, call, Size, ...)                                           \
  ZF_API void fname(__VA_ARGS__ void **buffer_addr, Size *size, MPI_Fint *ierror) { \
    MPI_Fint e = call;                                                              \
    if (ierror != NULL) *ierror = e;                                                \
  }

ZF_DETACH(mpi_buffer_detach_f08_, MPI_Buffer_detach(buffer_addr, size), MPI_Fint, )
ZF_DETACH(pmpir_buffer_detach_f08_, PMPI_Buffer_detach(buffer_addr, size), MPI_Fint, )
ZF_DETACH(mpi_buffer_detach_f08_large_, MPI_Buffer_detach_c(buffer_addr, size), MPI_Count, )
ZF_DETACH(pmpir_buffer_detach_f08_large_, PMPI_Buffer_detach_c(buffer_addr, size), MPI_Count, )
ZF_DETACH(mpi_comm_detach_buffer_f08_, MPI_Comm_detach_buffer((MPI_Comm)*comm, buffer_addr, size),
          MPI_Fint, MPI_Fint *comm, )
ZF_DETACH(pmpir_comm_detach_buffer_f08_,
          PMPI_Comm_detach_buffer((MPI_Comm)*comm, buffer_addr, size), MPI_Fint, MPI_Fint *comm, )
ZF_DETACH(mpi_comm_detach_buffer_f08_large_,
          MPI_Comm_detach_buffer_c((MPI_Comm)*comm, buffer_addr, size), MPI_Count, MPI_Fint *comm, )
ZF_DETACH(pmpir_comm_detach_buffer_f08_large_,
          PMPI_Comm_detach_buffer_c((MPI_Comm)*comm, buffer_addr, size), MPI_Count,
          MPI_Fint *comm, )
ZF_DETACH(mpi_session_detach_buffer_f08_,
          MPI_Session_detach_buffer((MPI_Session)*session, buffer_addr, size), MPI_Fint,
          MPI_Fint *session, )
ZF_DETACH(pmpir_session_detach_buffer_f08_,
          PMPI_Session_detach_buffer((MPI_Session)*session, buffer_addr, size), MPI_Fint,
          MPI_Fint *session, )
ZF_DETACH(mpi_session_detach_buffer_f08_large_,
          MPI_Session_detach_buffer_c((MPI_Session)*session, buffer_addr, size), MPI_Count,
          MPI_Fint *session, )
ZF_DETACH(pmpir_session_detach_buffer_f08_large_,
          PMPI_Session_detach_buffer_c((MPI_Session)*session, buffer_addr, size), MPI_Count,
          MPI_Fint *session, )
