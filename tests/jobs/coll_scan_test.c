/* Scan, Exscan, Reduce_scatter, Reduce_scatter_block and their _c forms on MPI_COMM_WORLD,
 * MPI_COMM_SELF and a reversed Comm_split: predefined ops (MPI_SUM on int, MPI_MAX on double),
 * a non-commutative user op (2x2 matrix product mod 10007, which shows any change of operand
 * order), a derived type with gaps, counts 0/1/odd/large (both reduce-scatter algorithms),
 * uneven counts with zeros, MPI_IN_PLACE, and bad arguments with their error classes under
 * MPI_ERRORS_RETURN. Expected values are computed locally. Uses only <mpi.h>. */
#include <string.h>

static const char kTestName[] = "coll_scan_test";
#include "job_check.h"

enum { kMod = 10007, kGap = -7, kUntouched = -99 };
static MPI_Datatype g_mat; /* 4 ints */
static MPI_Datatype g_vec; /* 2 ints at slots 0 and 2 of 3 */
static MPI_Op g_matop;

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
static void mat_of(int r, int i, int *m) {
  m[0] = (r * 7 + i * 3 + 1) % kMod;
  m[1] = (r + 2 * i + 2) % kMod;
  m[2] = (3 * r + i + 3) % kMod;
  m[3] = (r * i + 5) % kMod;
}
/* Product of the matrices of ranks lo..hi-1 at element i. */
static void mat_range(int lo, int hi, int i, int *m) {
  mat_of(lo, i, m);
  for (int r = lo + 1; r < hi; ++r) {
    int x[4];
    mat_of(r, i, x);
    mat_mul(m, x, m);
  }
}
static int ival(int r, int i) { return (r + 1) * 3 + i * 7 - 40; }
static double dval(int r, int i) { return (double)((r * 13 + i * 5) % 17) - 8.5; }

static const int kCounts[] = {0, 1, 7, 5001};

static void test_scan(int n, int exclusive, int in_place, int large) {
  const char *what = exclusive ? "Exscan" : "Scan";
  int *si = xmalloc(sizeof(int) * (size_t)n), *ri = xmalloc(sizeof(int) * (size_t)n);
  int *sm = xmalloc(sizeof(int) * 4 * (size_t)n), *rm = xmalloc(sizeof(int) * 4 * (size_t)n);
  int *sv = xmalloc(sizeof(int) * 3 * (size_t)n), *rv = xmalloc(sizeof(int) * 3 * (size_t)n);
  double *sd = xmalloc(sizeof(double) * (size_t)n), *rd = xmalloc(sizeof(double) * (size_t)n);
  for (int i = 0; i < n; ++i) {
    si[i] = ival(g_me, i);
    mat_of(g_me, i, sm + 4 * i);
    sv[3 * i] = ival(g_me, i), sv[3 * i + 1] = kGap, sv[3 * i + 2] = ival(g_me, i + 1);
    sd[i] = dval(g_me, i);
    ri[i] = kUntouched, rd[i] = kUntouched;
    for (int k = 0; k < 4; ++k) rm[4 * i + k] = kUntouched;
    for (int k = 0; k < 3; ++k) rv[3 * i + k] = kGap;
  }
  if (in_place) {
    memcpy(ri, si, sizeof(int) * (size_t)n), memcpy(rm, sm, sizeof(int) * 4 * (size_t)n);
    memcpy(rv, sv, sizeof(int) * 3 * (size_t)n), memcpy(rd, sd, sizeof(double) * (size_t)n);
  }
  int (*fn)(const void *, void *, int, MPI_Datatype, MPI_Op, MPI_Comm) =
      exclusive ? MPI_Exscan : MPI_Scan;
  int (*fn_c)(const void *, void *, MPI_Count, MPI_Datatype, MPI_Op, MPI_Comm) =
      exclusive ? MPI_Exscan_c : MPI_Scan_c;
#define RUN(s, r, type, op)                                       \
  do {                                                            \
    const void *s_ = in_place ? MPI_IN_PLACE : (const void *)(s); \
    if (large)                                                    \
      CALL(fn_c(s_, (r), n, (type), (op), g_comm));               \
    else                                                          \
      CALL(fn(s_, (r), n, (type), (op), g_comm));                 \
  } while (0)
  RUN(si, ri, MPI_INT, MPI_SUM);
  RUN(sm, rm, g_mat, g_matop);
  RUN(sv, rv, g_vec, MPI_SUM);
  RUN(sd, rd, MPI_DOUBLE, MPI_MAX);
#undef RUN
  int hi = exclusive ? g_me : g_me + 1;
  if (hi > 0) {
    for (int i = 0; i < n; ++i) {
      int s = 0, s2 = 0;
      double mx = -1e300;
      for (int r = 0; r < hi; ++r)
        s += ival(r, i), s2 += ival(r, i + 1), mx = dval(r, i) > mx ? dval(r, i) : mx;
      if (ri[i] != s) fail("%s MPI_SUM int %d: %d, expected %d", what, i, ri[i], s);
      if (rv[3 * i] != s || rv[3 * i + 2] != s2 || rv[3 * i + 1] != kGap)
        fail("%s on a vector type at %d", what, i);
      if (rd[i] != mx) fail("%s MPI_MAX double %d: %g, expected %g", what, i, rd[i], mx);
      int m[4];
      mat_range(0, hi, i, m);
      if (memcmp(rm + 4 * i, m, sizeof m) != 0) fail("%s matrix product %d out of order", what, i);
    }
  } else if (!in_place && n > 0) {
    /* Exscan leaves rank 0's recvbuf alone. */
    if (ri[0] != kUntouched || rm[0] != kUntouched) fail("Exscan wrote rank 0's recvbuf");
  }
  ++g_checks;
  free(si), free(ri), free(sm), free(rm), free(sv), free(rv), free(sd), free(rd);
}

/* Reduce_scatter: block i has counts[i] elements. `block` != 0: Reduce_scatter_block. */
static void test_reduce_scatter(int scale, int block, int in_place, int large) {
  int counts[64], total = 0;
  for (int i = 0; i < g_p; ++i) {
    counts[i] = block ? scale : ((i * 3 + 1) % 4) * scale;
    total += counts[i];
  }
  int start = 0;
  for (int i = 0; i < g_me; ++i) start += counts[i];
  int mine = counts[g_me];
  int *si = xmalloc(sizeof(int) * (size_t)total), *ri = xmalloc(sizeof(int) * (size_t)total);
  int *sm = xmalloc(sizeof(int) * 4 * (size_t)total),
      *rm = xmalloc(sizeof(int) * 4 * (size_t)total);
  int *sv = xmalloc(sizeof(int) * 3 * (size_t)total),
      *rv = xmalloc(sizeof(int) * 3 * (size_t)total);
  for (int i = 0; i < total; ++i) {
    si[i] = ival(g_me, i);
    mat_of(g_me, i, sm + 4 * i);
    sv[3 * i] = ival(g_me, i), sv[3 * i + 1] = kGap, sv[3 * i + 2] = -ival(g_me, i);
    ri[i] = kUntouched;
    for (int k = 0; k < 3; ++k) rv[3 * i + k] = kGap;
  }
  if (in_place) {
    memcpy(ri, si, sizeof(int) * (size_t)total), memcpy(rm, sm, sizeof(int) * 4 * (size_t)total);
    memcpy(rv, sv, sizeof(int) * 3 * (size_t)total);
  }
  MPI_Count cc[64];
  for (int i = 0; i < g_p; ++i) cc[i] = counts[i];
#define RUN(s, r, type, op)                                                   \
  do {                                                                        \
    const void *s_ = in_place ? MPI_IN_PLACE : (const void *)(s);             \
    if (block && large)                                                       \
      CALL(MPI_Reduce_scatter_block_c(s_, (r), scale, (type), (op), g_comm)); \
    else if (block)                                                           \
      CALL(MPI_Reduce_scatter_block(s_, (r), scale, (type), (op), g_comm));   \
    else if (large)                                                           \
      CALL(MPI_Reduce_scatter_c(s_, (r), cc, (type), (op), g_comm));          \
    else                                                                      \
      CALL(MPI_Reduce_scatter(s_, (r), counts, (type), (op), g_comm));        \
  } while (0)
  RUN(si, ri, MPI_INT, MPI_SUM);
  RUN(sm, rm, g_mat, g_matop);
  RUN(sv, rv, g_vec, MPI_SUM);
#undef RUN
  const char *what = block ? "Reduce_scatter_block" : "Reduce_scatter";
  for (int k = 0; k < mine; ++k) {
    int i = start + k, s = 0;
    for (int r = 0; r < g_p; ++r) s += ival(r, i);
    if (ri[k] != s) fail("%s MPI_SUM element %d: %d, expected %d", what, k, ri[k], s);
    if (rv[3 * k] != s || rv[3 * k + 2] != -s || rv[3 * k + 1] != kGap)
      fail("%s vector type element %d", what, k);
    int m[4];
    mat_range(0, g_p, i, m);
    if (memcmp(rm + 4 * k, m, sizeof m) != 0) fail("%s matrix product %d out of order", what, k);
  }
  if (!in_place && mine < total && ri[mine] != kUntouched) fail("%s wrote past the block", what);
  ++g_checks;
  free(si), free(ri), free(sm), free(rm), free(sv), free(rv);
}

static void expect_error(int rc, int cls, const char *what) {
  int got = MPI_SUCCESS;
  if (rc != MPI_SUCCESS) MPI_Error_class(rc, &got);
  if (got != cls) fail("%s: error class %d, expected %d", what, got, cls);
  ++g_checks;
}

static void test_errors(void) {
  int x[4] = {0}, y[4] = {0}, counts[64], neg[64];
  double d[4] = {0}, e[4] = {0};
  for (int i = 0; i < g_p; ++i) counts[i] = 1, neg[i] = i == 0 ? -2 : 1;
  CALL(MPI_Comm_set_errhandler(g_comm, MPI_ERRORS_RETURN));
  expect_error(MPI_Scan(x, y, -1, MPI_INT, MPI_SUM, g_comm), MPI_ERR_COUNT, "Scan count -1");
  expect_error(MPI_Scan(x, y, 1, MPI_DATATYPE_NULL, MPI_SUM, g_comm), MPI_ERR_TYPE,
               "Scan null type");
  expect_error(MPI_Exscan(d, e, 1, MPI_DOUBLE, MPI_BXOR, g_comm), MPI_ERR_OP,
               "Exscan MPI_BXOR on double");
  expect_error(MPI_Exscan(x, y, 1, MPI_INT, MPI_OP_NULL, g_comm), MPI_ERR_OP, "Exscan MPI_OP_NULL");
  expect_error(MPI_Scan(x, x, 1, MPI_INT, MPI_SUM, g_comm), MPI_ERR_BUFFER,
               "Scan sendbuf == recvbuf");
  expect_error(MPI_Reduce_scatter(x, y, NULL, MPI_INT, MPI_SUM, g_comm), MPI_ERR_ARG,
               "Reduce_scatter null recvcounts");
  expect_error(MPI_Reduce_scatter(x, y, neg, MPI_INT, MPI_SUM, g_comm), MPI_ERR_COUNT,
               "Reduce_scatter negative count");
  expect_error(MPI_Reduce_scatter(d, e, counts, MPI_DOUBLE, MPI_LAND, g_comm), MPI_ERR_OP,
               "Reduce_scatter MPI_LAND on double");
  expect_error(MPI_Reduce_scatter_block(x, y, -1, MPI_INT, MPI_SUM, g_comm), MPI_ERR_COUNT,
               "Reduce_scatter_block count -1");
  expect_error(MPI_Reduce_scatter_block(x, NULL, 1, MPI_INT, MPI_SUM, g_comm), MPI_ERR_BUFFER,
               "Reduce_scatter_block null recvbuf");
  CALL(MPI_Comm_set_errhandler(g_comm, MPI_ERRORS_ARE_FATAL));
}

static void suite(MPI_Comm comm, const char *label) {
  g_comm = comm;
  g_label = label;
  MPI_Comm_rank(comm, &g_me);
  MPI_Comm_size(comm, &g_p);
  for (int large = 0; large < 2; ++large) {
    for (int in_place = 0; in_place < 2; ++in_place) {
      for (size_t c = 0; c < sizeof kCounts / sizeof *kCounts; ++c) {
        test_scan(kCounts[c], 0, in_place, large);
        test_scan(kCounts[c], 1, in_place, large);
      }
      for (int scale = 0; scale <= 3000; scale = scale ? scale * 3000 : 1) {
        test_reduce_scatter(scale, 0, in_place, large);
        test_reduce_scatter(scale, 1, in_place, large);
      }
    }
  }
  test_errors();
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  int world_size;
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  if (world_size > 64) fail("at most 64 ranks");
  MPI_Type_contiguous(4, MPI_INT, &g_mat);
  MPI_Type_commit(&g_mat);
  MPI_Type_vector(2, 1, 2, MPI_INT, &g_vec);
  MPI_Type_commit(&g_vec);
  CALL(MPI_Op_create(mat_op, 0, &g_matop));

  suite(MPI_COMM_WORLD, "MPI_COMM_WORLD");
  suite(MPI_COMM_SELF, "MPI_COMM_SELF");
  MPI_Comm split;
  g_label = "Comm_split";
  CALL(MPI_Comm_split(MPI_COMM_WORLD, g_world_rank % 2, world_size - g_world_rank, &split));
  suite(split, "Comm_split(rank % 2, reversed)");
  CALL(MPI_Comm_free(&split));

  CALL(MPI_Op_free(&g_matop));
  MPI_Type_free(&g_mat);
  MPI_Type_free(&g_vec);
  return finish_ok();
}
