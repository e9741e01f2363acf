/* Shared by the point-to-point job tests: a check that counts and aborts the job with the
 * failed condition, and an error-class check for calls under MPI_ERRORS_RETURN. Define
 * kTestName before including. Uses only <mpi.h>. */
#ifndef ZMPI_TESTS_JOBS_P2P_CHECK_H_
#define ZMPI_TESTS_JOBS_P2P_CHECK_H_

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int g_rank, g_size, g_checks;

#define CHECK(cond, ...)                                                                         \
  do {                                                                                           \
    ++g_checks;                                                                                  \
    if (!(cond)) {                                                                               \
      fprintf(stderr, "%s: rank %d: check failed at line %d: %s: ", kTestName, g_rank, __LINE__, \
              #cond);                                                                            \
      fprintf(stderr, __VA_ARGS__);                                                              \
      fprintf(stderr, "\n");                                                                     \
      fflush(stderr);                                                                            \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                              \
    }                                                                                            \
  } while (0)

#define CALL(expr)                                           \
  do {                                                       \
    int rc_ = (expr);                                        \
    CHECK(rc_ == MPI_SUCCESS, "%s returned %d", #expr, rc_); \
  } while (0)

/* The call must fail with error class `cls` (MPI_ERRORS_RETURN must be set). */
#define EXPECT_CLASS(cls, expr)                                                              \
  do {                                                                                       \
    int rc_ = (expr), class_ = -1;                                                           \
    if (rc_ != MPI_SUCCESS) MPI_Error_class(rc_, &class_);                                   \
    CHECK(class_ == (cls), "%s gave class %d (code %d), want %s", #expr, class_, rc_, #cls); \
  } while (0)

static inline void *xmalloc(size_t bytes) {
  void *p = malloc(bytes > 0 ? bytes : 1);
  if (p == NULL) {
    fprintf(stderr, "%s: out of memory\n", kTestName);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  return p;
}

static inline void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Rank 0 prints "<kTestName>: OK (<checks of all ranks> checks)"; then MPI_Finalize. */
static inline int finish_ok(void) {
  int total = 0;
  MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  if (g_rank == 0) {
    printf("%s: OK (%d checks)\n", kTestName, total);
    fflush(stdout);
  }
  MPI_Finalize();
  return 0;
}

#endif /* ZMPI_TESTS_JOBS_P2P_CHECK_H_ */
