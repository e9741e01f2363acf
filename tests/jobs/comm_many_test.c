/* Many live communicators (docs/communicators.md, "Context ids"): N dups of MPI_COMM_WORLD
 * kept alive at once (default 200000, beyond the first 4096-id window of the context pool many
 * times over), messages on a spread of them received in another order (each keeps its own
 * matching), every other one freed and the holes refilled, then an intercommunicator (two ids
 * per group) made and used with all of them alive. Rank 0 prints how long each tenth of the
 * dups took (for reading, not asserted: the ctest timeout bounds it), then
 * "comm_many_test: OK (<n> checks)". Usage: comm_many_test [N] */
#define kTestName "comm_many_test"
#include "comm_check.h"

static double tenths[10];

static void dup_range(MPI_Comm* comms, int from, int to, int stride, int timed) {
  int n = (to - from + stride - 1) / stride, done = 0;
  double t0 = MPI_Wtime();
  for (int i = from; i < to; i += stride, ++done) {
    CALL(MPI_Comm_dup(MPI_COMM_WORLD, &comms[i]));
    if (timed && n >= 10 && (done + 1) % (n / 10) == 0 && (done + 1) / (n / 10) <= 10) {
      double t = MPI_Wtime();
      tenths[(done + 1) / (n / 10) - 1] = t - t0;
      t0 = t;
    }
  }
}

/* Rank r sends i on comms[i] to r+1 for a spread of i; the receiver takes them newest
 * communicator first, all with the same tag: only the context keeps them apart. */
static void check_isolation(MPI_Comm* comms, int n) {
  if (g_size < 2) return;
  int picks[8] = {0, 1, 4095, 4096, n / 2, n - 4097, n - 2, n - 1};
  int to = (g_rank + 1) % g_size, from = (g_rank - 1 + g_size) % g_size;
  MPI_Request reqs[8];
  for (int k = 0; k < 8; ++k) {
    int i = picks[k];
    CALL(MPI_Isend(&picks[k], 1, MPI_INT, to, 7, comms[i], &reqs[k]));
  }
  for (int k = 7; k >= 0; --k) {
    int i = picks[k], got = -1;
    CALL(MPI_Recv(&got, 1, MPI_INT, from, 7, comms[i], MPI_STATUS_IGNORE));
    CHECK(got == picks[k], "comms[%d] got %d", i, got);
  }
  CALL(MPI_Waitall(8, reqs, MPI_STATUSES_IGNORE));
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  int n = argc > 1 ? atoi(argv[1]) : 200000;
  CHECK(n >= 8200, "N %d is too small to cross two windows", n);
  MPI_Comm* comms = malloc(sizeof(MPI_Comm) * (size_t)n);
  CHECK(comms != NULL, "malloc");
  double t0 = MPI_Wtime();
  dup_range(comms, 0, n, 1, 1);
  double dup_s = MPI_Wtime() - t0;
  int result;
  CALL(MPI_Comm_compare(comms[0], comms[n - 1], &result));
  CHECK(result == MPI_CONGRUENT, "compare gave %d", result);
  check_isolation(comms, n);

  /* Free every other one and refill the holes: ids come back and are found again. */
  for (int i = 0; i < n; i += 2) CALL(MPI_Comm_free(&comms[i]));
  CHECK(comms[0] == MPI_COMM_NULL, "free did not null the handle");
  dup_range(comms, 0, n, 2, 0);
  check_isolation(comms, n);

  /* An intercommunicator (a context for both groups and one for each local group) on top. */
  if (g_size >= 2) {
    MPI_Comm half, inter;
    int color = g_rank % 2;
    CALL(MPI_Comm_split(comms[n - 1], color, g_rank, &half));
    CALL(MPI_Intercomm_create(half, 0, comms[n / 2], 1 - color, 99, &inter));
    int remote = -1, mine = g_rank, got = -1;
    CALL(MPI_Comm_remote_size(inter, &remote));
    CHECK(remote == (color == 0 ? g_size / 2 : (g_size + 1) / 2), "remote size %d", remote);
    /* Local rank 0 of each group swaps its world rank with the other group's. */
    int local;
    CALL(MPI_Comm_rank(half, &local));
    if (local == 0) {
      CALL(MPI_Sendrecv(&mine, 1, MPI_INT, 0, 5, &got, 1, MPI_INT, 0, 5, inter,
                        MPI_STATUS_IGNORE));
      CHECK(got == 1 - color, "intercomm: got %d", got);
    }
    CALL(MPI_Comm_free(&inter));
    CALL(MPI_Comm_free(&half));
  }

  t0 = MPI_Wtime();
  for (int i = 0; i < n; ++i) CALL(MPI_Comm_free(&comms[i]));
  double free_s = MPI_Wtime() - t0;
  free(comms);
  /* The pool is empty again: the next dup works as at the start. */
  MPI_Comm again;
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &again));
  int one = 1, sum = 0;
  CALL(MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, again));
  CHECK(sum == g_size, "allreduce on a dup after freeing all: %d", sum);
  CALL(MPI_Comm_free(&again));
  int checks = 0;
  MPI_Reduce(&g_checks, &checks, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  if (g_rank == 0) {
    printf("comm_many_test: %d live communicators: dups %.2f s (tenths:", n, dup_s);
    for (int k = 0; k < 10; ++k) printf(" %.2f", tenths[k]);
    printf("), frees %.2f s\n", free_s);
    printf("comm_many_test: OK (%d checks)\n", checks);
  }
  MPI_Finalize();
  return 0;
}
