/* Checks shared by the object-model job tests (info, attributes, error handlers, windows):
 * a condition check and "this call fails with that error class" under MPI_ERRORS_RETURN.
 * Define kTestName before including. Uses only <mpi.h>. */
#ifndef ZMPI_TESTS_JOBS_OBJECT_CHECK_H_
#define ZMPI_TESTS_JOBS_OBJECT_CHECK_H_

#include "job_check.h"

#define CHECK(cond, ...)            \
  do {                              \
    if (!(cond)) fail(__VA_ARGS__); \
    ++g_checks;                     \
  } while (0)

/* `expr` must return an error code whose class is `cls`. */
#define EXPECT_CLASS(expr, cls)                                                      \
  do {                                                                               \
    int rc_ = (expr), class_ = -1;                                                   \
    if (rc_ == MPI_SUCCESS) fail("%s succeeded; expected class %s", #expr, #cls);    \
    MPI_Error_class(rc_, &class_);                                                   \
    if (class_ != (cls))                                                             \
      fail("%s: error class %d, expected %s (%d)", #expr, class_, #cls, (int)(cls)); \
    ++g_checks;                                                                      \
  } while (0)

static inline void object_test_start(int *argc, char ***argv) {
  CALL(MPI_Init(argc, argv));
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  g_comm = MPI_COMM_WORLD;
  g_label = "world";
  MPI_Comm_rank(MPI_COMM_WORLD, &g_me);
  MPI_Comm_size(MPI_COMM_WORLD, &g_p);
}

#endif /* ZMPI_TESTS_JOBS_OBJECT_CHECK_H_ */
