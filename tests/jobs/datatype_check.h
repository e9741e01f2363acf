/* Shared by the derived-datatype job tests: checks with error classes, ring neighbours and a
 * padded struct type. Define kTestName before including. Uses only <mpi.h>. */
#ifndef ZMPI_TESTS_JOBS_DATATYPE_CHECK_H_
#define ZMPI_TESTS_JOBS_DATATYPE_CHECK_H_

#include <string.h>

#include "job_check.h"

#define CHECK(cond, ...)            \
  do {                              \
    if (!(cond)) fail(__VA_ARGS__); \
    ++g_checks;                     \
  } while (0)

static inline int err_class(int rc) {
  int c;
  MPI_Error_class(rc, &c);
  return c;
}
#define EXPECT_CLASS(call, cls)                                                               \
  do {                                                                                        \
    int rc_ = (call);                                                                         \
    if (err_class(rc_) != (cls)) fail("%s: class %d, want %d", #call, err_class(rc_), (cls)); \
    ++g_checks;                                                                               \
  } while (0)

static inline int next_rank(void) { return (g_me + 1) % g_p; }
static inline int prev_rank(void) { return (g_me + g_p - 1) % g_p; }

struct rec {
  int a;
  double b;
  char c[3];
};

static inline MPI_Datatype rec_type(void) {
  struct rec r = {0, 0, {0}};
  int bl[3] = {1, 1, 3};
  MPI_Aint base, d[3];
  MPI_Get_address(&r, &base);
  MPI_Get_address(&r.a, &d[0]);
  MPI_Get_address(&r.b, &d[1]);
  MPI_Get_address(&r.c, &d[2]);
  for (int i = 0; i < 3; ++i) d[i] = MPI_Aint_diff(d[i], base);
  MPI_Datatype types[3] = {MPI_INT, MPI_DOUBLE, MPI_CHAR}, t;
  CALL(MPI_Type_create_struct(3, bl, d, types, &t));
  return t;
}

#endif /* ZMPI_TESTS_JOBS_DATATYPE_CHECK_H_ */
