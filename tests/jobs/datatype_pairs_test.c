/* The value-index pair types (MPI_FLOAT_INT, MPI_DOUBLE_INT, MPI_LONG_INT, MPI_SHORT_INT,
 * MPI_2INT, MPI_LONG_DOUBLE_INT) have MPI's size (value + index bytes, e.g. 12 for
 * MPI_DOUBLE_INT) and the C struct's extent, everywhere: type queries, types built from them,
 * messages (the padding never travels or gets written), MPI_Get_elements / MPI_Get_count,
 * MPI_Pack / MPI_Pack_size, and MINLOC / MAXLOC reductions (blocking, in place, non-blocking,
 * MPI_Reduce_local). Prints "datatype_pairs_test: OK (<n> checks)" on rank 0. */
#include <stddef.h>
#include <string.h>

static const char kTestName[] = "datatype_pairs_test";
#include "p2p_check.h"

struct di {
  double v;
  int i;
};
struct fi {
  float v;
  int i;
};
struct li {
  long v;
  int i;
};
struct si {
  short v;
  int i;
};
struct ii {
  int v;
  int i;
};
struct ldi {
  long double v;
  int i;
};

struct pair_info {
  MPI_Datatype type;
  const char *name;
  int value_size, index_offset, extent;
};

static const struct pair_info kPairs[] = {
    {MPI_FLOAT_INT, "MPI_FLOAT_INT", sizeof(float), offsetof(struct fi, i), sizeof(struct fi)},
    {MPI_DOUBLE_INT, "MPI_DOUBLE_INT", sizeof(double), offsetof(struct di, i), sizeof(struct di)},
    {MPI_LONG_INT, "MPI_LONG_INT", sizeof(long), offsetof(struct li, i), sizeof(struct li)},
    {MPI_SHORT_INT, "MPI_SHORT_INT", sizeof(short), offsetof(struct si, i), sizeof(struct si)},
    {MPI_2INT, "MPI_2INT", sizeof(int), offsetof(struct ii, i), sizeof(struct ii)},
    {MPI_LONG_DOUBLE_INT, "MPI_LONG_DOUBLE_INT", sizeof(long double), offsetof(struct ldi, i),
     sizeof(struct ldi)},
};
enum { kNumPairs = sizeof(kPairs) / sizeof(kPairs[0]) };

static void test_sizes(void) {
  for (int k = 0; k < kNumPairs; ++k) {
    const struct pair_info *p = &kPairs[k];
    int size;
    MPI_Aint lb, extent, tlb, textent;
    CALL(MPI_Type_size(p->type, &size));
    CALL(MPI_Type_get_extent(p->type, &lb, &extent));
    CALL(MPI_Type_get_true_extent(p->type, &tlb, &textent));
    CHECK(size == p->value_size + (int)sizeof(int), "%s: size %d, want %d", p->name, size,
          p->value_size + (int)sizeof(int));
    CHECK(lb == 0 && extent == p->extent, "%s: lb %ld extent %ld, want 0 %d", p->name, (long)lb,
          (long)extent, p->extent);
    CHECK(tlb == 0 && textent == p->index_offset + (int)sizeof(int), "%s: true extent %ld", p->name,
          (long)textent);
    /* The same as the hand-built struct of the value and an int. */
    MPI_Datatype value_types[] = {MPI_FLOAT, MPI_DOUBLE, MPI_LONG,
                                  MPI_SHORT, MPI_INT,    MPI_LONG_DOUBLE};
    int blocks[2] = {1, 1};
    MPI_Aint disps[2] = {0, p->index_offset};
    MPI_Datatype types[2] = {value_types[k], MPI_INT}, st;
    CALL(MPI_Type_create_struct(2, blocks, disps, types, &st));
    int ssize;
    MPI_Aint slb, sextent;
    CALL(MPI_Type_size(st, &ssize));
    CALL(MPI_Type_get_extent(st, &slb, &sextent));
    CHECK(ssize == size && sextent == extent, "%s: struct size %d extent %ld", p->name, ssize,
          (long)sextent);
    CALL(MPI_Type_free(&st));
    /* Built from the pair: two of them. */
    MPI_Datatype two;
    CALL(MPI_Type_contiguous(2, p->type, &two));
    CALL(MPI_Type_commit(&two));
    CALL(MPI_Type_size(two, &ssize));
    CALL(MPI_Type_get_extent(two, &slb, &sextent));
    CHECK(ssize == 2 * size && sextent == 2 * extent, "%s: contiguous(2) size %d extent %ld",
          p->name, ssize, (long)sextent);
    CALL(MPI_Type_free(&two));
    int packed;
    CALL(MPI_Pack_size(3, p->type, MPI_COMM_WORLD, &packed));
    CHECK(packed >= 3 * size, "%s: Pack_size(3) %d < %d", p->name, packed, 3 * size);
  }
}

/* { double, int, double, int } packed (24 bytes) received as two MPI_DOUBLE_INT. */
static void test_elements(void) {
  struct {
    double a;
    int b;
    double c;
    int d;
  } foo = {1.5, 7, -2.25, 9};
  struct di bar[3];
  memset(bar, 0x5a, sizeof(bar));
  int blocks[4] = {1, 1, 1, 1};
  MPI_Aint disps[4] = {0, offsetof(__typeof__(foo), b), offsetof(__typeof__(foo), c),
                       offsetof(__typeof__(foo), d)};
  MPI_Datatype types[4] = {MPI_DOUBLE, MPI_INT, MPI_DOUBLE, MPI_INT}, st;
  CALL(MPI_Type_create_struct(4, blocks, disps, types, &st));
  CALL(MPI_Type_commit(&st));
  MPI_Status status;
  CALL(MPI_Sendrecv(&foo, 1, st, 0, 3, bar, 3, MPI_DOUBLE_INT, 0, 3, MPI_COMM_SELF, &status));
  int count = -1, elements = -1;
  CALL(MPI_Get_count(&status, MPI_DOUBLE_INT, &count));
  CALL(MPI_Get_elements(&status, MPI_DOUBLE_INT, &elements));
  CHECK(count == 2 && elements == 4, "count %d elements %d, want 2 and 4", count, elements);
  CHECK(bar[0].v == 1.5 && bar[0].i == 7 && bar[1].v == -2.25 && bar[1].i == 9,
        "received %g %d %g %d", bar[0].v, bar[0].i, bar[1].v, bar[1].i);
  unsigned char pad[sizeof(struct di) - offsetof(struct di, i) - sizeof(int)];
  memset(pad, 0x5a, sizeof(pad));
  CHECK(memcmp((char *)&bar[0] + offsetof(struct di, i) + sizeof(int), pad, sizeof(pad)) == 0,
        "padding of the received pair was written");
  /* A value without its index: one basic element more, no whole pair. */
  CALL(
      MPI_Sendrecv(&foo, 20, MPI_BYTE, 0, 4, bar, 3, MPI_DOUBLE_INT, 0, 4, MPI_COMM_SELF, &status));
  CALL(MPI_Get_elements(&status, MPI_DOUBLE_INT, &elements));
  CALL(MPI_Get_count(&status, MPI_DOUBLE_INT, &count));
  CHECK(elements == 3 && count == MPI_UNDEFINED, "20 bytes: elements %d count %d", elements, count);
  CALL(MPI_Type_free(&st));
  /* MPI_Pack: 12 bytes a pair. */
  struct di three[3] = {{1, 1}, {2, 2}, {3, 3}}, back[3];
  char buf[128];
  int pos = 0;
  CALL(MPI_Pack(three, 3, MPI_DOUBLE_INT, buf, sizeof(buf), &pos, MPI_COMM_SELF));
  CHECK(pos == 3 * (int)(sizeof(double) + sizeof(int)), "MPI_Pack of 3 pairs: %d bytes", pos);
  int in = 0;
  CALL(MPI_Unpack(buf, pos, &in, back, 3, MPI_DOUBLE_INT, MPI_COMM_SELF));
  CHECK(in == pos && back[2].v == 3 && back[2].i == 3 && back[1].i == 2, "unpack");
}

/* Pairs between ranks: rank r sends 5 MPI_SHORT_INT / MPI_LONG_DOUBLE_INT to r + 1. */
static void test_messages(void) {
  int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  struct si s_out[5], s_in[5];
  struct ldi l_out[5], l_in[5];
  memset(s_in, 0x33, sizeof(s_in));
  memset(l_in, 0x33, sizeof(l_in));
  for (int i = 0; i < 5; ++i) {
    s_out[i].v = (short)(g_rank * 10 + i);
    s_out[i].i = -i;
    l_out[i].v = g_rank + i / 4.0L;
    l_out[i].i = 100 + i;
  }
  MPI_Request r[4];
  CALL(MPI_Irecv(s_in, 5, MPI_SHORT_INT, prev, 5, MPI_COMM_WORLD, &r[0]));
  CALL(MPI_Irecv(l_in, 5, MPI_LONG_DOUBLE_INT, prev, 6, MPI_COMM_WORLD, &r[1]));
  CALL(MPI_Isend(s_out, 5, MPI_SHORT_INT, next, 5, MPI_COMM_WORLD, &r[2]));
  CALL(MPI_Isend(l_out, 5, MPI_LONG_DOUBLE_INT, next, 6, MPI_COMM_WORLD, &r[3]));
  MPI_Status st[4];
  CALL(MPI_Waitall(4, r, st));
  int count;
  CALL(MPI_Get_count(&st[0], MPI_SHORT_INT, &count));
  CHECK(count == 5, "MPI_SHORT_INT count %d", count);
  for (int i = 0; i < 5; ++i) {
    CHECK(s_in[i].v == prev * 10 + i && s_in[i].i == -i, "short_int %d: %d %d", i, s_in[i].v,
          s_in[i].i);
    CHECK(l_in[i].v == prev + i / 4.0L && l_in[i].i == 100 + i, "long_double_int %d", i);
    unsigned char gap[2];
    memcpy(gap, (char *)&s_in[i] + sizeof(short), 2);
    CHECK(gap[0] == 0x33 && gap[1] == 0x33, "short_int %d: padding written", i);
  }
}

/* MINLOC / MAXLOC: rank r contributes value (r * 7) % size at index r (ties: lowest index). */
static void test_reductions(void) {
  const int n = 4;
  struct di d_in[4], d_min[4], d_max[4];
  struct si s_in[4], s_min[4];
  struct li l_in[4], l_max[4];
  struct ldi q_in[4], q_min[4];
  struct fi f_in[4], f_max[4];
  struct ii i_in[4], i_min[4];
  for (int k = 0; k < n; ++k) {
    int v = (g_rank * 7 + k) % g_size;
    d_in[k].v = v + 0.5;
    d_in[k].i = g_rank;
    s_in[k].v = (short)v;
    s_in[k].i = g_rank;
    l_in[k].v = v;
    l_in[k].i = g_rank;
    q_in[k].v = v;
    q_in[k].i = g_rank;
    f_in[k].v = (float)v;
    f_in[k].i = g_rank;
    i_in[k].v = v;
    i_in[k].i = g_rank;
  }
  CALL(MPI_Allreduce(d_in, d_min, n, MPI_DOUBLE_INT, MPI_MINLOC, MPI_COMM_WORLD));
  CALL(MPI_Allreduce(d_in, d_max, n, MPI_DOUBLE_INT, MPI_MAXLOC, MPI_COMM_WORLD));
  CALL(MPI_Allreduce(s_in, s_min, n, MPI_SHORT_INT, MPI_MINLOC, MPI_COMM_WORLD));
  CALL(MPI_Allreduce(l_in, l_max, n, MPI_LONG_INT, MPI_MAXLOC, MPI_COMM_WORLD));
  CALL(MPI_Allreduce(f_in, f_max, n, MPI_FLOAT_INT, MPI_MAXLOC, MPI_COMM_WORLD));
  CALL(MPI_Allreduce(i_in, i_min, n, MPI_2INT, MPI_MINLOC, MPI_COMM_WORLD));
  MPI_Request req;
  CALL(MPI_Iallreduce(q_in, q_min, n, MPI_LONG_DOUBLE_INT, MPI_MINLOC, MPI_COMM_WORLD, &req));
  CALL(MPI_Wait(&req, MPI_STATUS_IGNORE));
  for (int k = 0; k < n; ++k) {
    /* The lowest rank holding the minimum (maximum) of (r * 7 + k) % size. */
    int min_v = g_size, min_r = -1, max_v = -1, max_r = -1;
    for (int r = 0; r < g_size; ++r) {
      int v = (r * 7 + k) % g_size;
      if (v < min_v) min_v = v, min_r = r;
      if (v > max_v) max_v = v, max_r = r;
    }
    CHECK(d_min[k].v == min_v + 0.5 && d_min[k].i == min_r, "double_int minloc %d: %g@%d", k,
          d_min[k].v, d_min[k].i);
    CHECK(d_max[k].v == max_v + 0.5 && d_max[k].i == max_r, "double_int maxloc %d", k);
    CHECK(s_min[k].v == min_v && s_min[k].i == min_r, "short_int minloc %d: %d@%d", k, s_min[k].v,
          s_min[k].i);
    CHECK(l_max[k].v == max_v && l_max[k].i == max_r, "long_int maxloc %d", k);
    CHECK(f_max[k].v == max_v && f_max[k].i == max_r, "float_int maxloc %d", k);
    CHECK(i_min[k].v == min_v && i_min[k].i == min_r, "2int minloc %d", k);
    CHECK(q_min[k].v == min_v && q_min[k].i == min_r, "long_double_int minloc %d", k);
  }
  /* In place, and MPI_Reduce_local on user memory. */
  struct di inout[4];
  memcpy(inout, d_in, sizeof(inout));
  CALL(MPI_Allreduce(MPI_IN_PLACE, inout, n, MPI_DOUBLE_INT, MPI_MINLOC, MPI_COMM_WORLD));
  for (int k = 0; k < n; ++k)
    CHECK(inout[k].v == d_min[k].v && inout[k].i == d_min[k].i, "in place");
  struct di a[3] = {{1, 5}, {4, 6}, {2, 7}}, b[3] = {{1, 2}, {3, 8}, {9, 9}};
  CALL(MPI_Reduce_local(a, b, 3, MPI_DOUBLE_INT, MPI_MINLOC));
  CHECK(b[0].v == 1 && b[0].i == 2 && b[1].v == 3 && b[1].i == 8 && b[2].v == 2 && b[2].i == 7,
        "reduce_local minloc: %g@%d %g@%d %g@%d", b[0].v, b[0].i, b[1].v, b[1].i, b[2].v, b[2].i);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  test_sizes();
  test_elements();
  test_messages();
  test_reductions();
  return finish_ok();
}
