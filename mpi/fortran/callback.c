/* Fortran callbacks that need a C trampoline (generalized requests, file error handlers) and
 * the predefined callbacks mpif.h declares EXTERNAL (MPI_COMM_DUP_FN ..., under MPICH's names;
 * `use mpi_f08` has its own module procedures). Every argument of a Fortran callback is passed
 * by reference. */
#include <pthread.h>
#include <stdlib.h>

#include "fortran.h"

/* mpi.h's C macros of the same names would replace the Fortran external names below. */
#undef MPI_NULL_COPY_FN
#undef MPI_NULL_DELETE_FN
#undef MPI_DUP_FN
#undef MPI_COMM_NULL_COPY_FN
#undef MPI_COMM_NULL_DELETE_FN
#undef MPI_COMM_DUP_FN
#undef MPI_TYPE_NULL_COPY_FN
#undef MPI_TYPE_NULL_DELETE_FN
#undef MPI_TYPE_DUP_FN
#undef MPI_WIN_NULL_COPY_FN
#undef MPI_WIN_NULL_DELETE_FN
#undef MPI_WIN_DUP_FN
#undef MPI_CONVERSION_FN_NULL

/* ---- Predefined copy and delete procedures (MPI-4.1 7.7.2, 7.7.4) ---- */

/* NULL_COPY: no copy (FLAG = .FALSE.); DUP: the copy has the same value (FLAG = .TRUE.);
 * NULL_DELETE: nothing to free. The ADDRESS_KIND forms and MPI_DUP_FN's INTEGER form. */
static void NullCopy(MPI_Fint *flag, MPI_Fint *ierror) {
  *flag = 0;
  *ierror = MPI_SUCCESS;
}

#define ZF_PREDEFINED(low, UP, Value)                                                            \
  ZF_API void mpi_##low##null_copy_fn_(MPI_Fint *obj, MPI_Fint *keyval, Value *extra, Value *in, \
                                       Value *out, MPI_Fint *flag, MPI_Fint *ierror) {           \
    (void)obj, (void)keyval, (void)extra, (void)in, (void)out;                                   \
    NullCopy(flag, ierror);                                                                      \
  }                                                                                              \
  ZF_NAMES(low##null_copy_fn, UP##NULL_COPY_FN);                                                 \
  ZF_API void mpi_##low##dup_fn_(MPI_Fint *obj, MPI_Fint *keyval, Value *extra, Value *in,       \
                                 Value *out, MPI_Fint *flag, MPI_Fint *ierror) {                 \
    (void)obj, (void)keyval, (void)extra;                                                        \
    *out = *in;                                                                                  \
    *flag = 1;                                                                                   \
    *ierror = MPI_SUCCESS;                                                                       \
  }                                                                                              \
  ZF_NAMES(low##dup_fn, UP##DUP_FN);                                                             \
  ZF_API void mpi_##low##null_delete_fn_(MPI_Fint *obj, MPI_Fint *keyval, Value *value,          \
                                         Value *extra, MPI_Fint *ierror) {                       \
    (void)obj, (void)keyval, (void)value, (void)extra;                                           \
    *ierror = MPI_SUCCESS;                                                                       \
  }                                                                                              \
  ZF_NAMES(low##null_delete_fn, UP##NULL_DELETE_FN)

ZF_PREDEFINED(, , MPI_Fint);
ZF_PREDEFINED(comm_, COMM_, MPI_Aint);
ZF_PREDEFINED(type_, TYPE_, MPI_Aint);
ZF_PREDEFINED(win_, WIN_, MPI_Aint);

/* MPI_CONVERSION_FN_NULL: a marker MPI_REGISTER_DATAREP recognises ("no conversion"); called
 * anyway, it converts nothing and says so. */
ZF_API void mpi_conversion_fn_null_(void *userbuf, MPI_Fint *datatype, MPI_Fint *count,
                                    void *filebuf, MPI_Offset *position, MPI_Aint *extra_state,
                                    MPI_Fint *ierror) {
  (void)userbuf, (void)datatype, (void)count, (void)filebuf, (void)position, (void)extra_state;
  *ierror = MPI_ERR_UNSUPPORTED_OPERATION;
}
ZF_NAMES(conversion_fn_null, CONVERSION_FN_NULL);

/* ---- MPI_GREQUEST_START(QUERY_FN, FREE_FN, CANCEL_FN, EXTRA_STATE, REQUEST, IERROR) ---- */

/* QUERY_FN(EXTRA_STATE, STATUS, IERROR), FREE_FN(EXTRA_STATE, IERROR),
 * CANCEL_FN(EXTRA_STATE, COMPLETE, IERROR); EXTRA_STATE is INTEGER(KIND=MPI_ADDRESS_KIND),
 * STATUS the C layout (MPICH's ABI), COMPLETE a LOGICAL. The ZfGrequest is the C extra state
 * and is freed after FREE_FN ran (the request is gone then). */
typedef void ZfQueryFn(MPI_Aint *, MPI_Fint *, MPI_Fint *);
typedef void ZfFreeFn(MPI_Aint *, MPI_Fint *);
typedef void ZfCancelFn(MPI_Aint *, MPI_Fint *, MPI_Fint *);

struct ZfGrequest {
  ZfQueryFn *query;
  ZfFreeFn *free_fn;
  ZfCancelFn *cancel;
  MPI_Aint *extra; /* the caller's EXTRA_STATE variable itself (see mpi_grequest_start_) */
};

static int GrequestQuery(void *extra, MPI_Status *status) {
  struct ZfGrequest *g = extra;
  MPI_Fint ierr = MPI_SUCCESS;
  g->query(g->extra, (MPI_Fint *)(void *)status, &ierr);
  return ierr;
}

static int GrequestFree(void *extra) {
  struct ZfGrequest *g = extra;
  MPI_Fint ierr = MPI_SUCCESS;
  g->free_fn(g->extra, &ierr);
  free(g);
  return ierr;
}

static int GrequestCancel(void *extra, int complete) {
  struct ZfGrequest *g = extra;
  MPI_Fint ierr = MPI_SUCCESS, fcomplete = complete != 0;
  g->cancel(g->extra, &fcomplete, &ierr);
  return ierr;
}

ZF_API void mpi_grequest_start_(void *query_fn, void *free_fn, void *cancel_fn,
                                MPI_Aint *extra_state, MPI_Fint *request, MPI_Fint *ierror) {
  struct ZfGrequest *g = malloc(sizeof *g);
  if (g == NULL) {
    *ierror = MPI_ERR_NO_MEM;
    return;
  }
  g->query = (ZfQueryFn *)query_fn;
  g->free_fn = (ZfFreeFn *)free_fn;
  g->cancel = (ZfCancelFn *)cancel_fn;
  /* As MPICH: the callbacks get the caller's EXTRA_STATE variable by reference, not a copy, so
   * what they store there is what the caller sees (MPICH's test suite relies on it); the
   * variable must outlive the request, as a C extra_state pointer must. */
  g->extra = extra_state;
  *ierror =
      MPI_Grequest_start(GrequestQuery, GrequestFree, GrequestCancel, g, (MPI_Request *)request);
  if (*ierror != MPI_SUCCESS) free(g);
}
ZF_NAMES(grequest_start, GREQUEST_START);

/* ---- MPI_FILE_CREATE_ERRHANDLER(FILE_ERRHANDLER_FN, ERRHANDLER, IERROR) ---- */

/* FILE_ERRHANDLER_FN(FILE, ERROR_CODE) takes the Fortran integer of the file, while C passes an
 * MPI_File * (a pointer in MPICH's ABI), so the C handler is a trampoline. C gives it no extra
 * state: it finds the Fortran procedure through the file's error handler, in a table of the
 * handlers created here (a handle value freed and created again replaces its entry). */
typedef void ZfFileErrFn(MPI_Fint *, MPI_Fint *);

struct ZfFileHandler {
  MPI_Errhandler errhandler;
  ZfFileErrFn *fn;
};

static pthread_mutex_t file_handlers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ZfFileHandler *file_handlers;
static size_t file_handlers_count, file_handlers_capacity;

static int RememberFileHandler(MPI_Errhandler errhandler, ZfFileErrFn *fn) {
  int rc = MPI_SUCCESS;
  pthread_mutex_lock(&file_handlers_lock);
  size_t i = 0;
  while (i < file_handlers_count && file_handlers[i].errhandler != errhandler) i++;
  if (i == file_handlers_count) {
    if (file_handlers_count == file_handlers_capacity) {
      size_t capacity = file_handlers_capacity ? 2 * file_handlers_capacity : 8;
      struct ZfFileHandler *grown = realloc(file_handlers, capacity * sizeof *grown);
      if (grown == NULL) rc = MPI_ERR_NO_MEM;
      if (grown != NULL) {
        file_handlers = grown;
        file_handlers_capacity = capacity;
      }
    }
    if (rc == MPI_SUCCESS) file_handlers_count++;
  }
  if (rc == MPI_SUCCESS) {
    file_handlers[i].errhandler = errhandler;
    file_handlers[i].fn = fn;
  }
  pthread_mutex_unlock(&file_handlers_lock);
  return rc;
}

static ZfFileErrFn *FindFileHandler(MPI_Errhandler errhandler) {
  ZfFileErrFn *fn = NULL;
  pthread_mutex_lock(&file_handlers_lock);
  for (size_t i = 0; i < file_handlers_count && fn == NULL; i++) {
    if (file_handlers[i].errhandler == errhandler) fn = file_handlers[i].fn;
  }
  pthread_mutex_unlock(&file_handlers_lock);
  return fn;
}

static void FileErrhandler(MPI_File *fh, int *code, ...) {
  MPI_Errhandler errhandler = MPI_ERRHANDLER_NULL;
  if (MPI_File_get_errhandler(*fh, &errhandler) != MPI_SUCCESS) return;
  ZfFileErrFn *fn = FindFileHandler(errhandler);
  MPI_Errhandler_free(&errhandler);
  if (fn == NULL) return;
  MPI_Fint file = MPI_File_c2f(*fh), fcode = *code;
  fn(&file, &fcode);
}

ZF_API void mpi_file_create_errhandler_(void *file_errhandler_fn, MPI_Fint *errhandler,
                                        MPI_Fint *ierror) {
  MPI_Errhandler c = MPI_ERRHANDLER_NULL;
  *ierror = MPI_File_create_errhandler(FileErrhandler, &c);
  if (*ierror != MPI_SUCCESS) return;
  *ierror = RememberFileHandler(c, (ZfFileErrFn *)file_errhandler_fn);
  if (*ierror != MPI_SUCCESS) {
    MPI_Errhandler_free(&c);
    return;
  }
  *errhandler = (MPI_Fint)c;
}
ZF_NAMES(file_create_errhandler, FILE_CREATE_ERRHANDLER);
