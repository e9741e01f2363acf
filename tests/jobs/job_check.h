/* Shared by the collective job tests: the communicator under test and how a check fails.
 * Define kTestName (the program's name, as printed) before including. Uses only <mpi.h>. */
#ifndef ZMPI_TESTS_JOBS_JOB_CHECK_H_
#define ZMPI_TESTS_JOBS_JOB_CHECK_H_

#include <mpi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int g_world_rank;
static int g_checks;
/* The communicator under test, its name for messages, our rank in it and its size. */
static MPI_Comm g_comm;
static const char *g_label;
static int g_me, g_p;

/* Prints the failed check with where it happened, then ends the whole job. */
static inline void fail(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: rank %d (%s, rank %d of %d): FAILED: ", kTestName, g_world_rank, g_label,
          g_me, g_p);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 1);
  exit(1);
}

#define CALL(expr)                                                    \
  do {                                                                \
    int rc_ = (expr);                                                 \
    if (rc_ != MPI_SUCCESS) fail("%s returned error %d", #expr, rc_); \
  } while (0)

static inline void *xmalloc(size_t bytes) {
  void *p = malloc(bytes > 0 ? bytes : 1);
  if (p == NULL) fail("out of memory (%zu bytes)", bytes);
  return p;
}

/* Rank 0 prints "<kTestName>: OK (<checks of all ranks> checks)"; then MPI_Finalize. */
static inline int finish_ok(void) {
  int total = 0;
  g_comm = MPI_COMM_WORLD;
  g_label = "final";
  CALL(MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD));
  if (g_world_rank == 0) {
    printf("%s: OK (%d checks)\n", kTestName, total);
    fflush(stdout);
  }
  MPI_Finalize();
  return 0;
}

#endif /* ZMPI_TESTS_JOBS_JOB_CHECK_H_ */
