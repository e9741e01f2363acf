/* Bindings written by hand: output CHARACTER arguments (hidden lengths last), MPI_Init and
 * MPI_Info_create_env without argc/argv, MPI_Pcontrol (C varargs, no ierror in Fortran),
 * MPI_Buffer_detach, MPI_Comm_detach_buffer and MPI_Session_detach_buffer (the address they
 * return has no Fortran meaning). gen-fortran.py's HAND list names them. */
#include <stdlib.h>
#include <string.h>

#include "fortran.h"

ZF_API void mpi_init_(MPI_Fint *ierror) { *ierror = MPI_Init(NULL, NULL); }
ZF_NAMES(init, INIT);

ZF_API void mpi_init_thread_(MPI_Fint *required, MPI_Fint *provided, MPI_Fint *ierror) {
  *ierror = MPI_Init_thread(NULL, NULL, *required, provided);
}
ZF_NAMES(init_thread, INIT_THREAD);

ZF_API void mpi_pcontrol_(MPI_Fint *level) { MPI_Pcontrol(*level); }
ZF_NAMES(pcontrol, PCONTROL);

ZF_API void mpi_buffer_detach_(void *buffer_addr, MPI_Fint *size, MPI_Fint *ierror) {
  (void)buffer_addr;
  void *address = NULL;
  *ierror = MPI_Buffer_detach(&address, size);
}
ZF_NAMES(buffer_detach, BUFFER_DETACH);

/* Output strings: C writes into a buffer of the Fortran length + 1, the result is blank-padded;
 * resultlen counts the characters without padding. */
static int StringResult(int rc, const char *c, char *s, size_t len) {
  if (rc == MPI_SUCCESS) ZfStringOut(c, s, len);
  return rc;
}

ZF_API void mpi_get_processor_name_(char *name, MPI_Fint *resultlen, MPI_Fint *ierror, size_t len) {
  char c[MPI_MAX_PROCESSOR_NAME + 1] = "";
  *ierror = StringResult(MPI_Get_processor_name(c, resultlen), c, name, len);
}
ZF_NAMES(get_processor_name, GET_PROCESSOR_NAME);

ZF_API void mpi_get_library_version_(char *version, MPI_Fint *resultlen, MPI_Fint *ierror,
                                     size_t len) {
  char *c = calloc(1, MPI_MAX_LIBRARY_VERSION_STRING + 1);
  if (c == NULL) {
    *ierror = MPI_ERR_NO_MEM;
    return;
  }
  *ierror = StringResult(MPI_Get_library_version(c, resultlen), c, version, len);
  free(c);
}
ZF_NAMES(get_library_version, GET_LIBRARY_VERSION);

ZF_API void mpi_error_string_(MPI_Fint *errorcode, char *string, MPI_Fint *resultlen,
                              MPI_Fint *ierror, size_t len) {
  char c[MPI_MAX_ERROR_STRING + 1] = "";
  *ierror = StringResult(MPI_Error_string(*errorcode, c, resultlen), c, string, len);
}
ZF_NAMES(error_string, ERROR_STRING);

/* Object names: get and set for communicators, datatypes and windows. */
#define ZF_NAME_PAIR(low, UP, Ctype, Cget, Cset)                                               \
  ZF_API void mpi_##low##_get_name_(MPI_Fint *obj, char *name, MPI_Fint *resultlen,            \
                                    MPI_Fint *ierror, size_t len) {                            \
    char c[MPI_MAX_OBJECT_NAME + 1] = "";                                                      \
    *ierror = StringResult(Cget((Ctype)*obj, c, resultlen), c, name, len);                     \
  }                                                                                            \
  ZF_NAMES(low##_get_name, UP##_GET_NAME);                                                     \
  ZF_API void mpi_##low##_set_name_(MPI_Fint *obj, char *name, MPI_Fint *ierror, size_t len) { \
    char *c = ZfStringDup(name, len);                                                          \
    if (c == NULL) {                                                                           \
      *ierror = MPI_ERR_NO_MEM;                                                                \
      return;                                                                                  \
    }                                                                                          \
    *ierror = Cset((Ctype)*obj, c);                                                            \
    free(c);                                                                                   \
  }                                                                                            \
  ZF_NAMES(low##_set_name, UP##_SET_NAME)

ZF_NAME_PAIR(comm, COMM, MPI_Comm, MPI_Comm_get_name, MPI_Comm_set_name);
ZF_NAME_PAIR(type, TYPE, MPI_Datatype, MPI_Type_get_name, MPI_Type_set_name);
ZF_NAME_PAIR(win, WIN, MPI_Win, MPI_Win_get_name, MPI_Win_set_name);

ZF_API void mpi_comm_detach_buffer_(MPI_Fint *comm, void *buffer_addr, MPI_Fint *size,
                                    MPI_Fint *ierror) {
  (void)buffer_addr;
  void *address = NULL;
  *ierror = MPI_Comm_detach_buffer((MPI_Comm)*comm, &address, size);
}
ZF_NAMES(comm_detach_buffer, COMM_DETACH_BUFFER);

ZF_API void mpi_session_detach_buffer_(MPI_Fint *session, void *buffer_addr, MPI_Fint *size,
                                       MPI_Fint *ierror) {
  (void)buffer_addr;
  void *address = NULL;
  *ierror = MPI_Session_detach_buffer((MPI_Session)*session, &address, size);
}
ZF_NAMES(session_detach_buffer, SESSION_DETACH_BUFFER);

/* MPI_INFO_CREATE_ENV(INFO, IERROR): Fortran has no argc/argv to give. */
ZF_API void mpi_info_create_env_(MPI_Fint *info, MPI_Fint *ierror) {
  *ierror = MPI_Info_create_env(0, NULL, (MPI_Info *)info);
}
ZF_NAMES(info_create_env, INFO_CREATE_ENV);

/* MPI_F_SYNC_REG(BUF): a Fortran-only routine whose whole effect is that the compiler must
 * assume BUF was read and written by an external call (MPI-4.1 19.1.17); nothing to do here. */
ZF_API void mpi_f_sync_reg_(void *buf) { (void)buf; }
ZF_NAMES(f_sync_reg, F_SYNC_REG);

/* MPI_SESSION_GET_NTH_PSET(SESSION, INFO, N, PSET_LEN, PSET_NAME, IERROR): PSET_LEN = 0 asks
 * for the length of the name; otherwise at most PSET_LEN characters (and no more than
 * PSET_NAME holds) are returned, blank-padded. Fortran lengths count no terminating NUL, so
 * PSET_LEN returns C's length - 1 (as the MPI_MAX_* lengths of mpif.h do). */
ZF_API void mpi_session_get_nth_pset_(MPI_Fint *session, MPI_Fint *info, MPI_Fint *n,
                                      MPI_Fint *pset_len, char *pset_name, MPI_Fint *ierror,
                                      size_t len) {
  int clen = 0;
  *ierror = MPI_Session_get_nth_pset((MPI_Session)*session, (MPI_Info)*info, *n, &clen, NULL);
  if (*ierror != MPI_SUCCESS) return;
  if (*pset_len == 0) {
    *pset_len = clen - 1;
    return;
  }
  char *c = calloc(1, (size_t)clen);
  if (c == NULL) {
    *ierror = MPI_ERR_NO_MEM;
    return;
  }
  *ierror = MPI_Session_get_nth_pset((MPI_Session)*session, (MPI_Info)*info, *n, &clen, c);
  if (*ierror == MPI_SUCCESS) {
    size_t want = (size_t)*pset_len < len ? (size_t)*pset_len : len;
    if (strlen(c) > want) c[want] = '\0';
    ZfStringOut(c, pset_name, len);
    *pset_len = clen - 1;
  }
  free(c);
}
ZF_NAMES(session_get_nth_pset, SESSION_GET_NTH_PSET);
