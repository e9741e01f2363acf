/* Ranks that outnumber the host's CPUs (5 ranks on CI's 2 cores): back-to-back small
 * collectives and a ring of sends with every rank's values checked, within a bound in time. A
 * waiting rank that keeps its CPU (yields that hand nothing over to a peer in another session,
 * naps that start too early) made each of these waits cost a time slice: ~1-4 ms per barrier on
 * 2 busy cores, ~3-15 s for this program; sleeping ranks woken by their peers take well under a
 * second. The bound (argv[1], default 20 s) is generous: CI machines are shared. Uses only
 * <mpi.h>. Prints "oversub_test: OK (<n> checks)". */
#include <time.h>

static const char kTestName[] = "oversub_test";
#include "job_check.h"

enum { kRounds = 1000 };

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  g_comm = MPI_COMM_WORLD;
  g_label = "world";
  MPI_Comm_rank(MPI_COMM_WORLD, &g_me);
  MPI_Comm_size(MPI_COMM_WORLD, &g_p);
  const double bound = argc > 1 ? atof(argv[1]) : 20.0;
  const int right = (g_me + 1) % g_p, left = (g_me + g_p - 1) % g_p;
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  const double start = MPI_Wtime();
  for (int i = 0; i < kRounds; ++i) {
    CALL(MPI_Barrier(MPI_COMM_WORLD));
    long b = g_me == i % g_p ? i : -1;
    CALL(MPI_Bcast(&b, 1, MPI_LONG, i % g_p, MPI_COMM_WORLD));
    if (b != i) fail("round %d: bcast from %d gave %ld", i, i % g_p, b);
    long mine = (long)g_me * 1000 + i, sum = 0;
    CALL(MPI_Allreduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD));
    long want = 1000L * g_p * (g_p - 1) / 2 + (long)i * g_p;
    if (sum != want) fail("round %d: allreduce gave %ld, want %ld", i, sum, want);
    long got = -1;
    CALL(MPI_Sendrecv(&mine, 1, MPI_LONG, right, i, &got, 1, MPI_LONG, left, i, MPI_COMM_WORLD,
                      MPI_STATUS_IGNORE));
    if (got != (long)left * 1000 + i) fail("round %d: ring gave %ld from %d", i, got, left);
    g_checks += 3;
  }
  double elapsed = MPI_Wtime() - start, slowest = 0;
  CALL(MPI_Allreduce(&elapsed, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD));
  if (g_world_rank == 0) {
    printf("%d ranks, %d rounds of barrier + bcast + allreduce + ring: %.3f s (%.1f us a round)\n",
           g_p, kRounds, slowest, slowest / kRounds * 1e6);
  }
  if (slowest > bound) fail("%d rounds took %.1f s, bound %.0f s", kRounds, slowest, bound);
  g_checks++;
  return finish_ok();
}
