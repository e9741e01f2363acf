/* Attribute caching for Fortran (mpif.h, `use mpi` and, through the same functions, `use
 * mpi_f08`): keyvals with Fortran copy and delete procedures, and the attribute setters and
 * getters not in attr.c.
 *
 * A Fortran attribute value is an INTEGER(KIND=MPI_ADDRESS_KIND) (INTEGER in the deprecated
 * MPI_KEYVAL_CREATE / MPI_ATTR_PUT / MPI_ATTR_GET forms); C stores the address of a box
 * holding it (attr_box.h), so C code reading it gets a pointer to the value, as with MPICH, and
 * a value set from C reaches Fortran as the pointer itself. The C keyval is created
 * with C trampolines and a ZfKeyval as its extra state; the trampolines call the Fortran
 * procedures with every argument by reference, as their Fortran interfaces say (the f08
 * interfaces pass the same bytes: TYPE(MPI_Comm) is one INTEGER). A ZfKeyval lives as long as
 * the process: C MPI says nothing when the last attribute of a freed keyval goes away. */
#include <stdlib.h>

#include "attr_box.h"
#include "fortran.h"

/* attr.c's MPI_COMM_GET_ATTR, which MPI_ATTR_GET narrows to an INTEGER. */
void mpi_comm_get_attr_(MPI_Fint *comm, MPI_Fint *keyval, MPI_Aint *value, MPI_Fint *flag,
                        MPI_Fint *ierror);

/* COPY_FN(OLDOBJ, KEYVAL, EXTRA_STATE, ATTRIBUTE_VAL_IN, ATTRIBUTE_VAL_OUT, FLAG, IERROR) and
 * DELETE_FN(OBJ, KEYVAL, ATTRIBUTE_VAL, EXTRA_STATE, IERROR) with ADDRESS_KIND values ... */
typedef void ZfCopyFn(MPI_Fint *, MPI_Fint *, MPI_Aint *, MPI_Aint *, MPI_Aint *, MPI_Fint *,
                      MPI_Fint *);
typedef void ZfDeleteFn(MPI_Fint *, MPI_Fint *, MPI_Aint *, MPI_Aint *, MPI_Fint *);
/* ... and with INTEGER values (MPI_KEYVAL_CREATE's COPY_FUNCTION and DELETE_FUNCTION). */
typedef void ZfOldCopyFn(MPI_Fint *, MPI_Fint *, MPI_Fint *, MPI_Fint *, MPI_Fint *, MPI_Fint *,
                         MPI_Fint *);
typedef void ZfOldDeleteFn(MPI_Fint *, MPI_Fint *, MPI_Fint *, MPI_Fint *, MPI_Fint *);

struct ZfKeyval {
  void (*copy)(void);
  void (*del)(void);
  MPI_Aint extra;
  int integer_values; /* MPI_KEYVAL_CREATE: INTEGER extra state and values */
};

static struct ZfKeyval *NewKeyval(void *copy, void *del, MPI_Aint extra, int integer_values) {
  struct ZfKeyval *k = malloc(sizeof *k);
  if (k == NULL) return NULL;
  k->copy = (void (*)(void))copy;
  k->del = (void (*)(void))del;
  k->extra = extra;
  k->integer_values = integer_values;
  return k;
}

/* Values reach the procedures unboxed (attr_box.h); a copy made by a Fortran procedure is a
 * Fortran value, so it is boxed too. */
static int Copy(struct ZfKeyval *k, MPI_Fint obj, int keyval, void *in, void *out, int *flag) {
  MPI_Fint fkeyval = keyval, fflag = 0, ierr = MPI_SUCCESS;
  MPI_Aint copied = 0;
  if (k->integer_values) {
    MPI_Fint extra = (MPI_Fint)k->extra, vin = (MPI_Fint)ZfAttrValue(in), vout = 0;
    ((ZfOldCopyFn *)k->copy)(&obj, &fkeyval, &extra, &vin, &vout, &fflag, &ierr);
    copied = vout;
  } else {
    MPI_Aint extra = k->extra, vin = ZfAttrValue(in), vout = 0;
    ((ZfCopyFn *)k->copy)(&obj, &fkeyval, &extra, &vin, &vout, &fflag, &ierr);
    copied = vout;
  }
  *flag = 0;
  if (fflag && ierr == MPI_SUCCESS) {
    void *box = ZfBoxNew(copied);
    if (box == NULL) return MPI_ERR_NO_MEM;
    *(void **)out = box;
    *flag = 1;
  }
  return ierr;
}

static int Delete(struct ZfKeyval *k, MPI_Fint obj, int keyval, void *value) {
  MPI_Fint fkeyval = keyval, ierr = MPI_SUCCESS;
  if (k->integer_values) {
    MPI_Fint extra = (MPI_Fint)k->extra, v = (MPI_Fint)ZfAttrValue(value);
    ((ZfOldDeleteFn *)k->del)(&obj, &fkeyval, &v, &extra, &ierr);
  } else {
    MPI_Aint extra = k->extra, v = ZfAttrValue(value);
    ((ZfDeleteFn *)k->del)(&obj, &fkeyval, &v, &extra, &ierr);
  }
  /* A failed delete leaves the attribute set (MPI), so its box stays too. */
  if (ierr == MPI_SUCCESS) ZfBoxFree(value);
  return ierr;
}

/* Stores a Fortran value through set (an MPI_*_set_attr call on the object), boxed. */
#define ZF_SET_BOXED(set_call, v)               \
  do {                                          \
    void *box = ZfBoxNew(v);                    \
    if (box == NULL) {                          \
      *ierror = MPI_ERR_NO_MEM;                 \
      break;                                    \
    }                                           \
    *ierror = set_call;                         \
    if (*ierror != MPI_SUCCESS) ZfBoxFree(box); \
  } while (0)

/* The C callbacks of each object kind (they differ in the handle type only). */
#define ZF_TRAMPOLINES(Kind, Handle)                                                           \
  static int Kind##Copy(Handle old, int keyval, void *extra, void *in, void *out, int *flag) { \
    return Copy(extra, (MPI_Fint)old, keyval, in, out, flag);                                  \
  }                                                                                            \
  static int Kind##Delete(Handle obj, int keyval, void *value, void *extra) {                  \
    return Delete(extra, (MPI_Fint)obj, keyval, value);                                        \
  }
ZF_TRAMPOLINES(Comm, MPI_Comm)
ZF_TRAMPOLINES(Type, MPI_Datatype)
ZF_TRAMPOLINES(Win, MPI_Win)

#define ZF_CREATE_KEYVAL(low, UP, Kind)                                                    \
  ZF_API void mpi_##low##_create_keyval_(void *copy_fn, void *delete_fn, MPI_Fint *keyval, \
                                         MPI_Aint *extra_state, MPI_Fint *ierror) {        \
    struct ZfKeyval *k = NewKeyval(copy_fn, delete_fn, *extra_state, 0);                   \
    if (k == NULL) {                                                                       \
      *ierror = MPI_ERR_NO_MEM;                                                            \
      return;                                                                              \
    }                                                                                      \
    *ierror = MPI_##Kind##_create_keyval(Kind##Copy, Kind##Delete, keyval, k);             \
    if (*ierror != MPI_SUCCESS) free(k);                                                   \
  }                                                                                        \
  ZF_NAMES(low##_create_keyval, UP##_CREATE_KEYVAL)

ZF_CREATE_KEYVAL(comm, COMM, Comm);
ZF_CREATE_KEYVAL(type, TYPE, Type);
ZF_CREATE_KEYVAL(win, WIN, Win);

/* MPI_KEYVAL_CREATE(COPY_FN, DELETE_FN, KEYVAL, EXTRA_STATE, IERROR), all INTEGER. */
ZF_API void mpi_keyval_create_(void *copy_fn, void *delete_fn, MPI_Fint *keyval,
                               MPI_Fint *extra_state, MPI_Fint *ierror) {
  struct ZfKeyval *k = NewKeyval(copy_fn, delete_fn, *extra_state, 1);
  if (k == NULL) {
    *ierror = MPI_ERR_NO_MEM;
    return;
  }
  *ierror = MPI_Comm_create_keyval(CommCopy, CommDelete, keyval, k);
  if (*ierror != MPI_SUCCESS) free(k);
}
ZF_NAMES(keyval_create, KEYVAL_CREATE);

ZF_API void mpi_comm_set_attr_(MPI_Fint *comm, MPI_Fint *keyval, MPI_Aint *value,
                               MPI_Fint *ierror) {
  ZF_SET_BOXED(MPI_Comm_set_attr((MPI_Comm)*comm, *keyval, box), *value);
}
ZF_NAMES(comm_set_attr, COMM_SET_ATTR);

ZF_API void mpi_type_set_attr_(MPI_Fint *datatype, MPI_Fint *keyval, MPI_Aint *value,
                               MPI_Fint *ierror) {
  ZF_SET_BOXED(MPI_Type_set_attr((MPI_Datatype)*datatype, *keyval, box), *value);
}
ZF_NAMES(type_set_attr, TYPE_SET_ATTR);

ZF_API void mpi_win_set_attr_(MPI_Fint *win, MPI_Fint *keyval, MPI_Aint *value, MPI_Fint *ierror) {
  ZF_SET_BOXED(MPI_Win_set_attr((MPI_Win)*win, *keyval, box), *value);
}
ZF_NAMES(win_set_attr, WIN_SET_ATTR);

/* Datatypes have no predefined attributes: the value is the stored one. */
ZF_API void mpi_type_get_attr_(MPI_Fint *datatype, MPI_Fint *keyval, MPI_Aint *value,
                               MPI_Fint *flag, MPI_Fint *ierror) {
  void *p = NULL;
  *ierror = MPI_Type_get_attr((MPI_Datatype)*datatype, *keyval, &p, flag);
  if (*ierror == MPI_SUCCESS && *flag) *value = ZfAttrValue(p);
}
ZF_NAMES(type_get_attr, TYPE_GET_ATTR);

ZF_API void mpi_attr_put_(MPI_Fint *comm, MPI_Fint *keyval, MPI_Fint *value, MPI_Fint *ierror) {
  ZF_SET_BOXED(MPI_Comm_set_attr((MPI_Comm)*comm, *keyval, box), (MPI_Aint)*value);
}
ZF_NAMES(attr_put, ATTR_PUT);

/* MPI_ATTR_GET: MPI_COMM_GET_ATTR's value (predefined keyvals included) as an INTEGER. */
ZF_API void mpi_attr_get_(MPI_Fint *comm, MPI_Fint *keyval, MPI_Fint *value, MPI_Fint *flag,
                          MPI_Fint *ierror) {
  MPI_Aint wide = 0;
  mpi_comm_get_attr_(comm, keyval, &wide, flag, ierror);
  if (*ierror == MPI_SUCCESS && *flag) *value = (MPI_Fint)wide;
}
ZF_NAMES(attr_get, ATTR_GET);
