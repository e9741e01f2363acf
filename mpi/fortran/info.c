/* Info bindings (CHARACTER keys and values, hidden lengths last). Keys and values given lose
 * their leading and trailing blanks (MPI-4.1 10); values returned are blank-padded to the
 * Fortran length. */
#include <stdlib.h>
#include <string.h>

#include "fortran.h"

ZF_API void mpi_info_set_(MPI_Fint *info, char *key, char *value, MPI_Fint *ierror, size_t klen,
                          size_t vlen) {
  char *k = ZfStringDupTrim(key, klen);
  char *v = ZfStringDupTrim(value, vlen);
  *ierror = (k && v) ? MPI_Info_set((MPI_Info)*info, k, v) : MPI_ERR_NO_MEM;
  free(k);
  free(v);
}
ZF_NAMES(info_set, INFO_SET);

ZF_API void mpi_info_delete_(MPI_Fint *info, char *key, MPI_Fint *ierror, size_t klen) {
  char *k = ZfStringDupTrim(key, klen);
  *ierror = k ? MPI_Info_delete((MPI_Info)*info, k) : MPI_ERR_NO_MEM;
  free(k);
}
ZF_NAMES(info_delete, INFO_DELETE);

ZF_API void mpi_info_get_valuelen_(MPI_Fint *info, char *key, MPI_Fint *valuelen, MPI_Fint *flag,
                                   MPI_Fint *ierror, size_t klen) {
  char *k = ZfStringDupTrim(key, klen);
  *ierror = k ? MPI_Info_get_valuelen((MPI_Info)*info, k, valuelen, flag) : MPI_ERR_NO_MEM;
  free(k);
}
ZF_NAMES(info_get_valuelen, INFO_GET_VALUELEN);

ZF_API void mpi_info_get_nthkey_(MPI_Fint *info, MPI_Fint *n, char *key, MPI_Fint *ierror,
                                 size_t klen) {
  char c[MPI_MAX_INFO_KEY + 1] = "";
  *ierror = MPI_Info_get_nthkey((MPI_Info)*info, *n, c);
  if (*ierror == MPI_SUCCESS) ZfStringOut(c, key, klen);
}
ZF_NAMES(info_get_nthkey, INFO_GET_NTHKEY);

ZF_API void mpi_info_get_(MPI_Fint *info, char *key, MPI_Fint *valuelen, char *value,
                          MPI_Fint *flag, MPI_Fint *ierror, size_t klen, size_t vlen) {
  char *k = ZfStringDupTrim(key, klen);
  int want = *valuelen < 0 ? 0 : *valuelen;
  char *v = calloc(1, (size_t)want + 1);
  if (k == NULL || v == NULL) {
    *ierror = MPI_ERR_NO_MEM;
  } else {
    *ierror = MPI_Info_get((MPI_Info)*info, k, *valuelen, v, flag);
    if (*ierror == MPI_SUCCESS && *flag) ZfStringOut(v, value, vlen);
  }
  free(k);
  free(v);
}
ZF_NAMES(info_get, INFO_GET);

/* MPI_INFO_GET_STRING: buflen is the Fortran string's usable length on input (0 asks for the
 * length only) and the value's length on output, both without C's terminating NUL. */
ZF_API void mpi_info_get_string_(MPI_Fint *info, char *key, MPI_Fint *buflen, char *value,
                                 MPI_Fint *flag, MPI_Fint *ierror, size_t klen, size_t vlen) {
  char *k = ZfStringDupTrim(key, klen);
  int cap = *buflen > 0 ? *buflen + 1 : 0;
  char *v = calloc(1, (size_t)cap + 1);
  if (k == NULL || v == NULL) {
    *ierror = MPI_ERR_NO_MEM;
  } else {
    int clen = cap;
    *ierror = MPI_Info_get_string((MPI_Info)*info, k, &clen, cap > 0 ? v : NULL, flag);
    if (*ierror == MPI_SUCCESS) {
      if (*flag && cap > 0) ZfStringOut(v, value, vlen);
      *buflen = clen > 0 ? clen - 1 : 0;
    }
  }
  free(k);
  free(v);
}
ZF_NAMES(info_get_string, INFO_GET_STRING);
