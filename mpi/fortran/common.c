/* The COMMON blocks of mpif.h under MPICH's names and sizes (fortran.h says why), and the
 * CHARACTER helpers. */
#include <stdlib.h>
#include <string.h>

#include "fortran.h"

ZF_API struct ZfPriv1 mpipriv1_;
ZF_API struct ZfPriv2 mpipriv2_;
ZF_API struct ZfPrivC mpiprivc_;
ZF_API MPI_Fint mpifcmb5_;
ZF_API MPI_Fint mpifcmb9_;

char *ZfStringDup(const char *s, size_t len) {
  while (len > 0 && s[len - 1] == ' ') len--;
  char *out = malloc(len + 1);
  if (out == NULL) return NULL;
  memcpy(out, s, len);
  out[len] = '\0';
  return out;
}

char *ZfStringDupTrim(const char *s, size_t len) {
  while (len > 0 && s[0] == ' ') {
    s++;
    len--;
  }
  return ZfStringDup(s, len);
}

void ZfStringOut(const char *c, char *s, size_t len) {
  size_t n = strlen(c);
  if (n > len) n = len;
  memcpy(s, c, n);
  memset(s + n, ' ', len - n);
}
