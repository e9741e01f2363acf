/* Collective conformance test: Barrier, Bcast, Reduce, Allreduce, Gather, Scatter, Allgather,
 * Alltoall on MPI_COMM_WORLD, MPI_COMM_SELF, a Comm_split and a Comm_dup communicator, for
 * every root, counts 0/1/odd/large (~1 MiB), several types and ops, and the MPI_IN_PLACE
 * forms. Every expected value is computed locally and exactly. Uses only <mpi.h>, so it also
 * runs under Open MPI and MPICH. Prints "coll_test: OK (<n> checks)" on rank 0; on a mismatch
 * prints the failed check and exits non-zero.
 * Debian's MPICH 4.0.2 (ch4:ucx) crashes in its device-level MPI_Reduce with MPI_IN_PLACE at a
 * non-zero root (~1000 ints); run it there with MPIR_CVAR_DEVICE_COLLECTIVES=none. */
#include <string.h>

static const char kTestName[] = "coll_test";
#include "job_check.h"

/* ---- values: what rank r contributes at element i ---- */
static int int_val(int r, int i) { return (r + 1) * 1000 + (i % 1000) * 3 - 500; }
static double dbl_val(int r, int i) { return (r + 1) * 0.5 + (double)(i % 4096); }
static long long ll_val(int r, int i) { return ((long long)(r + 1) << 36) + i; }
static unsigned uns_val(int r, int i) {
  return 0xF0F0F0F0u ^ ((unsigned)r * 0x01010101u) ^ ((unsigned)i * 2654435761u);
}
static int land_val(int r, int i) { return ((r + i) % 3 != 0) ? (i % 5 + 1) : 0; }
typedef struct {
  double v;
  int i;
} DoubleInt;
static DoubleInt loc_val(int r, int i) {
  DoubleInt d;
  d.v = (double)((i * 7 + r * 3) % 5);
  d.i = r;
  return d;
}

/* ---- reduction cases: fill a rank's contribution, compute the expected result ---- */
typedef struct {
  const char *name;
  MPI_Datatype type;
  MPI_Op op;
  size_t size;
  void (*fill)(void *buf, int r, int n);
  void (*expect)(void *buf, int p, int n);
  /* Index of the first element where got != want, or -1. */
  int (*diff)(const void *got, const void *want, int n);
} RedCase;

static void fill_int(void *b, int r, int n) {
  for (int i = 0; i < n; ++i) ((int *)b)[i] = int_val(r, i);
}
static void fill_dbl(void *b, int r, int n) {
  for (int i = 0; i < n; ++i) ((double *)b)[i] = dbl_val(r, i);
}
static void fill_ll(void *b, int r, int n) {
  for (int i = 0; i < n; ++i) ((long long *)b)[i] = ll_val(r, i);
}
static void fill_uns(void *b, int r, int n) {
  for (int i = 0; i < n; ++i) ((unsigned *)b)[i] = uns_val(r, i);
}
static void fill_land(void *b, int r, int n) {
  for (int i = 0; i < n; ++i) ((int *)b)[i] = land_val(r, i);
}
static void fill_loc(void *b, int r, int n) {
  for (int i = 0; i < n; ++i) ((DoubleInt *)b)[i] = loc_val(r, i);
}

static void sum_int(void *b, int p, int n) {
  for (int i = 0; i < n; ++i) {
    int s = 0;
    for (int r = 0; r < p; ++r) s += int_val(r, i);
    ((int *)b)[i] = s;
  }
}
static void max_int(void *b, int p, int n) {
  for (int i = 0; i < n; ++i) {
    int m = int_val(0, i) * ((i % 2) ? -1 : 1);
    for (int r = 1; r < p; ++r) {
      int v = int_val(r, i) * ((i % 2) ? -1 : 1);
      if (v > m) m = v;
    }
    ((int *)b)[i] = m;
  }
}
static void min_int(void *b, int p, int n) {
  for (int i = 0; i < n; ++i) {
    int m = int_val(0, i) * ((i % 2) ? -1 : 1);
    for (int r = 1; r < p; ++r) {
      int v = int_val(r, i) * ((i % 2) ? -1 : 1);
      if (v < m) m = v;
    }
    ((int *)b)[i] = m;
  }
}
/* MAX/MIN see values of both signs so the winner moves between ranks. */
static void fill_int_signed(void *b, int r, int n) {
  for (int i = 0; i < n; ++i) ((int *)b)[i] = int_val(r, i) * ((i % 2) ? -1 : 1);
}
static void sum_dbl(void *b, int p, int n) {
  for (int i = 0; i < n; ++i) {
    double s = 0;
    for (int r = 0; r < p; ++r) s += dbl_val(r, i);
    ((double *)b)[i] = s;
  }
}
static void sum_ll(void *b, int p, int n) {
  for (int i = 0; i < n; ++i) {
    long long s = 0;
    for (int r = 0; r < p; ++r) s += ll_val(r, i);
    ((long long *)b)[i] = s;
  }
}
static void band_uns(void *b, int p, int n) {
  for (int i = 0; i < n; ++i) {
    unsigned s = ~0u;
    for (int r = 0; r < p; ++r) s &= uns_val(r, i);
    ((unsigned *)b)[i] = s;
  }
}
static void bor_uns(void *b, int p, int n) {
  for (int i = 0; i < n; ++i) {
    unsigned s = 0;
    for (int r = 0; r < p; ++r) s |= uns_val(r, i);
    ((unsigned *)b)[i] = s;
  }
}
/* One rank's data passes through unreduced, so it keeps its non-0/1 values. */
static void land_int(void *b, int p, int n) {
  for (int i = 0; i < n; ++i) {
    int s = 1;
    for (int r = 0; r < p; ++r) s = s && land_val(r, i);
    if (p == 1) s = land_val(0, i);
    ((int *)b)[i] = s;
  }
}
/* Larger value wins; on a tie the smaller index. */
static void maxloc_di(void *b, int p, int n) {
  for (int i = 0; i < n; ++i) {
    DoubleInt best = loc_val(0, i);
    for (int r = 1; r < p; ++r) {
      DoubleInt d = loc_val(r, i);
      if (d.v > best.v || (d.v == best.v && d.i < best.i)) best = d;
    }
    ((DoubleInt *)b)[i] = best;
  }
}
static void minloc_di(void *b, int p, int n) {
  for (int i = 0; i < n; ++i) {
    DoubleInt best = loc_val(0, i);
    for (int r = 1; r < p; ++r) {
      DoubleInt d = loc_val(r, i);
      if (d.v < best.v || (d.v == best.v && d.i < best.i)) best = d;
    }
    ((DoubleInt *)b)[i] = best;
  }
}

static int diff_int(const void *g, const void *w, int n) {
  for (int i = 0; i < n; ++i)
    if (((const int *)g)[i] != ((const int *)w)[i]) return i;
  return -1;
}
static int diff_dbl(const void *g, const void *w, int n) {
  for (int i = 0; i < n; ++i)
    if (((const double *)g)[i] != ((const double *)w)[i]) return i;
  return -1;
}
static int diff_ll(const void *g, const void *w, int n) {
  for (int i = 0; i < n; ++i)
    if (((const long long *)g)[i] != ((const long long *)w)[i]) return i;
  return -1;
}
static int diff_loc(const void *g, const void *w, int n) {
  const DoubleInt *a = (const DoubleInt *)g, *b = (const DoubleInt *)w;
  for (int i = 0; i < n; ++i)
    if (a[i].v != b[i].v || a[i].i != b[i].i) return i;
  return -1;
}

static const RedCase kCases[] = {
    {"SUM/MPI_INT", MPI_INT, MPI_SUM, sizeof(int), fill_int, sum_int, diff_int},
    {"SUM/MPI_DOUBLE", MPI_DOUBLE, MPI_SUM, sizeof(double), fill_dbl, sum_dbl, diff_dbl},
    {"SUM/MPI_LONG_LONG", MPI_LONG_LONG, MPI_SUM, sizeof(long long), fill_ll, sum_ll, diff_ll},
    {"MAX/MPI_INT", MPI_INT, MPI_MAX, sizeof(int), fill_int_signed, max_int, diff_int},
    {"MIN/MPI_INT", MPI_INT, MPI_MIN, sizeof(int), fill_int_signed, min_int, diff_int},
    {"MAXLOC/MPI_DOUBLE_INT", MPI_DOUBLE_INT, MPI_MAXLOC, sizeof(DoubleInt), fill_loc, maxloc_di,
     diff_loc},
    {"MINLOC/MPI_DOUBLE_INT", MPI_DOUBLE_INT, MPI_MINLOC, sizeof(DoubleInt), fill_loc, minloc_di,
     diff_loc},
    {"BAND/MPI_UNSIGNED", MPI_UNSIGNED, MPI_BAND, sizeof(unsigned), fill_uns, band_uns, diff_int},
    {"BOR/MPI_UNSIGNED", MPI_UNSIGNED, MPI_BOR, sizeof(unsigned), fill_uns, bor_uns, diff_int},
    {"LAND/MPI_INT", MPI_INT, MPI_LAND, sizeof(int), fill_land, land_int, diff_int},
};
#define NCASES ((int)(sizeof(kCases) / sizeof(kCases[0])))

/* Element counts: 0, 1, odd, and about 1 MiB of data (only for a few roots, to bound time). */
static const int kCounts[] = {0, 1, 17, 1001};
#define NCOUNTS 4
static int large_count(size_t elem) { return (int)((1 << 20) / elem) + 1; }
static int large_root(int root) { return root == 0 || root == g_p - 1; }

static void verify(const RedCase *c, const void *got, int n, const char *what, int root,
                   int in_place) {
  void *want = xmalloc(n * c->size);
  c->expect(want, g_p, n);
  int bad = c->diff(got, want, n);
  if (bad >= 0) {
    fail("%s %s count %d root %d%s: element %d wrong", what, c->name, n, root,
         in_place ? " in place" : "", bad);
  }
  ++g_checks;
  free(want);
}

static void check_ints(const int *got, int n, int (*val)(int r, int i), int r, int offset,
                       const char *what) {
  for (int i = 0; i < n; ++i) {
    if (got[i] != val(r, offset + i)) {
      fail("%s: element %d is %d, expected %d", what, i, got[i], val(r, offset + i));
    }
  }
}

/* ---- the collectives ---- */

static void test_barrier(void) {
  for (int k = 0; k < 5; ++k) CALL(MPI_Barrier(g_comm));
  ++g_checks;
}

static void test_bcast(void) {
  const int counts[] = {0, 1, 7, 1001, large_count(sizeof(double))};
  for (int root = 0; root < g_p; ++root) {
    for (int k = 0; k < 5; ++k) {
      int n = counts[k];
      if (k == 4 && !large_root(root)) continue;
      double *d = xmalloc(n * sizeof(double));
      int *v = xmalloc(n * sizeof(int));
      char *c = xmalloc(n + 1);
      for (int i = 0; i < n; ++i) {
        d[i] = g_me == root ? dbl_val(root, i) : -1.0;
        v[i] = g_me == root ? int_val(root, i) : -1;
      }
      for (int i = 0; i <= n; ++i) c[i] = g_me == root ? (char)(i * 13 + root) : 0;
      CALL(MPI_Bcast(d, n, MPI_DOUBLE, root, g_comm));
      CALL(MPI_Bcast(v, n, MPI_INT, root, g_comm));
      CALL(MPI_Bcast(c, n + 1, MPI_CHAR, root, g_comm)); /* odd byte counts */
      for (int i = 0; i < n; ++i) {
        if (d[i] != dbl_val(root, i))
          fail("Bcast MPI_DOUBLE root %d count %d: element %d", root, n, i);
      }
      check_ints(v, n, int_val, root, 0, "Bcast MPI_INT");
      for (int i = 0; i <= n; ++i) {
        if (c[i] != (char)(i * 13 + root))
          fail("Bcast MPI_CHAR root %d count %d: byte %d", root, n + 1, i);
      }
      g_checks += 3;
      free(d);
      free(v);
      free(c);
    }
  }
}

static void test_reduce(void) {
  for (int ci = 0; ci < NCASES; ++ci) {
    const RedCase *c = &kCases[ci];
    for (int root = 0; root < g_p; ++root) {
      for (int k = 0; k <= NCOUNTS; ++k) {
        int n = k < NCOUNTS ? kCounts[k] : large_count(c->size);
        if (k == NCOUNTS && !large_root(root)) continue;
        for (int in_place = 0; in_place < 2; ++in_place) {
          void *send = xmalloc(n * c->size);
          void *copy = xmalloc(n * c->size);
          void *recv = xmalloc(n * c->size);
          c->fill(send, g_me, n);
          memcpy(copy, send, n * c->size);
          memset(recv, 0xab, n * c->size);
          const void *sbuf = send;
          if (in_place && g_me == root) {
            memcpy(recv, send, n * c->size);
            sbuf = MPI_IN_PLACE;
          }
          CALL(MPI_Reduce(sbuf, recv, n, c->type, c->op, root, g_comm));
          if (g_me == root) verify(c, recv, n, "Reduce", root, in_place);
          if (memcmp(send, copy, n * c->size) != 0)
            fail("Reduce %s changed the send buffer", c->name);
          free(send);
          free(copy);
          free(recv);
        }
      }
    }
  }
}

static void test_allreduce(void) {
  for (int ci = 0; ci < NCASES; ++ci) {
    const RedCase *c = &kCases[ci];
    for (int k = 0; k <= NCOUNTS; ++k) {
      int n = k < NCOUNTS ? kCounts[k] : large_count(c->size);
      for (int in_place = 0; in_place < 2; ++in_place) {
        void *send = xmalloc(n * c->size);
        void *recv = xmalloc(n * c->size);
        c->fill(send, g_me, n);
        memset(recv, 0xab, n * c->size);
        const void *sbuf = send;
        if (in_place) {
          memcpy(recv, send, n * c->size);
          sbuf = MPI_IN_PLACE;
        }
        CALL(MPI_Allreduce(sbuf, recv, n, c->type, c->op, g_comm));
        verify(c, recv, n, "Allreduce", -1, in_place);
        free(send);
        free(recv);
      }
    }
  }
}

static const int kBlocks[] = {0, 1, 3, 1001};

static void test_gather(void) {
  for (int root = 0; root < g_p; ++root) {
    for (int k = 0; k <= NCOUNTS; ++k) {
      int n = k < NCOUNTS ? kBlocks[k] : large_count(sizeof(int)) / g_p;
      if (k == NCOUNTS && !large_root(root)) continue;
      for (int in_place = 0; in_place < 2; ++in_place) {
        int *send = xmalloc(n * sizeof(int));
        int *recv = xmalloc((size_t)n * g_p * sizeof(int));
        fill_int(send, g_me, n);
        memset(recv, 0xab, (size_t)n * g_p * sizeof(int));
        const void *sbuf = send;
        if (in_place && g_me == root) {
          memcpy(recv + (size_t)root * n, send, n * sizeof(int));
          sbuf = MPI_IN_PLACE;
        }
        CALL(MPI_Gather(sbuf, n, MPI_INT, recv, n, MPI_INT, root, g_comm));
        if (g_me == root) {
          for (int r = 0; r < g_p; ++r) {
            char what[96];
            snprintf(what, sizeof what, "Gather root %d count %d%s: block of rank %d", root, n,
                     in_place ? " in place" : "", r);
            check_ints(recv + (size_t)r * n, n, int_val, r, 0, what);
          }
          ++g_checks;
        }
        free(send);
        free(recv);
      }
    }
  }
}

static void test_scatter(void) {
  for (int root = 0; root < g_p; ++root) {
    for (int k = 0; k <= NCOUNTS; ++k) {
      int n = k < NCOUNTS ? kBlocks[k] : large_count(sizeof(int)) / g_p;
      if (k == NCOUNTS && !large_root(root)) continue;
      for (int in_place = 0; in_place < 2; ++in_place) {
        /* Block r of the root's buffer holds int_val(r, .). */
        int *send = xmalloc((size_t)n * g_p * sizeof(int));
        int *recv = xmalloc(n * sizeof(int));
        for (int r = 0; r < g_p; ++r) fill_int(send + (size_t)r * n, r, n);
        memset(recv, 0xab, n * sizeof(int));
        void *rbuf = (in_place && g_me == root) ? MPI_IN_PLACE : (void *)recv;
        CALL(MPI_Scatter(send, n, MPI_INT, rbuf, n, MPI_INT, root, g_comm));
        char what[96];
        snprintf(what, sizeof what, "Scatter root %d count %d%s", root, n,
                 in_place ? " in place" : "");
        if (rbuf == MPI_IN_PLACE) {
          check_ints(send + (size_t)root * n, n, int_val, root, 0, what);
        } else {
          check_ints(recv, n, int_val, g_me, 0, what);
        }
        ++g_checks;
        free(send);
        free(recv);
      }
    }
  }
}

static void test_allgather(void) {
  for (int k = 0; k <= NCOUNTS; ++k) {
    int n = k < NCOUNTS ? kBlocks[k] : large_count(sizeof(int)) / g_p;
    for (int in_place = 0; in_place < 2; ++in_place) {
      int *send = xmalloc(n * sizeof(int));
      int *recv = xmalloc((size_t)n * g_p * sizeof(int));
      fill_int(send, g_me, n);
      memset(recv, 0xab, (size_t)n * g_p * sizeof(int));
      const void *sbuf = send;
      if (in_place) {
        memcpy(recv + (size_t)g_me * n, send, n * sizeof(int));
        sbuf = MPI_IN_PLACE;
      }
      CALL(MPI_Allgather(sbuf, n, MPI_INT, recv, n, MPI_INT, g_comm));
      for (int r = 0; r < g_p; ++r) {
        char what[96];
        snprintf(what, sizeof what, "Allgather count %d%s: block of rank %d", n,
                 in_place ? " in place" : "", r);
        check_ints(recv + (size_t)r * n, n, int_val, r, 0, what);
      }
      ++g_checks;
      free(send);
      free(recv);
    }
  }
}

/* Block j that rank i sends to rank j holds pair_val(i * p + j, .). */
static int pair_val(int id, int i) { return int_val(id, i) ^ (id << 20); }

static void test_alltoall(void) {
  for (int k = 0; k <= NCOUNTS; ++k) {
    int n = k < NCOUNTS ? kBlocks[k] : large_count(sizeof(int)) / (g_p * g_p) + 1;
    for (int in_place = 0; in_place < 2; ++in_place) {
      size_t total = (size_t)n * g_p;
      int *send = xmalloc(total * sizeof(int));
      int *recv = xmalloc(total * sizeof(int));
      for (int j = 0; j < g_p; ++j) {
        for (int i = 0; i < n; ++i) send[(size_t)j * n + i] = pair_val(g_me * g_p + j, i);
      }
      memset(recv, 0xab, total * sizeof(int));
      const void *sbuf = send;
      if (in_place) {
        memcpy(recv, send, total * sizeof(int));
        sbuf = MPI_IN_PLACE;
      }
      CALL(MPI_Alltoall(sbuf, n, MPI_INT, recv, n, MPI_INT, g_comm));
      for (int r = 0; r < g_p; ++r) {
        char what[96];
        snprintf(what, sizeof what, "Alltoall count %d%s: block from rank %d", n,
                 in_place ? " in place" : "", r);
        check_ints(recv + (size_t)r * n, n, pair_val, r * g_p + g_me, 0, what);
      }
      ++g_checks;
      free(send);
      free(recv);
    }
  }
}

/* Many collectives back to back with changing roots and no barrier in between: ranks run
 * ahead into the next call, whose messages must not match the previous one's. */
static void test_back_to_back(void) {
  for (int k = 0; k < 60; ++k) {
    int root = k % g_p;
    int v[3] = {-1, -1, -1};
    if (g_me == root) {
      v[0] = k;
      v[1] = k * 2;
      v[2] = root;
    }
    CALL(MPI_Bcast(v, 3, MPI_INT, root, g_comm));
    if (v[0] != k || v[1] != 2 * k || v[2] != root) fail("back-to-back Bcast %d", k);
    int mine = g_me + k, sum = -1;
    CALL(MPI_Reduce(&mine, &sum, 1, MPI_INT, MPI_SUM, (root + 1) % g_p, g_comm));
    if (g_me == (root + 1) % g_p && sum != g_p * (g_p - 1) / 2 + g_p * k) {
      fail("back-to-back Reduce %d: %d", k, sum);
    }
    int all = -1;
    CALL(MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MAX, g_comm));
    if (all != g_p - 1 + k) fail("back-to-back Allreduce %d: %d", k, all);
  }
  ++g_checks;
}

static void suite(MPI_Comm comm, const char *label) {
  g_comm = comm;
  g_label = label;
  MPI_Comm_rank(comm, &g_me);
  MPI_Comm_size(comm, &g_p);
  CALL(MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN));
  test_barrier();
  test_bcast();
  test_reduce();
  test_allreduce();
  test_gather();
  test_scatter();
  test_allgather();
  test_alltoall();
  test_back_to_back();
  test_barrier();
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  int world_size;
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);

  suite(MPI_COMM_WORLD, "MPI_COMM_WORLD");
  suite(MPI_COMM_SELF, "MPI_COMM_SELF");

  /* Two halves, ranks in reverse order: rank numbers differ from world ranks. */
  MPI_Comm split;
  g_label = "Comm_split";
  CALL(MPI_Comm_split(MPI_COMM_WORLD, g_world_rank % 2, world_size - g_world_rank, &split));
  suite(split, "Comm_split(rank % 2, reversed)");

  MPI_Comm dup;
  g_label = "Comm_dup";
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  suite(dup, "Comm_dup(MPI_COMM_WORLD)");

  /* Collectives on two communicators interleaved. */
  g_label = "interleaved";
  for (int k = 0; k < 10; ++k) {
    int a = g_world_rank, b = g_world_rank, sa = -1, sb = -1;
    CALL(MPI_Allreduce(&a, &sa, 1, MPI_INT, MPI_SUM, dup));
    CALL(MPI_Allreduce(&b, &sb, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD));
    if (sa != world_size * (world_size - 1) / 2 || sb != world_size - 1) {
      fail("interleaved Allreduce %d: %d %d", k, sa, sb);
    }
  }
  ++g_checks;

  CALL(MPI_Comm_free(&split));
  CALL(MPI_Comm_free(&dup));

  return finish_ok();
}
