/* MPI_COMM_GET_ATTR and MPI_WIN_GET_ATTR for Fortran. The value is INTEGER(KIND=
 * MPI_ADDRESS_KIND). The predefined keyvals have MPICH's Fortran values (the C value + 1, see
 * mpif.h); for them the value the C attribute points to is returned (an int, MPI_WIN_SIZE's
 * MPI_Aint, MPI_WIN_BASE's address itself). For other keyvals: a value set from Fortran comes
 * back as it was set (attr_box.h), one set from C as its pointer. */
#include "attr_box.h"
#include "fortran.h"

enum { kUser, kInt, kAint, kAddress };

static int CommKeyval(MPI_Fint k, int *c) {
  static const int kPredefined[] = {MPI_TAG_UB,          MPI_HOST,          MPI_IO,
                                    MPI_WTIME_IS_GLOBAL, MPI_UNIVERSE_SIZE, MPI_LASTUSEDCODE,
                                    MPI_APPNUM};
  for (size_t i = 0; i < sizeof kPredefined / sizeof kPredefined[0]; i++) {
    if (k == kPredefined[i] + 1) {
      *c = kPredefined[i];
      return kInt;
    }
  }
  *c = k;
  return kUser;
}

static int WinKeyval(MPI_Fint k, int *c) {
  static const int kInts[] = {MPI_WIN_DISP_UNIT, MPI_WIN_CREATE_FLAVOR, MPI_WIN_MODEL};
  for (size_t i = 0; i < sizeof kInts / sizeof kInts[0]; i++) {
    if (k == kInts[i] + 1) {
      *c = kInts[i];
      return kInt;
    }
  }
  *c = k - 1;
  if (k == MPI_WIN_SIZE + 1) return kAint;
  if (k == MPI_WIN_BASE + 1) return kAddress;
  *c = k;
  return kUser;
}

static void Value(int kind, void *p, MPI_Aint *out) {
  switch (kind) {
    case kInt:
      *out = *(int *)p;
      break;
    case kAint:
      *out = *(MPI_Aint *)p;
      break;
    default:
      *out = ZfAttrValue(p);
      break;
  }
}

ZF_API void mpi_comm_get_attr_(MPI_Fint *comm, MPI_Fint *keyval, MPI_Aint *value, MPI_Fint *flag,
                               MPI_Fint *ierror) {
  int c = 0;
  int kind = CommKeyval(*keyval, &c);
  void *p = NULL;
  *ierror = MPI_Comm_get_attr((MPI_Comm)*comm, c, &p, flag);
  if (*ierror == MPI_SUCCESS && *flag) Value(kind, p, value);
}
ZF_NAMES(comm_get_attr, COMM_GET_ATTR);

ZF_API void mpi_win_get_attr_(MPI_Fint *win, MPI_Fint *keyval, MPI_Aint *value, MPI_Fint *flag,
                              MPI_Fint *ierror) {
  int c = 0;
  int kind = WinKeyval(*keyval, &c);
  void *p = NULL;
  *ierror = MPI_Win_get_attr((MPI_Win)*win, c, &p, flag);
  if (*ierror == MPI_SUCCESS && *flag) Value(kind, p, value);
}
ZF_NAMES(win_get_attr, WIN_GET_ATTR);
