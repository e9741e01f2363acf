/* Bound markers: MPI-1's MPI_LB and MPI_UB (removed in MPI-3.0, still provided by MPICH) and
 * the markers MPI_Type_create_resized places. An explicit marker fixes the bound and stays
 * ("sticky") through every derived constructor: lb is the lowest lb marker when there is one,
 * ub the highest ub marker, and a struct's alignment padding only applies without a ub marker
 * (MPI-4.1 5.1.7, MPI-1 3.12.3). Checks the markers themselves (size, bounds, name, envelope,
 * attributes, MPI_Type_free), struct/contiguous/vector/hvector/indexed/hindexed/
 * hindexed_block/subarray/dup/resized of marked types through both the MPI-1 and the MPI-2
 * query calls, get_contents, and messages, packing (native and external32) and
 * MPI_Get_elements with them. Uses only <mpi.h>. Prints "datatype_bounds_test: OK (<n> checks)"
 * on rank 0. */
#define kTestName "datatype_bounds_test"

#include "datatype_check.h"

/* size, lb, ub (extent ub - lb), true lb, true extent of t, through every query call. */
static void expect_bounds(const char *what, MPI_Datatype t, int size, MPI_Aint lb, MPI_Aint ub,
                          MPI_Aint tlb, MPI_Aint textent) {
  int s;
  MPI_Aint l, e, tl, te, a;
  MPI_Count sx, lx, ex;
  CALL(MPI_Type_size(t, &s));
  CALL(MPI_Type_get_extent(t, &l, &e));
  CALL(MPI_Type_get_true_extent(t, &tl, &te));
  CHECK(s == size, "%s: size %d, want %d", what, s, size);
  CHECK(l == lb && e == ub - lb, "%s: lb %ld extent %ld, want %ld %ld", what, (long)l, (long)e,
        (long)lb, (long)(ub - lb));
  CHECK(tl == tlb && te == textent, "%s: true lb %ld extent %ld, want %ld %ld", what, (long)tl,
        (long)te, (long)tlb, (long)textent);
  CALL(MPI_Type_lb(t, &a));
  CHECK(a == lb, "%s: MPI_Type_lb %ld", what, (long)a);
  CALL(MPI_Type_ub(t, &a));
  CHECK(a == ub, "%s: MPI_Type_ub %ld", what, (long)a);
  CALL(MPI_Type_extent(t, &a));
  CHECK(a == ub - lb, "%s: MPI_Type_extent %ld", what, (long)a);
  CALL(MPI_Type_size_x(t, &sx));
  CALL(MPI_Type_get_extent_x(t, &lx, &ex));
  CHECK(sx == size && lx == lb && ex == ub - lb, "%s: _x forms", what);
}

static MPI_Datatype make_struct(int n, const int *bl, const MPI_Aint *d, const MPI_Datatype *ty) {
  MPI_Datatype t;
  CALL(MPI_Type_create_struct(n, bl, d, ty, &t));
  return t;
}

/* The markers themselves. */
static void markers(void) {
  g_label = "markers";
  const MPI_Datatype m[2] = {MPI_LB, MPI_UB};
  const char *names[2] = {"MPI_LB", "MPI_UB"};
  for (int k = 0; k < 2; ++k) {
    expect_bounds(names[k], m[k], 0, 0, 0, 0, 0);
    char name[MPI_MAX_OBJECT_NAME];
    int len, ni, na, nt, comb, flag;
    CALL(MPI_Type_get_name(m[k], name, &len));
    CHECK(strcmp(name, names[k]) == 0 && len == (int)strlen(names[k]), "name %s", name);
    CALL(MPI_Type_get_envelope(m[k], &ni, &na, &nt, &comb));
    CHECK(comb == MPI_COMBINER_NAMED && ni == 0 && na == 0 && nt == 0, "envelope %d", comb);
    MPI_Datatype t = m[k];
    EXPECT_CLASS(MPI_Type_free(&t), MPI_ERR_TYPE);
    CHECK(t == m[k], "a failed free changed the handle");
    void *v;
    /* What mpi4py's test_exceptions asks of every predefined type (MPICH answers the same). */
    EXPECT_CLASS(MPI_Type_get_attr(m[k], MPI_KEYVAL_INVALID, &v, &flag), MPI_ERR_KEYVAL);
    EXPECT_CLASS(MPI_Type_set_attr(m[k], MPI_KEYVAL_INVALID, NULL), MPI_ERR_KEYVAL);
    EXPECT_CLASS(MPI_Type_delete_attr(m[k], MPI_KEYVAL_INVALID), MPI_ERR_KEYVAL);
    /* Attributes on them work as on any predefined type. */
    int key;
    CALL(MPI_Type_create_keyval(MPI_TYPE_NULL_COPY_FN, MPI_TYPE_NULL_DELETE_FN, &key, NULL));
    CALL(MPI_Type_set_attr(m[k], key, (void *)names[k]));
    CALL(MPI_Type_get_attr(m[k], key, &v, &flag));
    CHECK(flag && v == (void *)names[k], "attribute on %s", names[k]);
    CALL(MPI_Type_delete_attr(m[k], key));
    CALL(MPI_Type_free_keyval(&key));
  }
  /* Another predefined type still answers MPI_ERR_KEYVAL too. */
  void *v;
  int flag;
  EXPECT_CLASS(MPI_Type_get_attr(MPI_INT, MPI_KEYVAL_INVALID, &v, &flag), MPI_ERR_KEYVAL);
  EXPECT_CLASS(MPI_Type_get_attr(MPI_DATATYPE_NULL, MPI_KEYVAL_INVALID, &v, &flag), MPI_ERR_TYPE);
}

/* { (LB,-3), 4*(BYTE,0), (UB,6) } and what the constructors make of it (MPICH 4.0.2 and
 * Open MPI 4.1 give the same numbers). */
static void derived_from_marked(void) {
  g_label = "derived";
  int bl[3] = {1, 4, 1};
  MPI_Aint d[3] = {-3, 0, 6};
  MPI_Datatype ty[3] = {MPI_LB, MPI_BYTE, MPI_UB}, evil, t;
  CALL(MPI_Type_struct(3, bl, d, ty, &evil)); /* the MPI-1 name */
  expect_bounds("evil", evil, 4, -3, 6, 0, 4);
  CALL(MPI_Type_contiguous(3, evil, &t));
  expect_bounds("contiguous(3)", t, 12, -3, 24, 0, 22);
  CALL(MPI_Type_free(&t));
  CALL(MPI_Type_dup(evil, &t));
  expect_bounds("dup", t, 4, -3, 6, 0, 4);
  CALL(MPI_Type_free(&t));
  CALL(MPI_Type_vector(3, 4, 5, evil, &t));
  expect_bounds("vector(3,4,5)", t, 48, -3, 123, 0, 121);
  CALL(MPI_Type_free(&t));
  CALL(MPI_Type_vector(3, 4, -5, evil, &t));
  expect_bounds("vector(3,4,-5)", t, 48, -93, 33, -90, 121);
  CALL(MPI_Type_free(&t));
  CALL(MPI_Type_vector(3, 2, -4, evil, &t));
  expect_bounds("vector(3,2,-4)", t, 24, -75, 15, -72, 85);
  CALL(MPI_Type_free(&t));
  CALL(MPI_Type_create_hvector(3, 2, -40, evil, &t));
  expect_bounds("hvector(3,2,-40)", t, 24, -83, 15, -80, 93);
  CALL(MPI_Type_free(&t));
  {
    int b2[2] = {2, 3}, d2[2] = {0, 5};
    CALL(MPI_Type_indexed(2, b2, d2, evil, &t));
    expect_bounds("indexed", t, 20, -3, 69, 0, 67);
    CALL(MPI_Type_free(&t));
    MPI_Aint h2[2] = {0, 50};
    CALL(MPI_Type_create_hindexed(2, b2, h2, evil, &t));
    expect_bounds("hindexed", t, 20, -3, 74, 0, 72);
    CALL(MPI_Type_free(&t));
    MPI_Aint h1 = 7;
    CALL(MPI_Type_create_hindexed_block(1, 2, &h1, evil, &t));
    expect_bounds("hindexed_block", t, 8, 4, 22, 7, 13);
    CALL(MPI_Type_free(&t));
  }
  {
    int size = 4, sub = 2, start = 1;
    CALL(MPI_Type_create_subarray(1, &size, &sub, &start, MPI_ORDER_C, evil, &t));
    expect_bounds("subarray", t, 8, 0, 36, 9, 13);
    CALL(MPI_Type_free(&t));
  }
  CALL(MPI_Type_create_resized(evil, 0, 20, &t));
  expect_bounds("resized", t, 4, 0, 20, 0, 4);
  CALL(MPI_Type_free(&t));

  /* A negative extent: { (LB,6), 4*(BYTE,0), (UB,-3) }; three of them lie 9 bytes apart
   * downwards, the markers at 6, -3, -12 (lb) and -3, -12, -21 (ub). */
  MPI_Aint dn[3] = {6, 0, -3};
  MPI_Datatype neg = make_struct(3, bl, dn, ty);
  expect_bounds("negative", neg, 4, 6, -3, 0, 4);
  CALL(MPI_Type_contiguous(3, neg, &t));
  expect_bounds("contiguous(3) of negative", t, 12, -12, -3, -18, 22);
  CALL(MPI_Type_free(&t));
  CALL(MPI_Type_free(&neg));

  /* get_contents hands the markers back as themselves. */
  int ni, na, nt, comb, ints[4];
  MPI_Aint aints[3];
  MPI_Datatype types[3];
  CALL(MPI_Type_get_envelope(evil, &ni, &na, &nt, &comb));
  CHECK(comb == MPI_COMBINER_STRUCT && ni == 4 && na == 3 && nt == 3, "struct envelope");
  CALL(MPI_Type_get_contents(evil, 4, 3, 3, ints, aints, types));
  CHECK(types[0] == MPI_LB && types[1] == MPI_BYTE && types[2] == MPI_UB, "contents types");
  CHECK(ints[0] == 3 && ints[1] == 1 && ints[2] == 4 && aints[0] == -3 && aints[2] == 6,
        "contents values");
  CALL(MPI_Type_free(&evil));
}

/* Markers in a struct beside data, and types of markers alone. */
static void struct_rules(void) {
  g_label = "struct";
  MPI_Datatype t;
  {
    /* The ub marker wins over the padding (without it: ub 8). */
    int bl[3] = {1, 1, 1};
    MPI_Aint d[3] = {0, 4, 6};
    MPI_Datatype ty[3] = {MPI_INT, MPI_CHAR, MPI_UB};
    t = make_struct(3, bl, d, ty);
    expect_bounds("int,char,UB@6", t, 5, 0, 6, 0, 5);
    CALL(MPI_Type_free(&t));
    MPI_Aint d2[3] = {0, 8, 9};
    MPI_Datatype ty2[3] = {MPI_DOUBLE, MPI_CHAR, MPI_UB};
    t = make_struct(3, bl, d2, ty2);
    expect_bounds("double,char,UB@9", t, 9, 0, 9, 0, 9);
    CALL(MPI_Type_free(&t));
    /* An lb marker below the data: the padding rounds the extent from the marker. */
    MPI_Aint d3[3] = {0, 8, 16};
    MPI_Datatype ty3[3] = {MPI_LB, MPI_DOUBLE, MPI_CHAR};
    t = make_struct(3, bl, d3, ty3);
    expect_bounds("LB@0,double@8,char@16", t, 9, 0, 24, 8, 9);
    CALL(MPI_Type_free(&t));
    /* An lb marker above data that lies lower: the marker still is the lb; the extent 3
     * (5 - 2) is padded to the int's alignment. MPICH 4.0.2 pads from the data (ub 8). */
    MPI_Aint d4[3] = {2, 0, 4};
    MPI_Datatype ty4[3] = {MPI_LB, MPI_INT, MPI_CHAR};
    t = make_struct(3, bl, d4, ty4);
    expect_bounds("LB@2,int,char@4", t, 5, 2, 6, 0, 5);
    CALL(MPI_Type_free(&t));
  }
  {
    int bl[2] = {1, 1};
    /* Only an lb marker: { (LB,10) } has lb 10, ub 0 (datatype/struct_no_real_types). */
    MPI_Aint d[1] = {10};
    MPI_Datatype ty[1] = {MPI_LB};
    t = make_struct(1, bl, d, ty);
    expect_bounds("LB@10", t, 0, 10, 0, 0, 0);
    CALL(MPI_Type_free(&t));
    MPI_Aint du[1] = {6};
    MPI_Datatype tu[1] = {MPI_UB};
    t = make_struct(1, bl, du, tu);
    expect_bounds("UB@6", t, 0, 0, 6, 0, 0);
    /* Copies of it lie one extent apart like any other's: ub markers at 6 and 12. */
    MPI_Datatype two;
    CALL(MPI_Type_contiguous(2, t, &two));
    expect_bounds("contiguous(2) of UB@6", two, 0, 0, 12, 0, 0);
    CALL(MPI_Type_free(&two));
    CALL(MPI_Type_free(&t));
    /* Several ub markers: the highest. */
    MPI_Aint d2[2] = {6, -2};
    MPI_Datatype t2[2] = {MPI_UB, MPI_UB};
    t = make_struct(2, bl, d2, t2);
    expect_bounds("UB@6,UB@-2", t, 0, 0, 6, 0, 0);
    CALL(MPI_Type_free(&t));
    /* A marker with blocklength 3 is one marker (extent 0); with blocklength 0, none. */
    int b3[2] = {3, 1};
    MPI_Aint d3[2] = {-5, 0};
    MPI_Datatype t3[2] = {MPI_LB, MPI_CHAR};
    t = make_struct(2, b3, d3, t3);
    expect_bounds("3*LB@-5,char", t, 1, -5, 1, 0, 1);
    CALL(MPI_Type_free(&t));
    int b0[2] = {0, 1};
    MPI_Aint d0[2] = {-8, 0};
    MPI_Datatype t0[2] = {MPI_LB, MPI_INT};
    t = make_struct(2, b0, d0, t0);
    expect_bounds("0*LB@-8,int", t, 4, 0, 4, 0, 4);
    CALL(MPI_Type_free(&t));
  }
  {
    /* Stickiness through a parent: A = { (LB,-3), (BYTE,0) } keeps lb -3 in a struct with an
     * int at 100; without a ub marker the ub is the data's, padded (104 + 3 -> 105). */
    int bl[2] = {1, 1};
    MPI_Aint d[2] = {-3, 0};
    MPI_Datatype ty[2] = {MPI_LB, MPI_BYTE}, a, b;
    a = make_struct(2, bl, d, ty);
    expect_bounds("A", a, 1, -3, 1, 0, 1);
    MPI_Aint d2[2] = {0, 100};
    MPI_Datatype ty2[2] = {a, MPI_INT};
    b = make_struct(2, bl, d2, ty2);
    expect_bounds("struct(A,int@100)", b, 5, -3, 105, 0, 104);
    CALL(MPI_Type_free(&b));
    CALL(MPI_Type_free(&a));
    /* Both markers sticky: the int at 100 changes neither bound (the standard's rule and
     * Open MPI's; MPICH 4.0.2 lets the data move the ub). */
    int b3[3] = {1, 4, 1};
    MPI_Aint d3[3] = {-3, 0, 6};
    MPI_Datatype ty3[3] = {MPI_LB, MPI_BYTE, MPI_UB};
    a = make_struct(3, b3, d3, ty3);
    ty2[0] = a;
    b = make_struct(2, bl, d2, ty2);
    expect_bounds("struct(evil,int@100)", b, 8, -3, 6, 0, 104);
    CALL(MPI_Type_free(&b));
    CALL(MPI_Type_free(&a));
    /* A resized type's bounds are markers too (MPI_Type_create_resized erases the old ones
     * and places new ones). */
    CALL(MPI_Type_create_resized(MPI_INT, -4, 16, &a));
    ty2[0] = a;
    b = make_struct(2, bl, d2, ty2);
    expect_bounds("struct(resized(int,-4,16),int@100)", b, 8, -4, 12, 0, 104);
    CALL(MPI_Type_free(&b));
    /* ... and a resize of a marked type replaces its markers. */
    MPI_Datatype c;
    CALL(MPI_Type_create_resized(b = make_struct(2, bl, d2, ty2), 0, 200, &c));
    expect_bounds("resized(struct)", c, 8, 0, 200, 0, 104);
    CALL(MPI_Type_free(&c));
    CALL(MPI_Type_free(&b));
    CALL(MPI_Type_free(&a));
  }
}

/* { (LB,-8), (INT,0) }: extent 12, so element i's int lies at 12 * i bytes. */
static void messages(void) {
  g_label = "messages";
  int bl[2] = {1, 1};
  MPI_Aint d[2] = {-8, 0};
  MPI_Datatype ty[2] = {MPI_LB, MPI_INT}, t;
  t = make_struct(2, bl, d, ty);
  CALL(MPI_Type_commit(&t));
  int buf[12], got[12];
  for (int i = 0; i < 12; ++i) buf[i] = 100 * g_me + i;

  /* Pack: the ints of elements at buf + 2, i.e. buf[2], buf[5], buf[8]. */
  char packed[64];
  int pos = 0, psize;
  CALL(MPI_Pack_size(3, t, MPI_COMM_WORLD, &psize));
  CHECK(psize >= 12, "pack size %d", psize);
  CALL(MPI_Pack(buf + 2, 3, t, packed, sizeof packed, &pos, MPI_COMM_WORLD));
  CHECK(pos == 12, "packed %d bytes", pos);
  memcpy(got, packed, 12);
  CHECK(got[0] == buf[2] && got[1] == buf[5] && got[2] == buf[8], "packed %d %d %d", got[0], got[1],
        got[2]);
  int back[12] = {0};
  pos = 0;
  CALL(MPI_Unpack(packed, 12, &pos, back + 2, 3, t, MPI_COMM_WORLD));
  CHECK(back[2] == buf[2] && back[5] == buf[5] && back[8] == buf[8] && back[3] == 0 && back[4] == 0,
        "unpacked");
  /* external32: the marker contributes no bytes. */
  MPI_Aint esize, epos = 0;
  CALL(MPI_Pack_external_size("external32", 3, t, &esize));
  CHECK(esize == 12, "external32 size %ld", (long)esize);
  CALL(MPI_Pack_external("external32", buf + 2, 3, t, packed, sizeof packed, &epos));
  CHECK(epos == 12, "external32 packed %ld", (long)epos);
  memset(back, 0, sizeof back);
  epos = 0;
  CALL(MPI_Unpack_external("external32", packed, 12, &epos, back + 2, 3, t));
  CHECK(back[2] == buf[2] && back[5] == buf[5] && back[8] == buf[8], "external32 round trip");

  /* Around the ring: send 3 marked elements, receive plain ints and the other way round. */
  MPI_Status st;
  int n;
  memset(got, 0, sizeof got);
  CALL(MPI_Sendrecv(buf + 2, 3, t, next_rank(), 1, got, 3, MPI_INT, prev_rank(), 1, MPI_COMM_WORLD,
                    &st));
  const int from = 100 * prev_rank();
  CHECK(got[0] == from + 2 && got[1] == from + 5 && got[2] == from + 8, "ring ints");
  CALL(MPI_Get_count(&st, MPI_INT, &n));
  CHECK(n == 3, "count %d", n);
  memset(got, 0, sizeof got);
  CALL(MPI_Sendrecv(buf, 3, MPI_INT, next_rank(), 2, got + 2, 3, t, prev_rank(), 2, MPI_COMM_WORLD,
                    &st));
  CHECK(got[2] == from && got[5] == from + 1 && got[8] == from + 2 && got[3] == 0, "ring typed");
  CALL(MPI_Get_count(&st, t, &n));
  CHECK(n == 3, "typed count %d", n);
  CALL(MPI_Get_elements(&st, t, &n));
  CHECK(n == 3, "elements %d (markers are not elements)", n);
  CALL(MPI_Type_free(&t));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  g_comm = MPI_COMM_WORLD;
  g_me = g_world_rank;
  MPI_Comm_size(MPI_COMM_WORLD, &g_p);
  markers();
  derived_from_marked();
  struct_rules();
  messages();
  return finish_ok();
}
