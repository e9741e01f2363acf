/* Shared memory that scales (issue 16): many ranks on one host start quickly and use shared
 * memory that grows with the pairs that talk, not with the square of the ranks.
 *
 *   shm_scale_test all|ring MAX_MIB MAX_INIT_S [HOLD_S]
 *
 * "all": every pair exchanges a message (both ways); "ring": each rank talks to its two
 * neighbours and then everyone joins a few collectives. Then rank 0 adds up the memory the
 * job's /dev/shm objects really use (allocated blocks of /dev/shm/$ZMPI_JOB_SHM_PREFIX*) and
 * checks it is below MAX_MIB and above zero (the objects were found), and that MPI_Init took
 * at most MAX_INIT_S seconds on every rank. With HOLD_S, rank 0 then prints "holding" and
 * every rank waits that long before MPI_Finalize (a job to kill in the middle: the
 * shm_leftovers test). Uses <mpi.h> and POSIX only. */
#include <dirent.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const kTestName = "shm_scale";
#include "job_check.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Bytes allocated to /dev/shm objects whose names start with `prefix`; *count gets how many. */
static long long shm_bytes(const char *prefix, int *count) {
  long long total = 0;
  *count = 0;
  DIR *dir = opendir("/dev/shm");
  if (dir == NULL) fail("cannot open /dev/shm");
  struct dirent *e;
  while ((e = readdir(dir)) != NULL) {
    if (strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "/dev/shm/%s", e->d_name);
    if (stat(path, &st) != 0) continue;
    total += (long long)st.st_blocks * 512;
    ++*count;
  }
  closedir(dir);
  return total;
}

static void exchange_all(void) {
  int *out = xmalloc(sizeof(int) * (size_t)g_p), *in = xmalloc(sizeof(int) * (size_t)g_p);
  MPI_Request *reqs = xmalloc(sizeof(MPI_Request) * 2 * (size_t)g_p);
  int n = 0;
  for (int r = 0; r < g_p; ++r) {
    if (r == g_me) continue;
    in[r] = -1;
    CALL(MPI_Irecv(&in[r], 1, MPI_INT, r, 5, MPI_COMM_WORLD, &reqs[n++]));
  }
  for (int r = 0; r < g_p; ++r) {
    if (r == g_me) continue;
    out[r] = g_me * 100000 + r;
    CALL(MPI_Isend(&out[r], 1, MPI_INT, r, 5, MPI_COMM_WORLD, &reqs[n++]));
  }
  CALL(MPI_Waitall(n, reqs, MPI_STATUSES_IGNORE));
  for (int r = 0; r < g_p; ++r) {
    if (r != g_me && in[r] != r * 100000 + g_me) fail("from rank %d got %d", r, in[r]);
  }
  g_checks += g_p - 1;
  free(out);
  free(in);
  free(reqs);
}

static void exchange_ring(void) {
  int right = (g_me + 1) % g_p, left = (g_me + g_p - 1) % g_p;
  /* Many messages to the same neighbours: those pairs are busy and their rings grow. */
  for (int i = 0; i < 200; ++i) {
    int out = g_me * 1000 + i, in = -1;
    CALL(MPI_Sendrecv(&out, 1, MPI_INT, right, 6, &in, 1, MPI_INT, left, 6, MPI_COMM_WORLD,
                      MPI_STATUS_IGNORE));
    if (in != left * 1000 + i) fail("round %d: got %d from %d", i, in, left);
  }
  long long sum = 0, mine = g_me;
  CALL(MPI_Allreduce(&mine, &sum, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD));
  if (sum != (long long)g_p * (g_p - 1) / 2) fail("allreduce: %lld", sum);
  int root_value = g_me == g_p - 1 ? 4242 : 0;
  CALL(MPI_Bcast(&root_value, 1, MPI_INT, g_p - 1, MPI_COMM_WORLD));
  if (root_value != 4242) fail("bcast: %d", root_value);
  g_checks += 202;
}

int main(int argc, char **argv) {
  double t0 = now();
  MPI_Init(&argc, &argv);
  double init_s = now() - t0;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  g_comm = MPI_COMM_WORLD;
  g_label = "MPI_COMM_WORLD";
  MPI_Comm_rank(g_comm, &g_me);
  MPI_Comm_size(g_comm, &g_p);
  if (argc < 4) fail("usage: shm_scale_test all|ring MAX_MIB MAX_INIT_S");
  const int all = strcmp(argv[1], "all") == 0;
  const long long max_bytes = atoll(argv[2]) << 20;
  const double max_init_s = atof(argv[3]);

  if (all)
    exchange_all();
  else
    exchange_ring();
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  if (g_me == 0) {
    const char *prefix = getenv("ZMPI_JOB_SHM_PREFIX");
    int count = 0;
    long long used = shm_bytes(prefix != NULL && *prefix ? prefix : "zmpi-", &count);
    printf("%s: %d ranks (%s): %d objects in /dev/shm use %.1f MiB\n", kTestName, g_p, argv[1],
           count, (double)used / (1 << 20));
    if (count < 1 || used <= 0) fail("no /dev/shm objects of this job found");
    if (used > max_bytes) fail("/dev/shm use %lld bytes > %lld", used, max_bytes);
    g_checks += 2;
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  double slowest = 0;
  CALL(MPI_Reduce(&init_s, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD));
  if (g_me == 0) {
    printf("%s: slowest MPI_Init %.2f s\n", kTestName, slowest);
    if (slowest > max_init_s) fail("MPI_Init took %.2f s > %.2f s", slowest, max_init_s);
    ++g_checks;
  }
  if (argc > 4) {
    if (g_me == 0) {
      printf("%s: holding\n", kTestName);
      fflush(stdout);
    }
    sleep((unsigned)atoi(argv[4]));
  }
  return finish_ok();
}
