/* User-defined reduction operations: MPI_Op_create / _c, MPI_Op_free, MPI_Op_commutative,
 * MPI_Reduce_local (+_c), and user ops in MPI_Reduce (every root, in place) and MPI_Allreduce:
 * a non-commutative 2x2 matrix product (mod 10007) on a contiguous type of 4 ints, an affine
 * composition on a vector type with gaps (the function must see whole elements in the user's
 * layout, and the gaps stay untouched), a commutative large-count op, counts 0/1/odd/large.
 * Predefined ops on derived types of one basic type; error classes under MPI_ERRORS_RETURN.
 * Expected values are computed locally. Uses only <mpi.h>. */
#include <string.h>

static const char kTestName[] = "user_op_test";
#include "job_check.h"

enum { kMod = 10007, kGap = -7 };
static MPI_Datatype g_mat;  /* 4 ints, a 2x2 matrix a b / c d */
static MPI_Datatype g_pair; /* 2 ints at slots 0 and 2 of 3: an affine map x -> a x + b */
static int g_bad_type_seen; /* the pair op saw a datatype other than g_pair */

static void mat_mul(const int *x, const int *y, int *out) { /* out = x * y */
  int r[4];
  r[0] = (x[0] * y[0] + x[1] * y[2]) % kMod;
  r[1] = (x[0] * y[1] + x[1] * y[3]) % kMod;
  r[2] = (x[2] * y[0] + x[3] * y[2]) % kMod;
  r[3] = (x[2] * y[1] + x[3] * y[3]) % kMod;
  memcpy(out, r, sizeof r);
}
/* inout = in * inout (in is the left operand: lower ranks). */
static void mat_op(void *in, void *inout, int *len, MPI_Datatype *type) {
  (void)type;
  int *a = in, *b = inout;
  for (int i = 0; i < *len; ++i) mat_mul(a + 4 * i, b + 4 * i, b + 4 * i);
}
/* Affine maps composed: (f then g)(x) = g(f(x)); in is applied first. */
static void pair_op(void *in, void *inout, int *len, MPI_Datatype *type) {
  if (*type != g_pair) g_bad_type_seen = 1;
  int *f = in, *g = inout;
  for (int i = 0; i < *len; ++i) {
    int *fi = f + 3 * i, *gi = g + 3 * i;
    int a = (gi[0] * fi[0]) % kMod, b = (gi[0] * fi[2] + gi[2]) % kMod;
    gi[0] = a;
    gi[2] = b;
  }
}
/* Large-count form: elementwise sum of ints. */
static void sum_c(void *in, void *inout, MPI_Count *len, MPI_Datatype *type) {
  (void)type;
  int *a = in, *b = inout;
  for (MPI_Count i = 0; i < *len; ++i) b[i] += a[i];
}

static void mat_of(int r, int i, int *m) {
  m[0] = (r * 7 + i * 3 + 1) % kMod;
  m[1] = (r + 2 * i + 2) % kMod;
  m[2] = (3 * r + i + 3) % kMod;
  m[3] = (r * i + 5) % kMod;
}
static void pair_of(int r, int i, int *p) { /* into slots 0 and 2 */
  p[0] = (2 * r + i + 1) % kMod;
  p[1] = kGap;
  p[2] = (r * 5 + i * 11 + 3) % kMod;
}

static void expected_mat(int upto, int i, int *m) { /* ranks 0..upto-1 in order */
  mat_of(0, i, m);
  for (int r = 1; r < upto; ++r) {
    int x[4];
    mat_of(r, i, x);
    mat_mul(m, x, m);
  }
}
static void expected_pair(int upto, int i, int *p) {
  pair_of(0, i, p);
  for (int r = 1; r < upto; ++r) {
    int q[3];
    pair_of(r, i, q);
    pair_op(p, q, &(int){1}, &g_pair);
    memcpy(p, q, sizeof q);
  }
}

static void check_mats(const int *got, int n, const char *what) {
  for (int i = 0; i < n; ++i) {
    int want[4];
    expected_mat(g_p, i, want);
    if (memcmp(got + 4 * i, want, sizeof want) != 0) fail("%s: matrix %d differs", what, i);
  }
  ++g_checks;
}
static void check_pairs(const int *got, int n, const char *what) {
  for (int i = 0; i < n; ++i) {
    int want[3];
    expected_pair(g_p, i, want);
    if (got[3 * i] != want[0] || got[3 * i + 2] != want[2]) fail("%s: pair %d differs", what, i);
    if (got[3 * i + 1] != kGap) fail("%s: gap of pair %d written", what, i);
  }
  if (g_bad_type_seen) fail("%s: the user function got another datatype", what);
  ++g_checks;
}

static const int kCounts[] = {0, 1, 7, 3001};

static void test_reduce(MPI_Op mat, MPI_Op pair) {
  for (size_t c = 0; c < sizeof kCounts / sizeof *kCounts; ++c) {
    int n = kCounts[c];
    int *in = xmalloc(sizeof(int) * 4 * (size_t)n), *out = xmalloc(sizeof(int) * 4 * (size_t)n);
    int *pin = xmalloc(sizeof(int) * 3 * (size_t)n), *pout = xmalloc(sizeof(int) * 3 * (size_t)n);
    for (int root = 0; root < g_p; ++root) {
      for (int in_place = 0; in_place < 2; ++in_place) {
        for (int i = 0; i < n; ++i) mat_of(g_me, i, in + 4 * i), pair_of(g_me, i, pin + 3 * i);
        for (int i = 0; i < 3 * n; ++i) pout[i] = kGap;
        int here = in_place && g_me == root;
        if (here)
          memcpy(out, in, sizeof(int) * 4 * (size_t)n),
              memcpy(pout, pin, sizeof(int) * 3 * (size_t)n);
        CALL(MPI_Reduce(here ? MPI_IN_PLACE : in, out, n, g_mat, mat, root, g_comm));
        CALL(MPI_Reduce(here ? MPI_IN_PLACE : pin, pout, n, g_pair, pair, root, g_comm));
        if (g_me == root) {
          check_mats(out, n, "Reduce matrices");
          check_pairs(pout, n, "Reduce pairs");
        }
      }
    }
    for (int in_place = 0; in_place < 2; ++in_place) {
      for (int i = 0; i < n; ++i) mat_of(g_me, i, in + 4 * i), pair_of(g_me, i, pin + 3 * i);
      for (int i = 0; i < 3 * n; ++i) pout[i] = kGap;
      if (in_place)
        memcpy(out, in, sizeof(int) * 4 * (size_t)n),
            memcpy(pout, pin, sizeof(int) * 3 * (size_t)n);
      CALL(MPI_Allreduce(in_place ? MPI_IN_PLACE : in, out, n, g_mat, mat, g_comm));
      CALL(MPI_Allreduce_c(in_place ? MPI_IN_PLACE : pin, pout, n, g_pair, pair, g_comm));
      check_mats(out, n, "Allreduce matrices");
      check_pairs(pout, n, "Allreduce pairs");
    }
    free(in), free(out), free(pin), free(pout);
  }
}

static void test_large_count_op(void) {
  MPI_Op op;
  CALL(MPI_Op_create_c(sum_c, 1, &op));
  int commute = -1;
  CALL(MPI_Op_commutative(op, &commute));
  if (commute != 1) fail("Op_commutative of a commutative op: %d", commute);
  int n = 2000, *in = xmalloc(sizeof(int) * n), *out = xmalloc(sizeof(int) * n);
  for (int i = 0; i < n; ++i) in[i] = g_me * 3 + i;
  CALL(MPI_Allreduce(in, out, n, MPI_INT, op, g_comm));
  for (int i = 0; i < n; ++i) {
    int want = 3 * g_p * (g_p - 1) / 2 + g_p * i;
    if (out[i] != want) fail("Allreduce with an _c op: %d at %d, expected %d", out[i], i, want);
  }
  ++g_checks;
  CALL(MPI_Op_free(&op));
  if (op != MPI_OP_NULL) fail("Op_free did not set MPI_OP_NULL");
  ++g_checks;
  free(in), free(out);
}

static void suite(MPI_Comm comm, const char *label, MPI_Op mat, MPI_Op pair) {
  g_comm = comm;
  g_label = label;
  MPI_Comm_rank(comm, &g_me);
  MPI_Comm_size(comm, &g_p);
  test_reduce(mat, pair);
  test_large_count_op();
}

static void expect_error(int rc, int cls, const char *what) {
  int got = MPI_SUCCESS;
  if (rc != MPI_SUCCESS) MPI_Error_class(rc, &got);
  if (got != cls) fail("%s: error class %d, expected %d", what, got, cls);
  ++g_checks;
}

static void test_local(MPI_Op mat, MPI_Op pair) {
  g_comm = MPI_COMM_WORLD;
  g_label = "local";
  /* Reduce_local with a user op: in (op) inout, in on the left. */
  int a[8], b[8], want[8];
  for (int i = 0; i < 2; ++i) mat_of(1, i, a + 4 * i), mat_of(2, i, b + 4 * i);
  for (int i = 0; i < 2; ++i) mat_mul(a + 4 * i, b + 4 * i, want + 4 * i);
  CALL(MPI_Reduce_local(a, b, 2, g_mat, mat));
  if (memcmp(b, want, sizeof want) != 0) fail("Reduce_local with a non-commutative op");
  ++g_checks;
  int p[6], q[6];
  pair_of(3, 0, p), pair_of(3, 1, p + 3), pair_of(4, 0, q), pair_of(4, 1, q + 3);
  int w0[3], w1[3];
  memcpy(w0, q, sizeof w0), memcpy(w1, q + 3, sizeof w1);
  pair_op(p, w0, &(int){1}, &g_pair);
  pair_op(p + 3, w1, &(int){1}, &g_pair);
  CALL(MPI_Reduce_local_c(p, q, 2, g_pair, pair));
  if (q[0] != w0[0] || q[2] != w0[2] || q[3] != w1[0] || q[5] != w1[2] || q[1] != kGap ||
      q[4] != kGap) {
    fail("Reduce_local_c on a type with gaps");
  }
  ++g_checks;
  /* A predefined op on a derived type of one basic type: only the data move. */
  int s[6] = {1, kGap, 2, 3, kGap, 4}, t[6] = {10, kGap, 20, 30, kGap, 40};
  CALL(MPI_Reduce_local(s, t, 2, g_pair, MPI_SUM));
  if (t[0] != 11 || t[2] != 22 || t[3] != 33 || t[5] != 44 || t[1] != kGap || t[4] != kGap) {
    fail("Reduce_local MPI_SUM on a vector type");
  }
  ++g_checks;
  int commute = -1;
  CALL(MPI_Op_commutative(mat, &commute));
  if (commute != 0) fail("Op_commutative of a non-commutative op: %d", commute);
  CALL(MPI_Op_commutative(MPI_SUM, &commute));
  if (commute != 1) fail("Op_commutative(MPI_SUM): %d", commute);
  ++g_checks;

  CALL(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  MPI_Op sum = MPI_SUM;
  expect_error(MPI_Op_free(&sum), MPI_ERR_OP, "Op_free(MPI_SUM)");
  MPI_Op null_op = MPI_OP_NULL;
  expect_error(MPI_Op_free(&null_op), MPI_ERR_OP, "Op_free(MPI_OP_NULL)");
  MPI_Op tmp;
  CALL(MPI_Op_create(mat_op, 0, &tmp));
  MPI_Op stale = tmp;
  CALL(MPI_Op_free(&tmp));
  expect_error(MPI_Op_free(&stale), MPI_ERR_OP, "Op_free of a freed op");
  expect_error(MPI_Op_commutative(stale, &commute), MPI_ERR_OP, "Op_commutative of a freed op");
  expect_error(MPI_Op_create(NULL, 1, &tmp), MPI_ERR_ARG, "Op_create(NULL)");
  double d[2] = {1, 2}, e[2] = {3, 4};
  expect_error(MPI_Reduce_local(d, e, 2, MPI_DOUBLE, MPI_BAND), MPI_ERR_OP,
               "Reduce_local MPI_BAND on MPI_DOUBLE");
  expect_error(MPI_Reduce_local(d, e, 2, MPI_DOUBLE, stale), MPI_ERR_OP,
               "Reduce_local with a freed op");
  expect_error(MPI_Reduce_local(d, e, -1, MPI_DOUBLE, MPI_SUM), MPI_ERR_COUNT,
               "Reduce_local count -1");
  expect_error(MPI_Allreduce(d, e, 2, MPI_DOUBLE, MPI_BAND, MPI_COMM_WORLD), MPI_ERR_OP,
               "Allreduce MPI_BAND on MPI_DOUBLE");
  expect_error(MPI_Reduce(d, e, 2, MPI_DOUBLE, stale, 0, MPI_COMM_WORLD), MPI_ERR_OP,
               "Reduce with a freed op");
  /* MPI_MAXLOC needs a pair type; a vector of ints is not one. */
  expect_error(MPI_Allreduce(s, t, 2, g_pair, MPI_MAXLOC, MPI_COMM_WORLD), MPI_ERR_OP,
               "Allreduce MPI_MAXLOC on a vector of ints");
  CALL(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  int world_size;
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  MPI_Type_contiguous(4, MPI_INT, &g_mat);
  MPI_Type_commit(&g_mat);
  MPI_Type_vector(2, 1, 2, MPI_INT, &g_pair);
  MPI_Type_commit(&g_pair);
  MPI_Op mat, pair;
  CALL(MPI_Op_create(mat_op, 0, &mat));
  CALL(MPI_Op_create(pair_op, 0, &pair));

  test_local(mat, pair);
  suite(MPI_COMM_WORLD, "MPI_COMM_WORLD", mat, pair);
  suite(MPI_COMM_SELF, "MPI_COMM_SELF", mat, pair);
  MPI_Comm split;
  g_label = "Comm_split";
  CALL(MPI_Comm_split(MPI_COMM_WORLD, g_world_rank % 2, world_size - g_world_rank, &split));
  suite(split, "Comm_split(rank % 2, reversed)", mat, pair);
  CALL(MPI_Comm_free(&split));

  CALL(MPI_Op_free(&mat));
  CALL(MPI_Op_free(&pair));
  MPI_Type_free(&g_mat);
  MPI_Type_free(&g_pair);
  return finish_ok();
}
