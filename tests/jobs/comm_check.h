/* Checks for the group/communicator/session job tests: CHECK counts and aborts with the
 * line on failure; EXPECT_CLASS checks a call's error class under MPI_ERRORS_RETURN. */
#ifndef ZMPI_TESTS_JOBS_COMM_CHECK_H_
#define ZMPI_TESTS_JOBS_COMM_CHECK_H_

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int g_rank, g_size, g_checks;

#define CHECK(cond, ...)                                                              \
  do {                                                                                \
    ++g_checks;                                                                       \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "%s: rank %d: check failed at line %d: %s: ", kTestName, g_rank, \
              __LINE__, #cond);                                                       \
      fprintf(stderr, __VA_ARGS__);                                                   \
      fprintf(stderr, "\n");                                                          \
      fflush(stderr);                                                                 \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                   \
    }                                                                                 \
  } while (0)

#define CALL(expr)                                                   \
  do {                                                               \
    int rc_ = (expr);                                                \
    CHECK(rc_ == MPI_SUCCESS, "%s returned %d", #expr, rc_);         \
  } while (0)

/* The call fails with error class `cls`. */
#define EXPECT_CLASS(expr, cls)                                                      \
  do {                                                                               \
    int rc_ = (expr), class_ = -1;                                                   \
    if (rc_ != MPI_SUCCESS) MPI_Error_class(rc_, &class_);                           \
    CHECK(rc_ != MPI_SUCCESS && class_ == (cls), "%s gave %d (class %d), want %s", #expr, \
          rc_, class_, #cls);                                                        \
  } while (0)

#endif /* ZMPI_TESTS_JOBS_COMM_CHECK_H_ */
