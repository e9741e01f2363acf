/* Derived datatypes end to end: Pack/Unpack and external32, point-to-point with derived types
 * on both sides (sizes under the eager limit, between it and the single-copy threshold, and ~1 MiB), mixed send/receive types with the
 * same signature, zero counts, MPI_PROC_NULL, truncation, partial receives, freed requests and
 * types, collectives on derived types, and every bad argument with its error class under
 * MPI_ERRORS_RETURN (envelope/contents and the removed MPI-1 names: datatype_query_test.c).
 * Uses only <mpi.h>. Prints "datatype_test: OK (<n> checks)" on rank 0. */
#define kTestName "datatype_test"

#include "datatype_check.h"

/* Vector of doubles (n blocks of bl, stride st) over the ring, received contiguous and as the
 * same vector. */
static void vector_ring(int n, int bl, int st_) {
  g_label = "vector";
  MPI_Datatype vec;
  CALL(MPI_Type_vector(n, bl, st_, MPI_DOUBLE, &vec));
  CALL(MPI_Type_commit(&vec));
  const int span = st_ * (n - 1) + bl;
  double *src = xmalloc(sizeof(double) * span), *flat = xmalloc(sizeof(double) * bl * n);
  double *dst = xmalloc(sizeof(double) * span);
  for (int i = 0; i < span; ++i) src[i] = g_me * 1e7 + i, dst[i] = -1;
  MPI_Request rq;
  MPI_Status st;
  CALL(MPI_Irecv(flat, bl * n, MPI_DOUBLE, prev_rank(), 1, MPI_COMM_WORLD, &rq));
  CALL(MPI_Send(src, 1, vec, next_rank(), 1, MPI_COMM_WORLD));
  CALL(MPI_Wait(&rq, &st));
  for (int b = 0; b < n; ++b) {
    for (int k = 0; k < bl; ++k) {
      double want = prev_rank() * 1e7 + st_ * b + k;
      if (flat[bl * b + k] != want) {
        fail("vector n=%d: flat[%d] = %g, want %g", n, bl * b + k, flat[bl * b + k], want);
      }
    }
  }
  int count;
  CALL(MPI_Get_count(&st, MPI_DOUBLE, &count));
  CHECK(count == bl * n, "Get_count %d, want %d", count, bl * n);
  /* Contiguous send into the vector (the receive lands in the layout). */
  for (int i = 0; i < span; ++i) dst[i] = -1;
  CALL(MPI_Irecv(dst, 1, vec, prev_rank(), 14, MPI_COMM_WORLD, &rq));
  CALL(MPI_Send(src, bl * n, MPI_DOUBLE, next_rank(), 14, MPI_COMM_WORLD));
  CALL(MPI_Wait(&rq, &st));
  for (int i = 0; i < span; ++i) {
    double want = i % st_ >= bl ? -1 : prev_rank() * 1e7 + (i / st_) * bl + i % st_;
    if (dst[i] != want)
      fail("contiguous into vector n=%d: dst[%d] = %g, want %g", n, i, dst[i], want);
  }
  ++g_checks;
  for (int i = 0; i < span; ++i) dst[i] = -1;
  /* Both sides derived; Isend from a type freed before the wait. */
  MPI_Datatype dup;
  CALL(MPI_Type_dup(vec, &dup));
  CALL(MPI_Irecv(dst, 1, vec, prev_rank(), 2, MPI_COMM_WORLD, &rq));
  MPI_Request sq;
  CALL(MPI_Isend(src, 1, dup, next_rank(), 2, MPI_COMM_WORLD, &sq));
  CALL(MPI_Type_free(&dup));
  CHECK(dup == MPI_DATATYPE_NULL, "Type_free left the handle");
  CALL(MPI_Wait(&sq, MPI_STATUS_IGNORE));
  CALL(MPI_Wait(&rq, &st));
  for (int i = 0; i < span; ++i) {
    double want = i % st_ >= bl ? -1 : prev_rank() * 1e7 + i;
    if (dst[i] != want) fail("vector n=%d: dst[%d] = %g, want %g", n, i, dst[i], want);
  }
  CALL(MPI_Get_count(&st, vec, &count));
  CHECK(count == 1, "Get_count(vec) %d", count);
  CALL(MPI_Get_elements(&st, vec, &count));
  CHECK(count == bl * n, "Get_elements(vec) %d", count);
  CALL(MPI_Type_free(&vec));
  free(src), free(flat), free(dst);
}


/* Structs (with padding) over the ring, n records; Sendrecv with the struct both sides. */
static void struct_ring(int n) {
  g_label = "struct";
  MPI_Datatype t = rec_type();
  MPI_Aint lb, ext;
  CALL(MPI_Type_get_extent(t, &lb, &ext));
  CHECK(lb == 0 && ext == (MPI_Aint)sizeof(struct rec), "struct extent %ld", (long)ext);
  int size;
  CALL(MPI_Type_size(t, &size));
  CHECK(size == 4 + 8 + 3, "struct size %d", size);
  CALL(MPI_Type_commit(&t));
  struct rec *s = xmalloc(sizeof(struct rec) * n), *r = xmalloc(sizeof(struct rec) * n);
  memset(r, 0x55, sizeof(struct rec) * n);
  for (int i = 0; i < n; ++i) {
    s[i].a = g_me * 1000000 + i;
    s[i].b = i * 0.5;
    s[i].c[0] = (char)i, s[i].c[1] = (char)g_me, s[i].c[2] = 'z';
  }
  MPI_Status st;
  CALL(MPI_Sendrecv(s, n, t, next_rank(), 3, r, n, t, prev_rank(), 3, MPI_COMM_WORLD, &st));
  for (int i = 0; i < n; ++i) {
    if (r[i].a != prev_rank() * 1000000 + i || r[i].b != i * 0.5 || r[i].c[0] != (char)i ||
        r[i].c[1] != (char)prev_rank() || r[i].c[2] != 'z') {
      fail("struct n=%d: record %d differs", n, i);
    }
  }
  int elements;
  CALL(MPI_Get_elements(&st, t, &elements));
  CHECK(elements == 5 * n, "Get_elements(struct) %d, want %d", elements, 5 * n);
  /* The same records as one contiguous array-of-structs type on the send side. */
  MPI_Datatype arr;
  CALL(MPI_Type_contiguous(n, t, &arr));
  CALL(MPI_Type_commit(&arr));
  memset(r, 0x55, sizeof(struct rec) * n);
  CALL(MPI_Sendrecv(s, 1, arr, next_rank(), 3, r, n, t, prev_rank(), 3, MPI_COMM_WORLD, &st));
  CHECK(r[n - 1].a == prev_rank() * 1000000 + n - 1 && r[n - 1].c[2] == 'z' && r[0].b == 0,
        "array of structs");
  CALL(MPI_Type_free(&arr));
  CALL(MPI_Type_free(&t));
  free(s), free(r);
}

/* Indexed send, hindexed receive with the same signature (ints); then a subarray and a
 * resized type received as plain ints. */
static void mixed_types(void) {
  g_label = "mixed";
  int bl[3] = {3, 1, 2}, disp[3] = {0, 5, 9};
  MPI_Datatype ind, hind, sub, res;
  CALL(MPI_Type_indexed(3, bl, disp, MPI_INT, &ind));
  int hbl[2] = {4, 2};
  MPI_Aint hdisp[2] = {8 * (MPI_Aint)sizeof(int), 0}; /* blocks in reverse memory order */
  CALL(MPI_Type_create_hindexed(2, hbl, hdisp, MPI_INT, &hind));
  CALL(MPI_Type_commit(&ind));
  CALL(MPI_Type_commit(&hind));
  int src[11], dst[12];
  for (int i = 0; i < 11; ++i) src[i] = g_me * 100 + i;
  for (int i = 0; i < 12; ++i) dst[i] = -1;
  MPI_Request rq;
  CALL(MPI_Irecv(dst, 1, hind, prev_rank(), 4, MPI_COMM_WORLD, &rq));
  CALL(MPI_Send(src, 1, ind, next_rank(), 4, MPI_COMM_WORLD));
  CALL(MPI_Wait(&rq, MPI_STATUS_IGNORE));
  int order[6] = {0, 1, 2, 5, 9, 10}, at[6] = {8, 9, 10, 11, 0, 1};
  for (int k = 0; k < 6; ++k) {
    CHECK(dst[at[k]] == prev_rank() * 100 + order[k], "mixed: dst[%d] = %d", at[k], dst[at[k]]);
  }
  CHECK(dst[2] == -1 && dst[7] == -1, "mixed: gaps written");

  int sizes[2] = {8, 10}, subs[2] = {3, 4}, starts[2] = {2, 3};
  CALL(MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_C, MPI_INT, &sub));
  CALL(MPI_Type_commit(&sub));
  int grid[80], got[12];
  for (int i = 0; i < 80; ++i) grid[i] = g_me * 1000 + i;
  CALL(MPI_Sendrecv(grid, 1, sub, next_rank(), 5, got, 12, MPI_INT, prev_rank(), 5, MPI_COMM_WORLD,
                    MPI_STATUS_IGNORE));
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 4; ++c) {
      int want = prev_rank() * 1000 + (2 + r) * 10 + 3 + c;
      CHECK(got[r * 4 + c] == want, "subarray [%d][%d] = %d, want %d", r, c, got[r * 4 + c], want);
    }
  }
  CALL(MPI_Type_create_resized(MPI_INT, 0, 3 * sizeof(int), &res));
  CALL(MPI_Type_commit(&res));
  int every[30], three[10];
  for (int i = 0; i < 30; ++i) every[i] = g_me * 100 + i;
  CALL(MPI_Sendrecv(every, 10, res, next_rank(), 6, three, 10, MPI_INT, prev_rank(), 6,
                    MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  for (int i = 0; i < 10; ++i) CHECK(three[i] == prev_rank() * 100 + 3 * i, "resized %d", i);
  /* Sendrecv_replace through the resized type. */
  CALL(MPI_Sendrecv_replace(every, 10, res, next_rank(), 7, prev_rank(), 7, MPI_COMM_WORLD,
                            MPI_STATUS_IGNORE));
  for (int i = 0; i < 30; ++i) {
    int want = i % 3 == 0 ? prev_rank() * 100 + i : g_me * 100 + i;
    CHECK(every[i] == want, "Sendrecv_replace every[%d] = %d", i, every[i]);
  }
  MPI_Type_free(&ind), MPI_Type_free(&hind), MPI_Type_free(&sub), MPI_Type_free(&res);
}

/* Zero counts, MPI_PROC_NULL, truncation, partial receives, a freed receive request. */
static void edges(void) {
  g_label = "edges";
  MPI_Datatype vec, three;
  CALL(MPI_Type_vector(4, 1, 2, MPI_INT, &vec));
  CALL(MPI_Type_commit(&vec));
  CALL(MPI_Type_contiguous(3, MPI_INT, &three));
  CALL(MPI_Type_commit(&three));
  int buf[16], out[16];
  for (int i = 0; i < 16; ++i) buf[i] = g_me * 100 + i, out[i] = -1;
  MPI_Status st;
  CALL(MPI_Sendrecv(buf, 0, vec, next_rank(), 8, out, 0, vec, prev_rank(), 8, MPI_COMM_WORLD, &st));
  int count;
  CALL(MPI_Get_count(&st, vec, &count));
  CHECK(count == 0 && out[0] == -1, "zero count: %d", count);
  CALL(MPI_Send(buf, 2, vec, MPI_PROC_NULL, 8, MPI_COMM_WORLD));
  CALL(MPI_Recv(out, 2, vec, MPI_PROC_NULL, 8, MPI_COMM_WORLD, &st));
  CALL(MPI_Get_count(&st, vec, &count));
  CHECK(st.MPI_SOURCE == MPI_PROC_NULL && count == 0 && out[0] == -1, "PROC_NULL");
  /* 5 ints into room for 2 x three: Get_count undefined, Get_elements 5. */
  MPI_Request rq;
  CALL(MPI_Irecv(out, 2, three, prev_rank(), 9, MPI_COMM_WORLD, &rq));
  CALL(MPI_Send(buf, 5, MPI_INT, next_rank(), 9, MPI_COMM_WORLD));
  CALL(MPI_Wait(&rq, &st));
  CALL(MPI_Get_count(&st, three, &count));
  CHECK(count == MPI_UNDEFINED, "partial Get_count %d", count);
  CALL(MPI_Get_elements(&st, three, &count));
  CHECK(count == 5, "partial Get_elements %d", count);
  MPI_Count big;
  CALL(MPI_Get_elements_x(&st, three, &big));
  CHECK(big == 5, "Get_elements_x %ld", (long)big);
  CHECK(out[4] == prev_rank() * 100 + 4 && out[5] == -1, "partial data");
  /* Truncation: 8 ints into one vec (4 ints). */
  CALL(MPI_Irecv(out, 1, vec, prev_rank(), 10, MPI_COMM_WORLD, &rq));
  CALL(MPI_Send(buf, 8, MPI_INT, next_rank(), 10, MPI_COMM_WORLD));
  EXPECT_CLASS(MPI_Wait(&rq, &st), MPI_ERR_TRUNCATE);
  /* A freed receive request still lands in the user's layout. */
  for (int i = 0; i < 16; ++i) out[i] = -1;
  CALL(MPI_Irecv(out, 1, vec, prev_rank(), 11, MPI_COMM_WORLD, &rq));
  CALL(MPI_Request_free(&rq));
  CALL(MPI_Send(buf, 1, vec, next_rank(), 11, MPI_COMM_WORLD));
  CALL(MPI_Send(buf, 1, MPI_INT, next_rank(), 12, MPI_COMM_WORLD));
  CALL(MPI_Recv(out + 15, 1, MPI_INT, prev_rank(), 12, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  for (int k = 0; k < 4; ++k) CHECK(out[2 * k] == prev_rank() * 100 + 2 * k, "freed recv %d", k);
  CHECK(out[1] == -1, "freed recv gap");
  /* Status_set_elements / Get_elements agree on a pair type and a struct. */
  MPI_Status s2;
  CALL(MPI_Status_set_elements(&s2, MPI_2INT, 3));
  CALL(MPI_Get_elements(&s2, MPI_2INT, &count));
  CHECK(count == 3, "2INT elements %d", count);
  CALL(MPI_Get_count(&s2, MPI_2INT, &count));
  CHECK(count == MPI_UNDEFINED, "2INT count of 3 elements %d", count);
  CALL(MPI_Status_set_elements(&s2, MPI_2INT, 4));
  CALL(MPI_Get_count(&s2, MPI_2INT, &count));
  CHECK(count == 2, "2INT count %d", count);
  big = 0;
  CALL(MPI_Status_set_elements_c(&s2, MPI_INT, (MPI_Count)5));
  CALL(MPI_Get_elements_c(&s2, MPI_INT, &big));
  CHECK(big == 5, "Status_set_elements_c then Get_elements_c gave %lld", (long long)big);
  CALL(MPI_Get_count_c(&s2, MPI_2INT, &big));
  CHECK(big == MPI_UNDEFINED, "2INT count of 5 ints %lld", (long long)big);
  CALL(MPI_Status_set_cancelled(&s2, 1));
  int flag;
  CALL(MPI_Test_cancelled(&s2, &flag));
  CHECK(flag == 1, "Status_set_cancelled");
  MPI_Type_free(&vec), MPI_Type_free(&three);
}

static void pack_roundtrips(void) {
  g_label = "pack";
  MPI_Datatype t = rec_type(), vec;
  CALL(MPI_Type_commit(&t));
  CALL(MPI_Type_vector(3, 1, 2, MPI_INT, &vec));
  CALL(MPI_Type_commit(&vec));
  struct rec r[2] = {{1, 2.5, {'a', 'b', 'c'}}, {-7, -1e300, {'x', 'y', 'z'}}}, back[2];
  int v[6] = {10, 11, 12, 13, 14, 15}, vb[6] = {0};
  int size1, size2;
  CALL(MPI_Pack_size(2, t, MPI_COMM_WORLD, &size1));
  CALL(MPI_Pack_size(1, vec, MPI_COMM_WORLD, &size2));
  CHECK(size1 == 30 && size2 == 12, "Pack_size %d %d", size1, size2);
  char packed[64];
  int pos = 0;
  CALL(MPI_Pack(r, 2, t, packed, sizeof packed, &pos, MPI_COMM_WORLD));
  CALL(MPI_Pack(v, 1, vec, packed, sizeof packed, &pos, MPI_COMM_WORLD));
  CHECK(pos == 42, "Pack position %d", pos);
  int upos = 0;
  memset(back, 0, sizeof back);
  CALL(MPI_Unpack(packed, pos, &upos, back, 2, t, MPI_COMM_WORLD));
  CALL(MPI_Unpack(packed, pos, &upos, vb, 1, vec, MPI_COMM_WORLD));
  CHECK(upos == 42 && back[1].a == -7 && back[1].b == -1e300 && back[1].c[2] == 'z' &&
            back[0].c[0] == 'a',
        "Unpack struct");
  CHECK(vb[0] == 10 && vb[2] == 12 && vb[4] == 14 && vb[1] == 0, "Unpack vector");
  /* A packed message sent as MPI_PACKED and unpacked at the other end. */
  char got[64];
  CALL(MPI_Sendrecv(packed, pos, MPI_PACKED, next_rank(), 13, got, 64, MPI_PACKED, prev_rank(), 13,
                    MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  upos = 0;
  CALL(MPI_Unpack(got, 64, &upos, back, 2, t, MPI_COMM_WORLD));
  CHECK(back[0].a == 1 && back[1].b == -1e300, "MPI_PACKED over the wire");
  /* external32: big-endian, MPI_LONG is 4 bytes. */
  MPI_Aint esize, epos = 0;
  CALL(MPI_Pack_external_size("external32", 2, t, &esize));
  CHECK(esize == 30, "Pack_external_size %ld", (long)esize);
  long lv[2] = {-2, 0x01020304};
  CALL(MPI_Pack_external_size("external32", 2, MPI_LONG, &esize));
  CHECK(esize == 8, "external32 long size %ld", (long)esize);
  unsigned char ext[64];
  CALL(MPI_Pack_external("external32", r, 2, t, ext, sizeof ext, &epos));
  CALL(MPI_Pack_external("external32", lv, 2, MPI_LONG, ext, sizeof ext, &epos));
  CHECK(epos == 38, "Pack_external position %ld", (long)epos);
  CHECK(ext[0] == 0 && ext[3] == 1 && ext[4] == 0x40 && ext[5] == 0x04, "external32 bytes");
  CHECK(ext[30] == 0xff && ext[33] == 0xfe && ext[34] == 1 && ext[37] == 4, "external32 long");
  MPI_Aint upos2 = 0;
  long lb2[2];
  memset(back, 0, sizeof back);
  CALL(MPI_Unpack_external("external32", ext, epos, &upos2, back, 2, t));
  CALL(MPI_Unpack_external("external32", ext, epos, &upos2, lb2, 2, MPI_LONG));
  CHECK(back[0].b == 2.5 && back[1].a == -7 && back[1].c[1] == 'y' && lb2[0] == -2 &&
            lb2[1] == 0x01020304,
        "Unpack_external");
  /* Bad arguments of packing. */
  pos = 0;
  EXPECT_CLASS(MPI_Pack(v, 1, vec, packed, 8, &pos, MPI_COMM_WORLD), MPI_ERR_TRUNCATE);
  pos = 0;
  EXPECT_CLASS(MPI_Unpack(packed, 8, &pos, vb, 1, vec, MPI_COMM_WORLD), MPI_ERR_TRUNCATE);
  EXPECT_CLASS(MPI_Pack(v, -1, vec, packed, 64, &pos, MPI_COMM_WORLD), MPI_ERR_COUNT);
  EXPECT_CLASS(MPI_Pack(v, 1, vec, packed, 64, &pos, MPI_COMM_NULL), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Pack(v, 1, MPI_DATATYPE_NULL, packed, 64, &pos, MPI_COMM_WORLD), MPI_ERR_TYPE);
  EXPECT_CLASS(MPI_Pack_external("native", v, 1, vec, ext, 64, &epos), MPI_ERR_UNSUPPORTED_DATAREP);
  MPI_Count csize;
  CALL(MPI_Pack_size_c(1000000000000L, MPI_INT, MPI_COMM_WORLD, &csize));
  CHECK(csize == 4000000000000L, "Pack_size_c");
  EXPECT_CLASS(MPI_Pack_size(1000000000, MPI_DOUBLE, MPI_COMM_WORLD, &size1),
               MPI_ERR_VALUE_TOO_LARGE);
  MPI_Type_free(&t), MPI_Type_free(&vec);
}


static void bad_arguments(void) {
  g_label = "bad arguments";
  MPI_Datatype t, u;
  int ints[4] = {1, 1, 1, 1};
  MPI_Aint ad[2] = {0, 8};
  EXPECT_CLASS(MPI_Type_contiguous(-1, MPI_INT, &t), MPI_ERR_COUNT);
  EXPECT_CLASS(MPI_Type_contiguous(1, MPI_DATATYPE_NULL, &t), MPI_ERR_TYPE);
  EXPECT_CLASS(MPI_Type_vector(2, -1, 3, MPI_INT, &t), MPI_ERR_COUNT);
  EXPECT_CLASS(MPI_Type_vector(2, 1, 3, MPI_INT, NULL), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Type_indexed(2, NULL, ints, MPI_INT, &t), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Type_create_hindexed(2, ints, NULL, MPI_INT, &t), MPI_ERR_ARG);
  MPI_Datatype bad[2] = {MPI_INT, MPI_DATATYPE_NULL};
  EXPECT_CLASS(MPI_Type_create_struct(2, ints, ad, bad, &t), MPI_ERR_TYPE);
  int sizes[2] = {4, 4}, subs[2] = {2, 2}, starts[2] = {3, 0};
  EXPECT_CLASS(MPI_Type_create_subarray(2, sizes, subs, starts, MPI_ORDER_C, MPI_INT, &t),
               MPI_ERR_ARG);
  starts[0] = 0;
  EXPECT_CLASS(MPI_Type_create_subarray(2, sizes, subs, starts, 99, MPI_INT, &t), MPI_ERR_ARG);
  int g[1] = {10}, d[1] = {MPI_DISTRIBUTE_BLOCK}, da[1] = {2}, ps[1] = {2};
  EXPECT_CLASS(MPI_Type_create_darray(2, 0, 1, g, d, da, ps, MPI_ORDER_C, MPI_INT, &t),
               MPI_ERR_ARG);
  da[0] = MPI_DISTRIBUTE_DFLT_DARG;
  EXPECT_CLASS(MPI_Type_create_darray(2, 5, 1, g, d, da, ps, MPI_ORDER_C, MPI_INT, &t),
               MPI_ERR_RANK);
  ps[0] = 3;
  EXPECT_CLASS(MPI_Type_create_darray(2, 0, 1, g, d, da, ps, MPI_ORDER_C, MPI_INT, &t),
               MPI_ERR_ARG);
  t = MPI_INT;
  EXPECT_CLASS(MPI_Type_free(&t), MPI_ERR_TYPE);
  t = MPI_DATATYPE_NULL;
  EXPECT_CLASS(MPI_Type_commit(&t), MPI_ERR_TYPE);
  EXPECT_CLASS(MPI_Type_commit(NULL), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Type_match_size(MPI_TYPECLASS_REAL, 3, &t), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Type_create_f90_integer(40, &t), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Type_set_name(MPI_DATATYPE_NULL, "x"), MPI_ERR_TYPE);
  /* Communication with an uncommitted or freed type. */
  CALL(MPI_Type_contiguous(2, MPI_INT, &t));
  int buf[4] = {0};
  EXPECT_CLASS(MPI_Send(buf, 1, t, next_rank(), 20, MPI_COMM_WORLD), MPI_ERR_TYPE);
  MPI_Request rq;
  EXPECT_CLASS(MPI_Irecv(buf, 1, t, prev_rank(), 20, MPI_COMM_WORLD, &rq), MPI_ERR_TYPE);
  EXPECT_CLASS(MPI_Bcast(buf, 1, t, 0, MPI_COMM_WORLD), MPI_ERR_TYPE);
  u = t;
  CALL(MPI_Type_free(&t));
  EXPECT_CLASS(MPI_Send(buf, 1, u, next_rank(), 20, MPI_COMM_WORLD), MPI_ERR_TYPE);
  EXPECT_CLASS(MPI_Type_free(&u), MPI_ERR_TYPE);
  int count;
  MPI_Status st;
  EXPECT_CLASS(MPI_Get_count(&st, MPI_DATATYPE_NULL, &count), MPI_ERR_TYPE);
  EXPECT_CLASS(MPI_Status_set_elements(&st, MPI_INT, -1), MPI_ERR_COUNT);
}

/* Collectives over derived types (every rank's part a strided vector of ints). */
static void collectives(void) {
  g_label = "collectives";
  MPI_Datatype vec, pair;
  CALL(MPI_Type_vector(3, 1, 2, MPI_INT, &vec));
  CALL(MPI_Type_commit(&vec));
  CALL(MPI_Type_contiguous(2, MPI_INT, &pair));
  CALL(MPI_Type_commit(&pair));
  int b[6] = {0};
  if (g_me == 0) b[0] = 7, b[2] = 8, b[4] = 9;
  CALL(MPI_Bcast(b, 1, vec, 0, MPI_COMM_WORLD));
  CHECK(b[0] == 7 && b[2] == 8 && b[4] == 9 && b[1] == 0, "Bcast vector");
  int mine[6], *all = xmalloc(sizeof(int) * 3 * g_p);
  for (int i = 0; i < 6; ++i) mine[i] = g_me * 10 + i;
  CALL(MPI_Gather(mine, 1, vec, all, 3, MPI_INT, 0, MPI_COMM_WORLD));
  if (g_me == 0) {
    for (int r = 0; r < g_p; ++r) {
      CHECK(all[3 * r] == r * 10 && all[3 * r + 2] == r * 10 + 4, "Gather from %d", r);
    }
  }
  CALL(MPI_Allgather(mine, 1, vec, all, 3, MPI_INT, MPI_COMM_WORLD));
  for (int r = 0; r < g_p; ++r) CHECK(all[3 * r + 1] == r * 10 + 2, "Allgather from %d", r);
  int *wide = xmalloc(sizeof(int) * 6 * g_p);
  for (int i = 0; i < 6 * g_p; ++i) wide[i] = -1;
  CALL(MPI_Allgather(mine, 3, MPI_INT, wide, 1, vec, MPI_COMM_WORLD));
  /* recv vec has extent 5 ints: rank r's 3 ints land at 5r, 5r+2, 5r+4. */
  for (int r = 0; r < g_p; ++r) {
    CHECK(wide[5 * r] == r * 10 && wide[5 * r + 2] == r * 10 + 1 && wide[5 * r + 4] == r * 10 + 2,
          "Allgather into vec from %d", r);
  }
  int s[6] = {1, 100, 2, 100, 3, 100}, sum[6] = {0};
  CALL(MPI_Allreduce(s, sum, 1, vec, MPI_SUM, MPI_COMM_WORLD));
  CHECK(sum[0] == g_p && sum[2] == 2 * g_p && sum[4] == 3 * g_p && sum[1] == 0, "Allreduce vec");
  int pr[4] = {g_me, 1, 2 * g_me, 2}, pmax[4] = {0};
  CALL(MPI_Reduce(pr, pmax, 2, pair, MPI_MAX, 0, MPI_COMM_WORLD));
  if (g_me == 0) CHECK(pmax[0] == g_p - 1 && pmax[2] == 2 * (g_p - 1), "Reduce pair");
  /* Scatter from a vector at the root; Alltoall vector to vector; in-place forms. */
  int *sv = xmalloc(sizeof(int) * 6 * g_p), got[6];
  for (int i = 0; i < 6 * g_p; ++i) sv[i] = 1000 + i;
  for (int root = 0; root < g_p; ++root) {
    for (int i = 0; i < 6; ++i) got[i] = -1;
    CALL(MPI_Scatter(sv, 1, vec, got, 3, MPI_INT, root, MPI_COMM_WORLD));
    /* vec's extent is 5 ints: block r starts at 5r. */
    CHECK(got[0] == 1000 + 5 * g_me && got[1] == 1002 + 5 * g_me && got[2] == 1004 + 5 * g_me &&
              got[3] == -1,
          "Scatter from %d", root);
  }
  int *a2a_s = xmalloc(sizeof(int) * (5 * g_p + 1)), *a2a_r = xmalloc(sizeof(int) * (5 * g_p + 1));
  for (int i = 0; i < 5 * g_p + 1; ++i) a2a_s[i] = g_me * 1000 + i, a2a_r[i] = -1;
  CALL(MPI_Alltoall(a2a_s, 1, vec, a2a_r, 1, vec, MPI_COMM_WORLD));
  for (int r = 0; r < g_p; ++r) {
    CHECK(a2a_r[5 * r] == r * 1000 + 5 * g_me && a2a_r[5 * r + 4] == r * 1000 + 5 * g_me + 4 &&
              a2a_r[5 * r + 1] == -1,
          "Alltoall from %d", r);
  }
  CALL(MPI_Alltoall(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, a2a_r, 1, vec, MPI_COMM_WORLD));
  for (int r = 0; r < g_p; ++r) {
    CHECK(a2a_r[5 * r] == g_me * 1000 + 5 * r && a2a_r[5 * r + 2] == g_me * 1000 + 5 * r + 2,
          "Alltoall in place from %d", r);
  }
  for (int i = 0; i < 6 * g_p; ++i) wide[i] = -1;
  wide[5 * g_me] = g_me, wide[5 * g_me + 2] = g_me + 1, wide[5 * g_me + 4] = g_me + 2;
  CALL(MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, wide, 1, vec, MPI_COMM_WORLD));
  for (int r = 0; r < g_p; ++r) {
    CHECK(wide[5 * r] == r && wide[5 * r + 4] == r + 2 && wide[5 * r + 1] == -1,
          "Allgather in place from %d", r);
  }
  int inp[6] = {1, -5, 2, -5, 3, -5};
  CALL(MPI_Allreduce(MPI_IN_PLACE, inp, 1, vec, MPI_SUM, MPI_COMM_WORLD));
  CHECK(inp[0] == g_p && inp[4] == 3 * g_p && inp[1] == -5, "Allreduce in place");
  int rin[6] = {1, -5, 2, -5, 3, -5}, rout[6] = {0};
  CALL(MPI_Reduce(g_me == 0 ? MPI_IN_PLACE : rin, g_me == 0 ? rin : rout, 1, vec, MPI_SUM, 0,
                  MPI_COMM_WORLD));
  if (g_me == 0) CHECK(rin[2] == 2 * g_p && rin[3] == -5, "Reduce in place");
  free(sv), free(a2a_s), free(a2a_r);
  MPI_Datatype st = rec_type();
  CALL(MPI_Type_commit(&st));
  struct rec rr = {1, 1.0, {0}}, rs;
  EXPECT_CLASS(MPI_Allreduce(&rr, &rs, 1, st, MPI_SUM, MPI_COMM_WORLD), MPI_ERR_OP);
  MPI_Type_free(&st);
  free(all), free(wide);
  MPI_Type_free(&vec), MPI_Type_free(&pair);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  g_comm = MPI_COMM_WORLD;
  g_me = g_world_rank;
  MPI_Comm_size(MPI_COMM_WORLD, &g_p);
  /* Packed sizes: 160 B (eager), ~94 KiB (above the 64 KiB eager limit, below 128 KiB single
   * copy), ~1.1 MiB (single copy / streamed rendezvous). */
  vector_ring(10, 2, 3);
  vector_ring(6000, 2, 3);
  vector_ring(70001, 2, 3);
  /* Rows of 4 KiB: large pieces, read straight into the layout over single copy. */
  vector_ring(3, 512, 700);
  vector_ring(20, 512, 700);
  vector_ring(256, 512, 1100);
  struct_ring(3);
  struct_ring(7000);
  struct_ring(70000);
  mixed_types();
  edges();
  pack_roundtrips();
  bad_arguments();
  collectives();
  return finish_ok();
}
