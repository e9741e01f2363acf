/* Checks for the MPI_THREAD_MULTIPLE job tests, usable from any thread. The including file
 * defines kTestName (its name, as it prints it) and the globals g_rank (int) and g_checks (long,
 * counted atomically) before including this header. A failed check prints one line naming the
 * rank, the thread `id` and the line, then aborts the job. */
#ifndef ZMPI_TESTS_JOBS_THREAD_CHECK_H_
#define ZMPI_TESTS_JOBS_THREAD_CHECK_H_

#include <mpi.h>
#include <stdio.h>
#include <time.h>

#define CHECK(id, cond, ...)                                                                     \
  do {                                                                                           \
    __atomic_fetch_add(&g_checks, 1, __ATOMIC_RELAXED);                                          \
    if (!(cond)) {                                                                               \
      fprintf(stderr, "%s: rank %d thread %d: FAILED at line %d: %s: ", kTestName, g_rank, (id), \
              __LINE__, #cond);                                                                  \
      fprintf(stderr, __VA_ARGS__);                                                              \
      fprintf(stderr, "\n");                                                                     \
      fflush(stderr);                                                                            \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                              \
    }                                                                                            \
  } while (0)
#define CALL(id, expr)                                           \
  do {                                                           \
    int rc_ = (expr);                                            \
    CHECK(id, rc_ == MPI_SUCCESS, "%s returned %d", #expr, rc_); \
  } while (0)

/* Seconds on the monotonic clock. */
static inline double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#endif /* ZMPI_TESTS_JOBS_THREAD_CHECK_H_ */
