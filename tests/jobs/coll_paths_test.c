/* The size ranges where collectives switch algorithms on few ranks, checked exactly:
 * - Bcast from every root at sizes around the shm eager limit (16 KiB) and the chunked/linear
 *   switch points (16 KiB .. 1 MiB), as bytes and doubles, and many broadcasts in a row from
 *   changing roots without anything in between (pieces of several broadcasts in flight);
 * - Allreduce of small vectors (1 .. 600 elements) with int/double/long long and
 *   SUM/MAX/MINLOC (ties: the lower rank's index), in place and not; double sums must be
 *   bit-identical on every rank. (Rank order under non-commutative operations is checked
 *   over the in-memory fake, tests/mpi/coll/allreduce_test.cc.)
 * Runs on MPI_COMM_WORLD and on a Comm_split with reversed ranks. Uses only <mpi.h>.
 * Prints "coll_paths_test: OK (<n> checks)" on rank 0; on a mismatch prints it and fails. */
#include <string.h>

static const char kTestName[] = "coll_paths_test";
#include "job_check.h"

/* ---- Bcast ---- */

static const long kBcastBytes[] = {16383, 16384,  16385,  32768,  40000,  65536,  65541,
                                   131072, 131073, 262144, 262147, 524288, 1048576};
#define NBCAST ((int)(sizeof(kBcastBytes) / sizeof(kBcastBytes[0])))

static unsigned char byte_val(int root, long i, int salt) {
  return (unsigned char)(i * 7 + (i >> 8) * 13 + root * 31 + salt);
}

static void bcast_bytes(long n, int root, int salt) {
  unsigned char *b = xmalloc(n);
  for (long i = 0; i < n; ++i) b[i] = g_me == root ? byte_val(root, i, salt) : 0xee;
  CALL(MPI_Bcast(b, (int)n, MPI_BYTE, root, g_comm));
  for (long i = 0; i < n; ++i) {
    if (b[i] != byte_val(root, i, salt)) fail("Bcast %ld bytes root %d: byte %ld", n, root, i);
  }
  ++g_checks;
  free(b);
}

static void bcast_doubles(long n, int root) {
  double *d = xmalloc(n * sizeof(double));
  for (long i = 0; i < n; ++i) d[i] = g_me == root ? 0.25 * i + root : -1.0;
  CALL(MPI_Bcast(d, (int)n, MPI_DOUBLE, root, g_comm));
  for (long i = 0; i < n; ++i) {
    if (d[i] != 0.25 * i + root) fail("Bcast %ld doubles root %d: element %ld", n, root, i);
  }
  ++g_checks;
  free(d);
}

static void test_bcast(void) {
  for (int k = 0; k < NBCAST; ++k) {
    for (int root = 0; root < g_p; ++root) bcast_bytes(kBcastBytes[k], root, k);
    bcast_doubles(kBcastBytes[k] / 8 + 1, k % g_p);
  }
  /* Back to back, roots changing, buffers reused only after checking. */
  enum { kRounds = 12 };
  unsigned char *bufs[kRounds];
  long sizes[kRounds];
  for (int k = 0; k < kRounds; ++k) {
    sizes[k] = kBcastBytes[(k * 5) % NBCAST];
    int root = k % g_p;
    bufs[k] = xmalloc(sizes[k]);
    for (long i = 0; i < sizes[k]; ++i) bufs[k][i] = g_me == root ? byte_val(root, i, 100 + k) : 0;
    CALL(MPI_Bcast(bufs[k], (int)sizes[k], MPI_BYTE, root, g_comm));
  }
  for (int k = 0; k < kRounds; ++k) {
    for (long i = 0; i < sizes[k]; ++i) {
      if (bufs[k][i] != byte_val(k % g_p, i, 100 + k)) {
        fail("back-to-back Bcast %d (%ld bytes, root %d): byte %ld", k, sizes[k], k % g_p, i);
      }
    }
    free(bufs[k]);
  }
  ++g_checks;
}

/* ---- Allreduce ---- */

static const int kCounts[] = {1, 2, 3, 8, 17, 32, 64, 100, 255, 600};
#define NCOUNTS ((int)(sizeof(kCounts) / sizeof(kCounts[0])))

static void allreduce_int_sum(int n, int in_place) {
  int *send = xmalloc(n * sizeof(int)), *recv = xmalloc(n * sizeof(int));
  for (int i = 0; i < n; ++i) send[i] = (g_me + 1) * 100 + i;
  if (in_place) memcpy(recv, send, n * sizeof(int));
  CALL(MPI_Allreduce(in_place ? MPI_IN_PLACE : send, recv, n, MPI_INT, MPI_SUM, g_comm));
  for (int i = 0; i < n; ++i) {
    int want = 100 * g_p * (g_p + 1) / 2 + g_p * i;
    if (recv[i] != want) fail("Allreduce int SUM n %d in_place %d: [%d] %d != %d", n, in_place,
                              i, recv[i], want);
  }
  ++g_checks;
  free(send);
  free(recv);
}

static void allreduce_ll_max(int n, int in_place) {
  long long *send = xmalloc(n * sizeof(long long)), *recv = xmalloc(n * sizeof(long long));
  for (int i = 0; i < n; ++i) send[i] = ((long long)((g_me * 7 + i) % g_p) << 40) - i;
  if (in_place) memcpy(recv, send, n * sizeof(long long));
  CALL(MPI_Allreduce(in_place ? MPI_IN_PLACE : send, recv, n, MPI_LONG_LONG, MPI_MAX, g_comm));
  for (int i = 0; i < n; ++i) {
    long long want = ((long long)(g_p - 1) << 40) - i;
    if (recv[i] != want) fail("Allreduce long long MAX n %d: element %d", n, i);
  }
  ++g_checks;
  free(send);
  free(recv);
}

typedef struct {
  double value;
  int index;
} DoubleInt;

static void allreduce_minloc(int n, int in_place) {
  DoubleInt *send = xmalloc(n * sizeof(DoubleInt)), *recv = xmalloc(n * sizeof(DoubleInt));
  /* Rank (i % p) and the rank after it hold the minimum: the lower rank must win. */
  for (int i = 0; i < n; ++i) {
    int lo = i % g_p, hi = (lo + 1) % g_p;
    send[i].value = (g_me == lo || g_me == hi) ? -1.5 : 10.0 + g_me;
    send[i].index = g_me;
  }
  if (in_place) memcpy(recv, send, n * sizeof(DoubleInt));
  CALL(MPI_Allreduce(in_place ? MPI_IN_PLACE : send, recv, n, MPI_DOUBLE_INT, MPI_MINLOC, g_comm));
  for (int i = 0; i < n; ++i) {
    int lo = i % g_p, hi = (lo + 1) % g_p;
    int want = g_p == 1 ? 0 : (lo < hi ? lo : hi);
    if (recv[i].value != -1.5 || recv[i].index != want) {
      fail("Allreduce MINLOC n %d: element %d = (%g, %d), want (-1.5, %d)", n, i, recv[i].value,
           recv[i].index, want);
    }
  }
  ++g_checks;
  free(send);
  free(recv);
}

/* Double sums: the result must be the same bits on every rank (rank 0's is broadcast). */
static void allreduce_double_sum(int n, int in_place) {
  double *send = xmalloc(n * sizeof(double)), *recv = xmalloc(n * sizeof(double));
  double *first = xmalloc(n * sizeof(double));
  for (int i = 0; i < n; ++i) send[i] = 1.0 / (g_me + 3) + i * 1e-9 * (g_me + 1);
  if (in_place) memcpy(recv, send, n * sizeof(double));
  CALL(MPI_Allreduce(in_place ? MPI_IN_PLACE : send, recv, n, MPI_DOUBLE, MPI_SUM, g_comm));
  for (int i = 0; i < n; ++i) {
    double want = 0;
    for (int r = 0; r < g_p; ++r) want += 1.0 / (r + 3) + i * 1e-9 * (r + 1);
    double err = recv[i] - want;
    if (err > 1e-12 || err < -1e-12) fail("Allreduce double SUM n %d: element %d", n, i);
  }
  memcpy(first, recv, n * sizeof(double));
  CALL(MPI_Bcast(first, n, MPI_DOUBLE, 0, g_comm));
  if (memcmp(first, recv, n * sizeof(double)) != 0) {
    fail("Allreduce double SUM n %d: result differs from rank 0's", n);
  }
  ++g_checks;
  free(send);
  free(recv);
  free(first);
}

static void test_allreduce(void) {
  for (int k = 0; k < NCOUNTS; ++k) {
    for (int in_place = 0; in_place < 2; ++in_place) {
      allreduce_int_sum(kCounts[k], in_place);
      allreduce_ll_max(kCounts[k], in_place);
      allreduce_minloc(kCounts[k], in_place);
      allreduce_double_sum(kCounts[k], in_place);
    }
  }
}

static void suite(MPI_Comm comm, const char *label) {
  g_comm = comm;
  g_label = label;
  MPI_Comm_rank(comm, &g_me);
  MPI_Comm_size(comm, &g_p);
  test_bcast();
  test_allreduce();
  CALL(MPI_Barrier(comm));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  int world_size;
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);

  suite(MPI_COMM_WORLD, "MPI_COMM_WORLD");
  /* Two halves, ranks in reverse order: rank numbers differ from world ranks. */
  MPI_Comm split;
  g_label = "Comm_split";
  CALL(MPI_Comm_split(MPI_COMM_WORLD, g_world_rank % 2, world_size - g_world_rank, &split));
  suite(split, "Comm_split(rank % 2, reversed)");
  CALL(MPI_Comm_free(&split));

  return finish_ok();
}
