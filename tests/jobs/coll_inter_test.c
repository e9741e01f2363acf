/* Collectives on an intercommunicator between the even and the odd world ranks (groups of
 * different sizes at odd job sizes): Barrier, Bcast, Gather(v), Scatter(v), Allgather(v),
 * Alltoall(v,w), Reduce, Allreduce, Reduce_scatter(_block), some _c forms; every root of both
 * groups with MPI_ROOT / MPI_PROC_NULL / remote-rank roots, zero counts, a derived type with
 * gaps, a non-commutative user op (2x2 matrix product mod 10007: rank order of the remote
 * group), and the error classes of bad roots, in-place and Scan/Exscan under
 * MPI_ERRORS_RETURN. Expected values are computed locally. Uses only <mpi.h>. */
#include <string.h>

static const char kTestName[] = "coll_inter_test";
#include "job_check.h"

enum { kMod = 10007, kGap = -7 };
static MPI_Comm g_inter;
static int g_color, g_nl, g_nr; /* my group (0 even, 1 odd world ranks), local/remote sizes */
static MPI_Datatype g_vec, g_mat;
static MPI_Op g_matop;

static int val(int color, int rank, int k) { return color * 1000000 + rank * 10000 + k + 1; }
static int slot(int derived, int k) { return derived ? (k / 2) * 3 + (k % 2) * 2 : k; }

static void mat_mul(const int *x, const int *y, int *out) {
  int r[4];
  r[0] = (x[0] * y[0] + x[1] * y[2]) % kMod;
  r[1] = (x[0] * y[1] + x[1] * y[3]) % kMod;
  r[2] = (x[2] * y[0] + x[3] * y[2]) % kMod;
  r[3] = (x[2] * y[1] + x[3] * y[3]) % kMod;
  memcpy(out, r, sizeof r);
}
static void mat_op(void *in, void *inout, int *len, MPI_Datatype *type) {
  (void)type;
  int *a = in, *b = inout;
  for (int i = 0; i < *len; ++i) mat_mul(a + 4 * i, b + 4 * i, b + 4 * i);
}
static void mat_of(int color, int r, int i, int *m) {
  m[0] = (r * 7 + i * 3 + 1 + color) % kMod;
  m[1] = (r + 2 * i + 2) % kMod;
  m[2] = (3 * r + i + 3 + 5 * color) % kMod;
  m[3] = (r * i + 5) % kMod;
}
static void mat_all(int color, int n, int i, int *m) { /* ranks 0..n-1 of group color */
  mat_of(color, 0, i, m);
  for (int r = 1; r < n; ++r) {
    int x[4];
    mat_of(color, r, i, x);
    mat_mul(m, x, m);
  }
}

/* The root argument for a call whose root is rank `root` of group `root_color`. */
static int root_arg(int root_color, int root) {
  if (g_color != root_color) return root;
  return g_me == root ? MPI_ROOT : MPI_PROC_NULL;
}

static int *ints(int n, int fill) {
  int *b = xmalloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  for (int i = 0; i < n; ++i) b[i] = fill;
  return b;
}

static void test_bcast(int rc, int root, int n, int derived) {
  int arg = root_arg(rc, root);
  int *buf = ints(3 * n + 1, kGap);
  if (arg == MPI_ROOT) {
    for (int k = 0; k < n * (derived ? 2 : 1); ++k) buf[slot(derived, k)] = val(rc, root, k);
  }
  CALL(MPI_Bcast(buf, n, derived ? g_vec : MPI_INT, arg, g_inter));
  if (g_color != rc) {
    for (int k = 0; k < n * (derived ? 2 : 1); ++k) {
      if (buf[slot(derived, k)] != val(rc, root, k)) fail("Bcast int %d", k);
    }
    if (derived && n > 0 && buf[1] != kGap) fail("Bcast wrote a gap");
  } else if (arg == MPI_PROC_NULL && buf[0] != kGap) {
    fail("Bcast wrote an MPI_PROC_NULL rank's buffer");
  }
  ++g_checks;
  free(buf);
}

static void test_gather_scatter(int rc, int root, int n, int large) {
  int arg = root_arg(rc, root);
  /* Gather: the other group's ranks send n ints each. */
  int *send = ints(n, 0), *recv = ints(n * g_nr + 1, kGap);
  for (int k = 0; k < n; ++k) send[k] = val(g_color, g_me, k);
  if (large) {
    CALL(MPI_Gather_c(send, n, MPI_INT, recv, n, MPI_INT, arg, g_inter));
  } else {
    CALL(MPI_Gather(send, n, MPI_INT, recv, n, MPI_INT, arg, g_inter));
  }
  if (arg == MPI_ROOT) {
    for (int i = 0; i < g_nr; ++i) {
      for (int k = 0; k < n; ++k) {
        if (recv[i * n + k] != val(!g_color, i, k)) fail("Gather from remote %d int %d", i, k);
      }
    }
    if (recv[n * g_nr] != kGap) fail("Gather wrote past the end");
  } else if (arg == MPI_PROC_NULL && recv[0] != kGap) {
    fail("Gather wrote at MPI_PROC_NULL");
  }
  ++g_checks;
  /* Gatherv with uneven counts, blocks in reverse order. */
  int counts[64], displs[64], at = 0;
  for (int i = g_nr - 1; i >= 0; --i) counts[i] = (i + n) % 3, displs[i] = at, at += counts[i] + 1;
  int *vrecv = ints(at, kGap);
  int mine = (g_me + n) % 3;
  int *vsend = ints(mine, 0);
  for (int k = 0; k < mine; ++k) vsend[k] = val(g_color, g_me, k);
  CALL(MPI_Gatherv(vsend, mine, MPI_INT, vrecv, counts, displs, MPI_INT, arg, g_inter));
  if (arg == MPI_ROOT) {
    for (int i = 0; i < g_nr; ++i) {
      for (int k = 0; k < counts[i]; ++k) {
        if (vrecv[displs[i] + k] != val(!g_color, i, k)) fail("Gatherv remote %d int %d", i, k);
      }
      if (vrecv[displs[i] + counts[i]] != kGap) fail("Gatherv wrote a gap");
    }
  }
  ++g_checks;
  /* Scatter / Scatterv: the root sends remote rank i val(rc, i, k). */
  int *ssend = ints(n * g_nr, 0), *srecv = ints(n + 1, kGap);
  for (int i = 0; i < g_nr; ++i) {
    for (int k = 0; k < n; ++k) ssend[i * n + k] = val(rc, i, k);
  }
  CALL(MPI_Scatter(ssend, n, MPI_INT, srecv, n, MPI_INT, arg, g_inter));
  if (g_color != rc) {
    for (int k = 0; k < n; ++k) {
      if (srecv[k] != val(rc, g_me, k)) fail("Scatter int %d", k);
    }
    if (srecv[n] != kGap) fail("Scatter wrote past the block");
  }
  ++g_checks;
  int *vs = ints(at, kGap);
  for (int i = 0; i < g_nr; ++i) {
    for (int k = 0; k < counts[i]; ++k) vs[displs[i] + k] = val(rc, i, k);
  }
  int *vr = ints(mine + 1, kGap);
  if (large) {
    MPI_Count cc[64];
    MPI_Aint dd[64];
    for (int i = 0; i < g_nr; ++i) cc[i] = counts[i], dd[i] = displs[i];
    CALL(MPI_Scatterv_c(vs, cc, dd, MPI_INT, vr, mine, MPI_INT, arg, g_inter));
  } else {
    CALL(MPI_Scatterv(vs, counts, displs, MPI_INT, vr, mine, MPI_INT, arg, g_inter));
  }
  if (g_color != rc) {
    for (int k = 0; k < mine; ++k) {
      if (vr[k] != val(rc, g_me, k)) fail("Scatterv int %d", k);
    }
  }
  ++g_checks;
  free(send), free(recv), free(vrecv), free(vsend), free(ssend), free(srecv), free(vs), free(vr);
}

static void test_allgather_alltoall(int n, int large) {
  int *send = ints(n, 0), *recv = ints(n * g_nr + 1, kGap);
  for (int k = 0; k < n; ++k) send[k] = val(g_color, g_me, k);
  CALL(MPI_Allgather(send, n, MPI_INT, recv, n, MPI_INT, g_inter));
  for (int i = 0; i < g_nr; ++i) {
    for (int k = 0; k < n; ++k) {
      if (recv[i * n + k] != val(!g_color, i, k)) fail("Allgather remote %d int %d", i, k);
    }
  }
  ++g_checks;
  /* Allgatherv: remote rank i sends (i + n) % 3 elements of g_vec; we receive plain ints. */
  int counts[64], displs[64], at = 0;
  for (int i = g_nr - 1; i >= 0; --i)
    counts[i] = 2 * ((i + n) % 3), displs[i] = at, at += counts[i] + 1;
  int mine = (g_me + n) % 3;
  int *vsend = ints(3 * mine + 1, kGap), *vrecv = ints(at, kGap);
  for (int k = 0; k < 2 * mine; ++k) vsend[slot(1, k)] = val(g_color, g_me, k);
  if (large) {
    MPI_Count cc[64];
    MPI_Aint dd[64];
    for (int i = 0; i < g_nr; ++i) cc[i] = counts[i], dd[i] = displs[i];
    CALL(MPI_Allgatherv_c(vsend, mine, g_vec, vrecv, cc, dd, MPI_INT, g_inter));
  } else {
    CALL(MPI_Allgatherv(vsend, mine, g_vec, vrecv, counts, displs, MPI_INT, g_inter));
  }
  for (int i = 0; i < g_nr; ++i) {
    for (int k = 0; k < counts[i]; ++k) {
      if (vrecv[displs[i] + k] != val(!g_color, i, k)) fail("Allgatherv remote %d int %d", i, k);
    }
    if (vrecv[displs[i] + counts[i]] != kGap) fail("Allgatherv wrote a gap");
  }
  ++g_checks;
  /* Alltoall: block j goes to remote rank j: val(color, me, j * 100 + k). */
  int *asend = ints(n * g_nr, 0), *arecv = ints(n * g_nr, kGap);
  for (int j = 0; j < g_nr; ++j) {
    for (int k = 0; k < n; ++k) asend[j * n + k] = val(g_color, g_me, j * 100 + k);
  }
  CALL(MPI_Alltoall(asend, n, MPI_INT, arecv, n, MPI_INT, g_inter));
  for (int i = 0; i < g_nr; ++i) {
    for (int k = 0; k < n; ++k) {
      if (arecv[i * n + k] != val(!g_color, i, g_me * 100 + k)) fail("Alltoall from %d", i);
    }
  }
  ++g_checks;
  /* Alltoallv / Alltoallw: block (a -> b) has (a + b + n) % 3 ints. */
  int sc[64], sd[64], rc[64], rd[64], sat = 0, rat = 0;
  MPI_Datatype ty[64];
  for (int j = 0; j < g_nr; ++j) {
    sc[j] = (g_me + j + n) % 3, sd[j] = sat, sat += sc[j] + 2;
    rc[j] = (j + g_me + n) % 3, rd[j] = rat, rat += rc[j] + 1;
    ty[j] = MPI_INT;
  }
  int *vs = ints(sat, kGap), *vr = ints(rat, kGap);
  for (int j = 0; j < g_nr; ++j) {
    for (int k = 0; k < sc[j]; ++k) vs[sd[j] + k] = val(g_color, g_me, j * 100 + k);
  }
  CALL(MPI_Alltoallv(vs, sc, sd, MPI_INT, vr, rc, rd, MPI_INT, g_inter));
  for (int i = 0; i < g_nr; ++i) {
    for (int k = 0; k < rc[i]; ++k) {
      if (vr[rd[i] + k] != val(!g_color, i, g_me * 100 + k)) fail("Alltoallv from %d int %d", i, k);
    }
  }
  ++g_checks;
  for (int i = 0; i < rat; ++i) vr[i] = kGap;
  for (int j = 0; j < g_nr; ++j) sd[j] *= (int)sizeof(int), rd[j] *= (int)sizeof(int);
  CALL(MPI_Alltoallw(vs, sc, sd, ty, vr, rc, rd, ty, g_inter));
  for (int i = 0; i < g_nr; ++i) {
    for (int k = 0; k < rc[i]; ++k) {
      if (vr[rd[i] / (int)sizeof(int) + k] != val(!g_color, i, g_me * 100 + k))
        fail("Alltoallw from %d", i);
    }
  }
  ++g_checks;
  free(send), free(recv), free(vsend), free(vrecv), free(asend), free(arecv), free(vs), free(vr);
}

static void test_reductions(int n, int large) {
  int *si = ints(n, 0), *ri = ints(n + 1, kGap), *sm = ints(4 * n, 0), *rm = ints(4 * n + 1, kGap);
  for (int i = 0; i < n; ++i) si[i] = val(g_color, g_me, i), mat_of(g_color, g_me, i, sm + 4 * i);
  /* Reduce to every root of both groups. */
  for (int rc = 0; rc < 2; ++rc) {
    int nroot = rc == g_color ? g_nl : g_nr;
    for (int root = 0; root < nroot; ++root) {
      int arg = root_arg(rc, root);
      CALL(MPI_Reduce(si, ri, n, MPI_INT, MPI_SUM, arg, g_inter));
      CALL(MPI_Reduce(sm, rm, n, g_mat, g_matop, arg, g_inter));
      if (arg == MPI_ROOT) {
        for (int i = 0; i < n; ++i) {
          int s = 0, m[4];
          for (int r = 0; r < g_nr; ++r) s += val(!g_color, r, i);
          if (ri[i] != s) fail("Reduce MPI_SUM %d: %d, expected %d", i, ri[i], s);
          mat_all(!g_color, g_nr, i, m);
          if (memcmp(rm + 4 * i, m, sizeof m) != 0) fail("Reduce matrix %d out of order", i);
        }
      }
      ++g_checks;
    }
  }
  for (int i = 0; i < n; ++i) ri[i] = kGap;
  if (large) {
    CALL(MPI_Allreduce_c(si, ri, n, MPI_INT, MPI_SUM, g_inter));
  } else {
    CALL(MPI_Allreduce(si, ri, n, MPI_INT, MPI_SUM, g_inter));
  }
  CALL(MPI_Allreduce(sm, rm, n, g_mat, g_matop, g_inter));
  for (int i = 0; i < n; ++i) {
    int s = 0, m[4];
    for (int r = 0; r < g_nr; ++r) s += val(!g_color, r, i);
    if (ri[i] != s) fail("Allreduce MPI_SUM %d", i);
    mat_all(!g_color, g_nr, i, m);
    if (memcmp(rm + 4 * i, m, sizeof m) != 0) fail("Allreduce matrix %d out of order", i);
  }
  ++g_checks;
  free(si), free(ri), free(sm), free(rm);
  /* Reduce_scatter: both groups' vectors have the same length: local rank i of group c gets
   * counts_c[i] elements; counts_0 and counts_1 differ but sum alike (n * 6). */
  int counts[64], total = 6 * n;
  for (int i = 0; i < g_nl; ++i) counts[i] = 0;
  for (int k = 0; k < total; ++k) counts[(k * 7 + g_color) % g_nl]++;
  int start = 0;
  for (int i = 0; i < g_me; ++i) start += counts[i];
  int *vs = ints(total, 0), *vr = ints(total + 1, kGap), *ms = ints(4 * total, 0),
      *mr = ints(4 * total, 0);
  for (int k = 0; k < total; ++k)
    vs[k] = val(g_color, g_me, k), mat_of(g_color, g_me, k, ms + 4 * k);
  if (large) {
    MPI_Count cc[64];
    for (int i = 0; i < g_nl; ++i) cc[i] = counts[i];
    CALL(MPI_Reduce_scatter_c(vs, vr, cc, MPI_INT, MPI_SUM, g_inter));
  } else {
    CALL(MPI_Reduce_scatter(vs, vr, counts, MPI_INT, MPI_SUM, g_inter));
  }
  CALL(MPI_Reduce_scatter(ms, mr, counts, g_mat, g_matop, g_inter));
  for (int k = 0; k < counts[g_me]; ++k) {
    int s = 0, m[4];
    for (int r = 0; r < g_nr; ++r) s += val(!g_color, r, start + k);
    if (vr[k] != s) fail("Reduce_scatter element %d: %d, expected %d", k, vr[k], s);
    mat_all(!g_color, g_nr, start + k, m);
    if (memcmp(mr + 4 * k, m, sizeof m) != 0) fail("Reduce_scatter matrix %d out of order", k);
  }
  if (vr[counts[g_me]] != kGap) fail("Reduce_scatter wrote past the block");
  ++g_checks;
  /* Reduce_scatter_block: block n each; the vector has n * local size elements, which must be
   * equal in both groups, so only when the groups have the same size. */
  if (g_nl == g_nr) {
    for (int i = 0; i <= n; ++i) vr[i] = kGap;
    if (large) {
      CALL(MPI_Reduce_scatter_block_c(vs, vr, n, MPI_INT, MPI_SUM, g_inter));
    } else {
      CALL(MPI_Reduce_scatter_block(vs, vr, n, MPI_INT, MPI_SUM, g_inter));
    }
    for (int k = 0; k < n; ++k) {
      int s = 0;
      for (int r = 0; r < g_nr; ++r) s += val(!g_color, r, g_me * n + k);
      if (vr[k] != s) fail("Reduce_scatter_block element %d", k);
    }
    if (vr[n] != kGap) fail("Reduce_scatter_block wrote past the block");
    ++g_checks;
  }
  free(vs), free(vr), free(ms), free(mr);
}

static void expect_error(int rc, int cls, const char *what) {
  int got = MPI_SUCCESS;
  if (rc != MPI_SUCCESS) MPI_Error_class(rc, &got);
  if (got != cls) fail("%s: error class %d, expected %d", what, got, cls);
  ++g_checks;
}

static void test_errors(void) {
  int x[8] = {0}, y[8] = {0};
  CALL(MPI_Comm_set_errhandler(g_inter, MPI_ERRORS_RETURN));
  expect_error(MPI_Scan(x, y, 1, MPI_INT, MPI_SUM, g_inter), MPI_ERR_COMM, "Scan on an intercomm");
  expect_error(MPI_Exscan(x, y, 1, MPI_INT, MPI_SUM, g_inter), MPI_ERR_COMM,
               "Exscan on an intercomm");
  expect_error(MPI_Bcast(x, 1, MPI_INT, g_nr, g_inter), MPI_ERR_ROOT, "Bcast root = remote size");
  expect_error(MPI_Reduce(x, y, 1, MPI_INT, MPI_SUM, -2, g_inter), MPI_ERR_ROOT, "Reduce root -2");
  expect_error(MPI_Allreduce(MPI_IN_PLACE, y, 1, MPI_INT, MPI_SUM, g_inter), MPI_ERR_BUFFER,
               "Allreduce MPI_IN_PLACE on an intercomm");
  expect_error(MPI_Allgather(x, -1, MPI_INT, y, 1, MPI_INT, g_inter), MPI_ERR_COUNT,
               "Allgather count -1");
  expect_error(MPI_Allreduce(x, y, 1, MPI_DOUBLE, MPI_BAND, g_inter), MPI_ERR_OP,
               "Allreduce MPI_BAND on double");
  CALL(MPI_Comm_set_errhandler(g_inter, MPI_ERRORS_ARE_FATAL));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  int world_size;
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  if (world_size < 2 || world_size > 64) fail("needs 2 to 64 ranks");
  MPI_Type_vector(2, 1, 2, MPI_INT, &g_vec);
  MPI_Type_commit(&g_vec);
  MPI_Type_contiguous(4, MPI_INT, &g_mat);
  MPI_Type_commit(&g_mat);
  CALL(MPI_Op_create(mat_op, 0, &g_matop));
  g_color = g_world_rank % 2;
  MPI_Comm local;
  g_label = "setup";
  CALL(MPI_Comm_split(MPI_COMM_WORLD, g_color, g_world_rank, &local));
  CALL(MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, 1 - g_color, 77, &g_inter));
  g_comm = g_inter;
  g_label = g_color ? "intercomm (odd side)" : "intercomm (even side)";
  MPI_Comm_rank(g_inter, &g_me);
  MPI_Comm_size(g_inter, &g_nl);
  MPI_Comm_remote_size(g_inter, &g_nr);
  g_p = g_nl;

  for (int k = 0; k < 3; ++k) CALL(MPI_Barrier(g_inter));
  ++g_checks;
  static const int kCounts[] = {0, 1, 5, 2001};
  for (size_t c = 0; c < sizeof kCounts / sizeof *kCounts; ++c) {
    int n = kCounts[c];
    int large = c % 2;
    for (int rc = 0; rc < 2; ++rc) {
      int nroot = rc == g_color ? g_nl : g_nr;
      for (int root = 0; root < nroot; ++root) {
        test_bcast(rc, root, n, 0);
        test_bcast(rc, root, n, 1);
        test_gather_scatter(rc, root, n, large);
      }
    }
    test_allgather_alltoall(n, large);
    test_reductions(n, large);
  }
  test_errors();

  CALL(MPI_Comm_free(&g_inter));
  CALL(MPI_Comm_free(&local));
  CALL(MPI_Op_free(&g_matop));
  MPI_Type_free(&g_vec);
  MPI_Type_free(&g_mat);
  return finish_ok();
}
