/* Non-blocking collectives beyond barrier/bcast/allreduce: Igather(v), Iscatter(v),
 * Iallgather(v), Ialltoall(v,w), Ireduce, Iscan, Iexscan, Ireduce_scatter(_block) and some
 * _c forms, on MPI_COMM_WORLD, a reversed split and MPI_COMM_SELF: every root, MPI_IN_PLACE,
 * zero counts, uneven counts, derived datatypes, user-defined ops (non-commutative 2x2 matrix
 * products on a plain and a gapped type, a commutative sum on a large vector). Uses only <mpi.h>.
 * Prints "coll_nbv_test: OK (<n> checks)". */
#include <string.h>

static const char kTestName[] = "coll_nbv_test";
#include "job_check.h"

static int val(int r, int i) { return (r + 1) * 1000 + i; }

static void wait1(MPI_Request *req) {
  CALL(MPI_Wait(req, MPI_STATUS_IGNORE));
  g_checks++;
}

static void check(const int *got, const int *want, int n, const char *what, int root) {
  for (int i = 0; i < n; ++i)
    if (got[i] != want[i])
      fail("%s (root %d): element %d is %d, want %d", what, root, i, got[i], want[i]);
  g_checks++;
}

/* Uneven counts: rank i has cnt(i) elements (0 for i == 1). */
static int cnt(int i) { return i == 1 ? 0 : (i % 3) + 2; }

static void test_gather_scatter(void) {
  MPI_Request req;
  const int p = g_p, me = g_me;
  int counts[64], displs[64], total = 0;
  for (int i = 0; i < p; ++i) {
    counts[i] = cnt(i);
    displs[i] = total + i; /* a gap of i elements before block i */
    total += counts[i] + i;
  }
  int *big = xmalloc((total + 1) * sizeof(int)), *want = xmalloc((total + 1) * sizeof(int));
  int mine[8], got[8], wantmine[8];
  for (int root = 0; root < p; ++root) {
    /* Igather, 3 ints each, then in place. */
    for (int k = 0; k < 3; ++k) mine[k] = val(me, k);
    int *g = xmalloc(3 * p * sizeof(int)), *gw = xmalloc(3 * p * sizeof(int));
    for (int i = 0; i < 3 * p; ++i) {
      g[i] = -1;
      gw[i] = val(i / 3, i % 3);
    }
    CALL(MPI_Igather(mine, 3, MPI_INT, g, 3, MPI_INT, root, g_comm, &req));
    wait1(&req);
    if (me == root) check(g, gw, 3 * p, "Igather", root);
    for (int i = 0; i < 3 * p; ++i) g[i] = (i / 3 == me) ? val(me, i % 3) : -1;
    CALL(MPI_Igather(me == root ? MPI_IN_PLACE : mine, 3, MPI_INT, g, 3, MPI_INT, root, g_comm,
                     &req));
    wait1(&req);
    if (me == root) check(g, gw, 3 * p, "Igather in place", root);
    /* Iscatter back, then in place. */
    for (int k = 0; k < 3; ++k) got[k] = -1;
    CALL(MPI_Iscatter(gw, 3, MPI_INT, got, 3, MPI_INT, root, g_comm, &req));
    wait1(&req);
    check(got, mine, 3, "Iscatter", root);
    CALL(MPI_Iscatter(gw, 3, MPI_INT, me == root ? MPI_IN_PLACE : got, 3, MPI_INT, root, g_comm,
                      &req));
    wait1(&req);
    if (me != root) check(got, mine, 3, "Iscatter in place", root);
    free(g);
    free(gw);
    /* Igatherv / Iscatterv with uneven counts, gaps and a zero count. */
    for (int i = 0; i < total; ++i) big[i] = want[i] = -1;
    for (int i = 0; i < p; ++i)
      for (int k = 0; k < counts[i]; ++k) want[displs[i] + k] = val(i, k);
    for (int k = 0; k < cnt(me); ++k) wantmine[k] = val(me, k);
    CALL(
        MPI_Igatherv(wantmine, cnt(me), MPI_INT, big, counts, displs, MPI_INT, root, g_comm, &req));
    wait1(&req);
    if (me == root) check(big, want, total, "Igatherv", root);
    for (int k = 0; k < 8; ++k) got[k] = -1;
    CALL(MPI_Iscatterv(want, counts, displs, MPI_INT, got, cnt(me), MPI_INT, root, g_comm, &req));
    wait1(&req);
    check(got, wantmine, cnt(me), "Iscatterv", root);
  }
  free(big);
  free(want);
}

static void test_allgather_alltoall(void) {
  MPI_Request req;
  const int p = g_p, me = g_me;
  int *a = xmalloc(4 * p * sizeof(int)), *w = xmalloc(4 * p * sizeof(int));
  int mine[4];
  for (int k = 0; k < 4; ++k) mine[k] = val(me, k);
  for (int i = 0; i < 4 * p; ++i) {
    a[i] = -1;
    w[i] = val(i / 4, i % 4);
  }
  CALL(MPI_Iallgather(mine, 4, MPI_INT, a, 4, MPI_INT, g_comm, &req));
  wait1(&req);
  check(a, w, 4 * p, "Iallgather", -1);
  for (int i = 0; i < 4 * p; ++i) a[i] = (i / 4 == me) ? w[i] : -1;
  CALL(MPI_Iallgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, a, 4, MPI_INT, g_comm, &req));
  wait1(&req);
  check(a, w, 4 * p, "Iallgather in place", -1);
  /* Iallgatherv: uneven, with gaps. */
  int counts[64], displs[64], total = 0;
  for (int i = 0; i < p; ++i) {
    counts[i] = cnt(i);
    displs[i] = total + 1;
    total += counts[i] + 1;
  }
  int *v = xmalloc((total + 1) * sizeof(int)), *vw = xmalloc((total + 1) * sizeof(int));
  for (int i = 0; i < total; ++i) v[i] = vw[i] = -1;
  for (int i = 0; i < p; ++i)
    for (int k = 0; k < counts[i]; ++k) vw[displs[i] + k] = val(i, k);
  CALL(MPI_Iallgatherv(mine, cnt(me), MPI_INT, v, counts, displs, MPI_INT, g_comm, &req));
  wait1(&req);
  check(v, vw, total, "Iallgatherv", -1);
  /* Ialltoall: element (me -> i) = me * 100 + i, 2 per pair; then in place. */
  int *s = xmalloc(2 * p * sizeof(int)), *r = xmalloc(2 * p * sizeof(int));
  int *rw = xmalloc(2 * p * sizeof(int));
  for (int i = 0; i < p; ++i)
    for (int k = 0; k < 2; ++k) {
      s[2 * i + k] = me * 100 + i + k * 10000;
      rw[2 * i + k] = i * 100 + me + k * 10000;
      r[2 * i + k] = -1;
    }
  CALL(MPI_Ialltoall(s, 2, MPI_INT, r, 2, MPI_INT, g_comm, &req));
  wait1(&req);
  check(r, rw, 2 * p, "Ialltoall", -1);
  memcpy(r, s, 2 * p * sizeof(int));
  CALL(MPI_Ialltoall(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, r, 2, MPI_INT, g_comm, &req));
  wait1(&req);
  check(r, rw, 2 * p, "Ialltoall in place", -1);
  /* Ialltoallv: me sends cnt(i) elements to i; the block order reversed in the receive. */
  int sc[64], sd[64], rc[64], rd[64], st = 0, rt = 0;
  for (int i = 0; i < p; ++i) {
    sc[i] = cnt(me);
    sd[i] = st;
    st += sc[i];
  }
  for (int i = p - 1; i >= 0; --i) {
    rc[i] = cnt(i);
    rd[i] = rt;
    rt += rc[i];
  }
  int *sv = xmalloc((st + 1) * sizeof(int)), *rv = xmalloc((rt + 1) * sizeof(int));
  int *rvw = xmalloc((rt + 1) * sizeof(int));
  for (int i = 0; i < p; ++i)
    for (int k = 0; k < sc[i]; ++k) sv[sd[i] + k] = me * 1000 + i * 10 + k;
  for (int i = 0; i < p; ++i)
    for (int k = 0; k < rc[i]; ++k) {
      rvw[rd[i] + k] = i * 1000 + me * 10 + k;
      rv[rd[i] + k] = -1;
    }
  CALL(MPI_Ialltoallv(sv, sc, sd, MPI_INT, rv, rc, rd, MPI_INT, g_comm, &req));
  wait1(&req);
  check(rv, rvw, rt, "Ialltoallv", -1);
  /* Ialltoallw: one int to each peer, received as MPI_INT at byte displacements (reversed). */
  int sw[64], rwv[64], rww[64], one[64], sdb[64], rdb[64];
  MPI_Datatype types[64];
  for (int i = 0; i < p; ++i) {
    sw[i] = me * 100 + i;
    one[i] = 1;
    sdb[i] = i * (int)sizeof(int);
    rdb[i] = (p - 1 - i) * (int)sizeof(int);
    types[i] = MPI_INT;
    rww[p - 1 - i] = i * 100 + me;
    rwv[i] = -1;
  }
  CALL(MPI_Ialltoallw(sw, one, sdb, types, rwv, one, rdb, types, g_comm, &req));
  wait1(&req);
  check(rwv, rww, p, "Ialltoallw", -1);
  free(a);
  free(w);
  free(v);
  free(vw);
  free(s);
  free(r);
  free(rw);
  free(sv);
  free(rv);
  free(rvw);
}

static void test_reductions(void) {
  MPI_Request req;
  const int p = g_p, me = g_me;
  enum { N = 11 };
  int in[N], out[N], want[N];
  for (int root = 0; root < p; ++root) {
    for (int i = 0; i < N; ++i) {
      in[i] = val(me, i);
      out[i] = -1;
      want[i] = 0;
      for (int r = 0; r < p; ++r) want[i] += val(r, i);
    }
    CALL(MPI_Ireduce(in, out, N, MPI_INT, MPI_SUM, root, g_comm, &req));
    wait1(&req);
    if (me == root) check(out, want, N, "Ireduce", root);
    memcpy(out, in, sizeof(in));
    CALL(MPI_Ireduce(me == root ? MPI_IN_PLACE : in, out, N, MPI_INT, MPI_SUM, root, g_comm, &req));
    wait1(&req);
    if (me == root) check(out, want, N, "Ireduce in place", root);
  }
  /* Iscan, Iexscan (and in place). */
  for (int i = 0; i < N; ++i) {
    want[i] = 0;
    for (int r = 0; r <= me; ++r) want[i] += val(r, i);
    out[i] = -1;
  }
  CALL(MPI_Iscan(in, out, N, MPI_INT, MPI_SUM, g_comm, &req));
  wait1(&req);
  check(out, want, N, "Iscan", -1);
  memcpy(out, in, sizeof(in));
  CALL(MPI_Iscan(MPI_IN_PLACE, out, N, MPI_INT, MPI_SUM, g_comm, &req));
  wait1(&req);
  check(out, want, N, "Iscan in place", -1);
  for (int i = 0; i < N; ++i) {
    want[i] -= val(me, i);
    out[i] = -1;
  }
  CALL(MPI_Iexscan(in, out, N, MPI_INT, MPI_SUM, g_comm, &req));
  wait1(&req);
  if (me > 0) check(out, want, N, "Iexscan", -1);
  /* Ireduce_scatter_block: 3 per rank; Ireduce_scatter: uneven (one zero). */
  int *rs = xmalloc(3 * p * sizeof(int)), rsout[8], rswant[8];
  for (int i = 0; i < 3 * p; ++i) rs[i] = val(me, i);
  for (int k = 0; k < 3; ++k) {
    rswant[k] = 0;
    for (int r = 0; r < p; ++r) rswant[k] += val(r, 3 * me + k);
    rsout[k] = -1;
  }
  CALL(MPI_Ireduce_scatter_block(rs, rsout, 3, MPI_INT, MPI_SUM, g_comm, &req));
  wait1(&req);
  check(rsout, rswant, 3, "Ireduce_scatter_block", -1);
  CALL(MPI_Ireduce_scatter_block(MPI_IN_PLACE, rs, 3, MPI_INT, MPI_SUM, g_comm, &req));
  wait1(&req);
  check(rs, rswant, 3, "Ireduce_scatter_block in place", -1);
  int counts[64], total = 0, start = 0;
  for (int i = 0; i < p; ++i) {
    counts[i] = cnt(i);
    if (i < me) start += counts[i];
    total += counts[i];
  }
  int *rv = xmalloc((total + 1) * sizeof(int));
  for (int i = 0; i < total; ++i) rv[i] = val(me, i);
  for (int k = 0; k < cnt(me); ++k) {
    rswant[k] = 0;
    for (int r = 0; r < p; ++r) rswant[k] += val(r, start + k);
    rsout[k] = -1;
  }
  CALL(MPI_Ireduce_scatter(rv, rsout, counts, MPI_INT, MPI_SUM, g_comm, &req));
  wait1(&req);
  check(rsout, rswant, cnt(me), "Ireduce_scatter", -1);
  free(rs);
  free(rv);
  /* A derived type: Ireduce of a vector of doubles (every other one). */
  MPI_Datatype vec;
  CALL(MPI_Type_vector(3, 1, 2, MPI_DOUBLE, &vec));
  CALL(MPI_Type_commit(&vec));
  double din[6], dout[6];
  for (int root = 0; root < p; ++root) {
    for (int i = 0; i < 6; ++i) {
      din[i] = me + i;
      dout[i] = -5;
    }
    CALL(MPI_Ireduce(din, dout, 1, vec, MPI_SUM, root, g_comm, &req));
    wait1(&req);
    if (me == root)
      for (int i = 0; i < 6; ++i) {
        double w = i % 2 ? -5 : (double)(p * (p - 1) / 2 + p * i);
        if (dout[i] != w)
          fail("Ireduce vector root %d element %d: %g want %g", root, i, dout[i], w);
      }
    g_checks++;
  }
  CALL(MPI_Type_free(&vec));
}

/* Large-count forms and derived types in data movement. */
static void test_c_forms(void) {
  MPI_Request req;
  const int p = g_p, me = g_me;
  MPI_Count n = 5;
  int buf[5], want[5];
  for (MPI_Count i = 0; i < n; ++i) want[i] = val(0, (int)i);
  for (MPI_Count i = 0; i < n; ++i) buf[i] = me == 0 ? want[i] : -1;
  CALL(MPI_Ibcast_c(buf, n, MPI_INT, 0, g_comm, &req));
  wait1(&req);
  check(buf, want, 5, "Ibcast_c", 0);
  int in = me + 1, out = -1;
  CALL(MPI_Iallreduce_c(&in, &out, 1, MPI_INT, MPI_SUM, g_comm, &req));
  wait1(&req);
  if (out != p * (p + 1) / 2) fail("Iallreduce_c: %d", out);
  /* Iallgather_c of a struct-like derived type: 2 ints with a 1-int hole (resized to 3). */
  MPI_Datatype pair, padded;
  CALL(MPI_Type_vector(2, 1, 2, MPI_INT, &pair));
  CALL(MPI_Type_create_resized(pair, 0, 3 * sizeof(int), &padded));
  CALL(MPI_Type_commit(&padded));
  int mine[3] = {val(me, 0), -9, val(me, 1)};
  int *all = xmalloc(3 * p * sizeof(int)), *aw = xmalloc(3 * p * sizeof(int));
  for (int i = 0; i < p; ++i) {
    all[3 * i] = all[3 * i + 1] = all[3 * i + 2] = -2;
    aw[3 * i] = val(i, 0);
    aw[3 * i + 1] = -2;
    aw[3 * i + 2] = val(i, 1);
  }
  CALL(MPI_Iallgather_c(mine, 1, padded, all, 1, padded, g_comm, &req));
  wait1(&req);
  check(all, aw, 3 * p, "Iallgather_c padded", -1);
  /* The same with ints on the send side (type signatures match: 2 ints). */
  int two[2] = {val(me, 0), val(me, 1)};
  for (int i = 0; i < p; ++i) all[3 * i] = all[3 * i + 1] = all[3 * i + 2] = -2;
  CALL(MPI_Iallgather(two, 2, MPI_INT, all, 1, padded, g_comm, &req));
  wait1(&req);
  check(all, aw, 3 * p, "Iallgather ints -> padded", -1);
  CALL(MPI_Type_free(&padded));
  CALL(MPI_Type_free(&pair));
  free(all);
  free(aw);
}

/* ---- user-defined ops: 2x2 integer matrix products (not commutative) and a plain sum ---- */
/* A matrix is 4 ints m[0..3] (row-major); in the gapped layout they sit at 0,1,3,4 of 6. */
static int g_gapped; /* the op's elements use the gapped layout */
static void mat_mul(const int *x, const int *y, int *out) {
  int t[4] = {x[0] * y[0] + x[1] * y[2], x[0] * y[1] + x[1] * y[3], x[2] * y[0] + x[3] * y[2],
              x[2] * y[1] + x[3] * y[3]};
  memcpy(out, t, sizeof(t));
}
static void mat_op(void *in, void *inout, int *len, MPI_Datatype *type) {
  (void)type;
  const int stride = g_gapped ? 6 : 4;
  for (int k = 0; k < *len; ++k) {
    int *a = (int *)in + k * stride, *b = (int *)inout + k * stride, x[4], y[4], r[4];
    const int at[4] = {0, 1, g_gapped ? 3 : 2, g_gapped ? 4 : 3};
    for (int j = 0; j < 4; ++j) {
      x[j] = a[at[j]];
      y[j] = b[at[j]];
    }
    mat_mul(x, y, r); /* inout = in * inout: in holds the lower ranks */
    for (int j = 0; j < 4; ++j) b[at[j]] = r[j];
  }
}
static void sum_op(void *in, void *inout, int *len, MPI_Datatype *type) {
  (void)type;
  for (int k = 0; k < *len; ++k) ((int *)inout)[k] += ((int *)in)[k];
}
static void mat_of(int r, int i, int *m) {
  m[0] = 1 + (r + i) % 3;
  m[1] = r + 1;
  m[2] = i % 2;
  m[3] = 1 + r % 2;
}
/* The product of ranks lo..hi-1 in order. */
static void mat_prod(int lo, int hi, int i, int *m) {
  int t[4] = {1, 0, 0, 1}, x[4];
  for (int r = lo; r < hi; ++r) {
    mat_of(r, i, x);
    mat_mul(t, x, t);
  }
  memcpy(m, t, sizeof(t));
}

static void test_user_ops(void) {
  MPI_Request req;
  const int p = g_p, me = g_me;
  enum { N = 3 };
  MPI_Op mat, sum;
  CALL(MPI_Op_create(mat_op, 0, &mat));
  CALL(MPI_Op_create(sum_op, 1, &sum));
  MPI_Datatype plain, gapped;
  CALL(MPI_Type_contiguous(4, MPI_INT, &plain));
  CALL(MPI_Type_commit(&plain));
  int blocklens[2] = {2, 2}, displs[2] = {0, 3};
  MPI_Datatype tmp;
  CALL(MPI_Type_indexed(2, blocklens, displs, MPI_INT, &tmp));
  CALL(MPI_Type_create_resized(tmp, 0, 6 * sizeof(int), &gapped));
  CALL(MPI_Type_free(&tmp));
  CALL(MPI_Type_commit(&gapped));
  for (int layout = 0; layout < 2; ++layout) {
    g_gapped = layout;
    const int stride = layout ? 6 : 4;
    const MPI_Datatype t = layout ? gapped : plain;
    const int at[4] = {0, 1, layout ? 3 : 2, layout ? 4 : 3};
    int in[N * 6], out[N * 6], w[4];
    for (int k = 0; k < N; ++k) {
      int m[4];
      mat_of(me, k, m);
      for (int j = 0; j < 6 && j < stride; ++j) in[k * stride + j] = -77;
      for (int j = 0; j < 4; ++j) in[k * stride + at[j]] = m[j];
    }
#define CHECK_MATS(lo, hi, what, root)                                                            \
  for (int k = 0; k < N; ++k) {                                                                   \
    mat_prod((lo), (hi), k, w);                                                                   \
    for (int j = 0; j < 4; ++j)                                                                   \
      if (out[k * stride + at[j]] != w[j])                                                        \
        fail("%s (layout %d, root %d): matrix %d entry %d is %d, want %d", what, layout, root, k, \
             j, out[k * stride + at[j]], w[j]);                                                   \
  }                                                                                               \
  g_checks++
    for (int i = 0; i < N * stride; ++i) out[i] = -1;
    CALL(MPI_Iallreduce(in, out, N, t, mat, g_comm, &req));
    wait1(&req);
    CHECK_MATS(0, p, "Iallreduce user op", -1);
    for (int root = 0; root < p; ++root) {
      for (int i = 0; i < N * stride; ++i) out[i] = -1;
      CALL(MPI_Ireduce(in, out, N, t, mat, root, g_comm, &req));
      wait1(&req);
      if (me == root) {
        CHECK_MATS(0, p, "Ireduce user op", root);
      }
    }
    for (int i = 0; i < N * stride; ++i) out[i] = -1;
    CALL(MPI_Iscan(in, out, N, t, mat, g_comm, &req));
    wait1(&req);
    CHECK_MATS(0, me + 1, "Iscan user op", -1);
    CALL(MPI_Iexscan(in, out, N, t, mat, g_comm, &req));
    wait1(&req);
    if (me > 0) {
      CHECK_MATS(0, me, "Iexscan user op", -1);
    }
    MPI_Request pers;
    CALL(MPI_Allreduce_init(in, out, N, t, mat, g_comm, MPI_INFO_NULL, &pers));
    for (int round = 0; round < 3; ++round) {
      for (int i = 0; i < N * stride; ++i) out[i] = -1;
      CALL(MPI_Start(&pers));
      CALL(MPI_Wait(&pers, MPI_STATUS_IGNORE));
      CHECK_MATS(0, p, "Allreduce_init user op", -1);
    }
    CALL(MPI_Request_free(&pers));
#undef CHECK_MATS
  }
  /* A commutative user op on a large vector (the ring allreduce on 3+ ranks). */
  enum { L = 40000 };
  int *a = xmalloc(L * sizeof(int)), *b = xmalloc(L * sizeof(int));
  for (int i = 0; i < L; ++i) a[i] = val(me, i);
  CALL(MPI_Iallreduce(a, b, L, MPI_INT, sum, g_comm, &req));
  wait1(&req);
  for (int i = 0; i < L; ++i) {
    int want = 0;
    for (int r = 0; r < p; ++r) want += val(r, i);
    if (b[i] != want) fail("Iallreduce user sum: element %d is %d, want %d", i, b[i], want);
  }
  g_checks++;
  free(a);
  free(b);
  CALL(MPI_Type_free(&plain));
  CALL(MPI_Type_free(&gapped));
  CALL(MPI_Op_free(&mat));
  CALL(MPI_Op_free(&sum));
}

static void on_comm(MPI_Comm comm, const char *label) {
  g_comm = comm;
  g_label = label;
  CALL(MPI_Comm_rank(comm, &g_me));
  CALL(MPI_Comm_size(comm, &g_p));
  test_gather_scatter();
  test_allgather_alltoall();
  test_reductions();
  test_c_forms();
  test_user_ops();
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  on_comm(MPI_COMM_WORLD, "world");
  MPI_Comm rev;
  CALL(MPI_Comm_split(MPI_COMM_WORLD, g_world_rank % 2, size - g_world_rank, &rev));
  on_comm(rev, "reversed split");
  CALL(MPI_Comm_free(&rev));
  on_comm(MPI_COMM_SELF, "self");
  return finish_ok();
}
