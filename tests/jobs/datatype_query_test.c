/* Derived datatypes asked about rather than sent: MPI_Type_get_envelope/get_contents of every
 * combiner (and their _c forms), extents of large counts, and the MPI-1 names removed in MPI-3.0
 * that MPICH still exports. Uses only <mpi.h>. Prints "datatype_query_test: OK (<n> checks)". */
#define kTestName "datatype_query_test"

#include "datatype_check.h"

static void expect_envelope(MPI_Datatype t, int ni, int na, int nd, int combiner) {
  int i, a, d, c;
  CALL(MPI_Type_get_envelope(t, &i, &a, &d, &c));
  CHECK(i == ni && a == na && d == nd && c == combiner, "envelope of combiner %d: %d %d %d %d",
        combiner, i, a, d, c);
}

static void contents(void) {
  g_label = "contents";
  MPI_Datatype t, types[4];
  int ints[32];
  MPI_Aint aints[8];
  expect_envelope(MPI_INT, 0, 0, 0, MPI_COMBINER_NAMED);
  EXPECT_CLASS(MPI_Type_get_contents(MPI_INT, 0, 0, 0, ints, aints, types), MPI_ERR_TYPE);
  CALL(MPI_Type_contiguous(7, MPI_INT, &t));
  expect_envelope(t, 1, 0, 1, MPI_COMBINER_CONTIGUOUS);
  CALL(MPI_Type_get_contents(t, 1, 0, 1, ints, aints, types));
  CHECK(ints[0] == 7 && types[0] == MPI_INT, "contiguous contents");
  MPI_Datatype inner = t;
  CALL(MPI_Type_vector(2, 3, 4, inner, &t));
  expect_envelope(t, 3, 0, 1, MPI_COMBINER_VECTOR);
  CALL(MPI_Type_get_contents(t, 3, 0, 1, ints, aints, types));
  CHECK(ints[0] == 2 && ints[1] == 3 && ints[2] == 4, "vector contents");
  /* A derived constituent comes back as a new handle to an equivalent type. */
  int n1;
  MPI_Type_size(types[0], &n1);
  CHECK(n1 == 28 && types[0] != inner, "vector's oldtype: size %d", n1);
  MPI_Type_free(&types[0]);
  MPI_Type_free(&t);
  MPI_Type_free(&inner);
  CALL(MPI_Type_create_hvector(2, 3, 100, MPI_DOUBLE, &t));
  expect_envelope(t, 2, 1, 1, MPI_COMBINER_HVECTOR);
  CALL(MPI_Type_get_contents(t, 2, 1, 1, ints, aints, types));
  CHECK(ints[0] == 2 && ints[1] == 3 && aints[0] == 100 && types[0] == MPI_DOUBLE, "hvector");
  MPI_Type_free(&t);
  int bl[2] = {2, 1}, disp[2] = {5, 1};
  MPI_Aint ad[2] = {40, 8};
  CALL(MPI_Type_indexed(2, bl, disp, MPI_INT, &t));
  expect_envelope(t, 5, 0, 1, MPI_COMBINER_INDEXED);
  CALL(MPI_Type_get_contents(t, 5, 0, 1, ints, aints, types));
  CHECK(ints[0] == 2 && ints[1] == 2 && ints[2] == 1 && ints[3] == 5 && ints[4] == 1, "indexed");
  MPI_Aint lb, ext;
  CALL(MPI_Type_get_extent(t, &lb, &ext));
  CHECK(lb == 4 && ext == 24, "indexed extent %ld %ld", (long)lb, (long)ext);
  MPI_Type_free(&t);
  CALL(MPI_Type_create_hindexed(2, bl, ad, MPI_INT, &t));
  expect_envelope(t, 3, 2, 1, MPI_COMBINER_HINDEXED);
  CALL(MPI_Type_get_contents(t, 3, 2, 1, ints, aints, types));
  CHECK(ints[1] == 2 && aints[0] == 40 && aints[1] == 8, "hindexed");
  MPI_Type_free(&t);
  CALL(MPI_Type_create_indexed_block(2, 3, disp, MPI_INT, &t));
  expect_envelope(t, 4, 0, 1, MPI_COMBINER_INDEXED_BLOCK);
  CALL(MPI_Type_get_contents(t, 4, 0, 1, ints, aints, types));
  CHECK(ints[0] == 2 && ints[1] == 3 && ints[2] == 5 && ints[3] == 1, "indexed_block");
  MPI_Type_free(&t);
  CALL(MPI_Type_create_hindexed_block(2, 3, ad, MPI_INT, &t));
  expect_envelope(t, 2, 2, 1, MPI_COMBINER_HINDEXED_BLOCK);
  MPI_Type_free(&t);
  t = rec_type();
  expect_envelope(t, 4, 3, 3, MPI_COMBINER_STRUCT);
  CALL(MPI_Type_get_contents(t, 4, 3, 3, ints, aints, types));
  CHECK(ints[0] == 3 && ints[3] == 3 && aints[1] == 8 && types[2] == MPI_CHAR, "struct");
  MPI_Type_free(&t);
  int sizes[2] = {8, 10}, subs[2] = {3, 4}, starts[2] = {2, 3};
  CALL(MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_FORTRAN, MPI_INT, &t));
  expect_envelope(t, 8, 0, 1, MPI_COMBINER_SUBARRAY);
  CALL(MPI_Type_get_contents(t, 8, 0, 1, ints, aints, types));
  CHECK(
      ints[0] == 2 && ints[2] == 10 && ints[4] == 4 && ints[6] == 3 && ints[7] == MPI_ORDER_FORTRAN,
      "subarray");
  MPI_Type_free(&t);
  int gs[2] = {10, 6}, dist[2] = {MPI_DISTRIBUTE_BLOCK, MPI_DISTRIBUTE_CYCLIC},
      dargs[2] = {MPI_DISTRIBUTE_DFLT_DARG, 2}, ps[2] = {2, 1};
  CALL(MPI_Type_create_darray(2, 1, 2, gs, dist, dargs, ps, MPI_ORDER_C, MPI_INT, &t));
  expect_envelope(t, 4 * 2 + 4, 0, 1, MPI_COMBINER_DARRAY);
  CALL(MPI_Type_get_contents(t, 12, 0, 1, ints, aints, types));
  CHECK(ints[0] == 2 && ints[1] == 1 && ints[3] == 10 && ints[5] == MPI_DISTRIBUTE_BLOCK &&
            ints[8] == 2 && ints[11] == MPI_ORDER_C,
        "darray contents");
  /* Rank 1 of 2 owns rows 5..9 of the 10 x 6 array (all 6 columns). */
  CALL(MPI_Type_commit(&t));
  int size;
  CALL(MPI_Type_size(t, &size));
  CALL(MPI_Type_get_extent(t, &lb, &ext));
  CHECK(size == 30 * 4 && lb == 0 && ext == 60 * 4, "darray size %d extent %ld", size, (long)ext);
  int full[60], part[30], pos = 0;
  for (int i = 0; i < 60; ++i) full[i] = i;
  CALL(MPI_Pack(full, 1, t, part, sizeof part, &pos, MPI_COMM_WORLD));
  CHECK(part[0] == 30 && part[29] == 59, "darray data %d %d", part[0], part[29]);
  MPI_Type_free(&t);
  /* CYCLIC(2) over 3 processes, rank 1 of 3 owns 2, 3, 8, 9 of 0..9; FORTRAN order 2-d with
   * BLOCK in the first (fastest) dimension: rank 1 of 2 owns rows 2..3 of each column. */
  int g1[1] = {10}, d1[1] = {MPI_DISTRIBUTE_CYCLIC}, da1[1] = {2}, p1[1] = {3};
  CALL(MPI_Type_create_darray(3, 1, 1, g1, d1, da1, p1, MPI_ORDER_C, MPI_INT, &t));
  CALL(MPI_Type_commit(&t));
  pos = 0;
  CALL(MPI_Pack(full, 1, t, part, sizeof part, &pos, MPI_COMM_WORLD));
  CHECK(pos == 16 && part[0] == 2 && part[1] == 3 && part[2] == 8 && part[3] == 9,
        "darray cyclic %d %d %d %d", part[0], part[1], part[2], part[3]);
  MPI_Type_free(&t);
  int g2[2] = {4, 3}, d2[2] = {MPI_DISTRIBUTE_BLOCK, MPI_DISTRIBUTE_NONE},
      a2[2] = {MPI_DISTRIBUTE_DFLT_DARG, MPI_DISTRIBUTE_DFLT_DARG}, p2[2] = {2, 1};
  CALL(MPI_Type_create_darray(2, 1, 2, g2, d2, a2, p2, MPI_ORDER_FORTRAN, MPI_INT, &t));
  CALL(MPI_Type_commit(&t));
  pos = 0;
  CALL(MPI_Pack(full, 1, t, part, sizeof part, &pos, MPI_COMM_WORLD));
  CHECK(pos == 24 && part[0] == 2 && part[1] == 3 && part[2] == 6 && part[5] == 11,
        "darray fortran %d %d %d %d", part[0], part[1], part[2], part[5]);
  MPI_Type_free(&t);
  CALL(MPI_Type_create_resized(MPI_INT, -4, 16, &t));
  expect_envelope(t, 0, 2, 1, MPI_COMBINER_RESIZED);
  CALL(MPI_Type_get_contents(t, 0, 2, 1, ints, aints, types));
  CHECK(aints[0] == -4 && aints[1] == 16, "resized");
  MPI_Aint tlb, text;
  CALL(MPI_Type_get_true_extent(t, &tlb, &text));
  CHECK(tlb == 0 && text == 4, "true extent");
  MPI_Type_free(&t);
  CALL(MPI_Type_dup(MPI_DOUBLE, &t));
  expect_envelope(t, 0, 0, 1, MPI_COMBINER_DUP);
  char name[MPI_MAX_OBJECT_NAME];
  int len;
  CALL(MPI_Type_set_name(t, "my double"));
  CALL(MPI_Type_get_name(t, name, &len));
  CHECK(len == 9 && strcmp(name, "my double") == 0, "derived name %s", name);
  CALL(MPI_Type_get_name(MPI_INT, name, &len));
  CHECK(strcmp(name, "MPI_INT") == 0, "predefined name %s", name);
  CALL(MPI_Type_get_name(MPI_C_COMPLEX, name, &len));
  CHECK(strcmp(name, "MPI_C_COMPLEX") == 0 && len == 13, "MPI_C_COMPLEX's name %s", name);
  MPI_Type_free(&t);
  MPI_Datatype f1, f2;
  CALL(MPI_Type_create_f90_real(10, 100, &f1));
  CALL(MPI_Type_create_f90_real(10, 100, &f2));
  CHECK(f1 == f2, "f90 types are cached");
  expect_envelope(f1, 2, 0, 0, MPI_COMBINER_F90_REAL);
  CALL(MPI_Type_get_contents(f1, 2, 0, 0, ints, aints, types));
  CHECK(ints[0] == 10 && ints[1] == 100, "f90 contents");
  CALL(MPI_Type_size(f1, &size));
  CHECK(size == 8, "f90 real(10,100) size %d", size);
  EXPECT_CLASS(MPI_Type_free(&f1), MPI_ERR_TYPE);
  CALL(MPI_Type_create_f90_integer(5, &f1));
  CALL(MPI_Type_size(f1, &size));
  CHECK(size == 4, "f90 integer(5) size %d", size);
  CALL(MPI_Type_match_size(MPI_TYPECLASS_REAL, 8, &t));
  CHECK(t == MPI_REAL8, "match_size");
  CALL(MPI_Type_get_value_index(MPI_DOUBLE, MPI_INT, &t));
  CHECK(t == MPI_DOUBLE_INT, "value_index");
  CALL(MPI_Type_get_value_index(MPI_CHAR, MPI_INT, &t));
  CHECK(t == MPI_DATATYPE_NULL, "value_index none");
  /* Large-count constructors report counts as large counts. */
  CALL(MPI_Type_vector_c(2, 3, 5000000000L, MPI_CHAR, &t));
  MPI_Count ci, ca, cc, cd;
  int comb;
  CALL(MPI_Type_get_envelope_c(t, &ci, &ca, &cc, &cd, &comb));
  CHECK(ci == 0 && ca == 0 && cc == 3 && cd == 1 && comb == MPI_COMBINER_VECTOR, "envelope_c");
  MPI_Count counts[3];
  CALL(MPI_Type_get_contents_c(t, 0, 0, 3, 1, ints, aints, counts, types));
  CHECK(counts[2] == 5000000000L, "contents_c");
  EXPECT_CLASS(MPI_Type_get_envelope(t, &ints[0], &ints[1], &ints[2], &ints[3]), MPI_ERR_TYPE);
  MPI_Count clb, cext;
  CALL(MPI_Type_get_extent_c(t, &clb, &cext));
  CHECK(cext == 5000000003L, "extent_c %ld", (long)cext);
  MPI_Type_free(&t);
  MPI_Aint a1 = MPI_Aint_add(1000, 24);
  CHECK(a1 == 1024 && MPI_Aint_diff(a1, 1000) == 24, "Aint_add/diff");
}

/* The MPI-1 names removed in MPI-3.0 (still exported, as by MPICH) agree with their
 * successors; their bad arguments get the same classes. */
static void removed_mpi1_names(void) {
  MPI_Datatype hv, hv2, hi, st;
  MPI_Aint lb, ext, ub, ext2, a1, a2;
  int x[2];
  CALL(MPI_Type_hvector(3, 2, 40, MPI_INT, &hv));
  CALL(MPI_Type_create_hvector(3, 2, 40, MPI_INT, &hv2));
  CALL(MPI_Type_extent(hv, &ext));
  CALL(MPI_Type_get_extent(hv2, &lb, &ext2));
  CHECK(ext == ext2 && ext == 88, "hvector extent %ld / %ld", (long)ext, (long)ext2);
  expect_envelope(hv, 2, 1, 1, MPI_COMBINER_HVECTOR);
  int bl[2] = {1, 2};
  MPI_Aint disp[2] = {-8, 16};
  CALL(MPI_Type_hindexed(2, bl, disp, MPI_INT, &hi));
  CALL(MPI_Type_lb(hi, &lb));
  CALL(MPI_Type_ub(hi, &ub));
  CHECK(lb == -8 && ub == 24, "hindexed bounds %ld..%ld", (long)lb, (long)ub);
  MPI_Datatype types[2] = {MPI_CHAR, MPI_DOUBLE};
  MPI_Aint sdisp[2] = {0, 8};
  CALL(MPI_Type_struct(2, bl, sdisp, types, &st));
  int size = 0;
  CALL(MPI_Type_size(st, &size));
  CALL(MPI_Type_ub(st, &ub));
  CHECK(size == 17 && ub == 24, "struct size %d ub %ld", size, (long)ub);
  CALL(MPI_Address(&x[1], &a2));
  CALL(MPI_Get_address(&x[0], &a1));
  CHECK(a2 - a1 == (MPI_Aint)sizeof(int), "MPI_Address %ld", (long)(a2 - a1));
  EXPECT_CLASS(MPI_Type_extent(MPI_DATATYPE_NULL, &ext), MPI_ERR_TYPE);
  EXPECT_CLASS(MPI_Type_ub(MPI_INT, NULL), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Type_hvector(-1, 1, 8, MPI_INT, &hv), MPI_ERR_COUNT);
  MPI_Type_free(&hv);
  MPI_Type_free(&hv2);
  MPI_Type_free(&hi);
  MPI_Type_free(&st);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  g_comm = MPI_COMM_WORLD;
  g_me = g_world_rank;
  MPI_Comm_size(MPI_COMM_WORLD, &g_p);
  contents();
  removed_mpi1_names();
  return finish_ok();
}
