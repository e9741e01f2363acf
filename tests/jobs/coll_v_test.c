/* The v- and w-collectives: Gatherv, Scatterv, Allgatherv, Alltoallv, Alltoallw and their _c
 * forms on MPI_COMM_WORLD, MPI_COMM_SELF and a reversed Comm_split, for every root, uneven
 * counts with zeros, blocks placed in reverse order with gaps (which must stay untouched),
 * MPI_IN_PLACE, derived types (a vector of 2 ints in 3 slots against plain ints), and bad
 * arguments with their error classes under MPI_ERRORS_RETURN. Expected values are computed
 * locally. Uses only <mpi.h>. */
#include <string.h>

static const char kTestName[] = "coll_v_test";
#include "job_check.h"

enum { kGap = -7 };
static MPI_Datatype g_vec; /* 2 ints at slots 0 and 2 of 3: extent 3 ints */

/* The k-th int rank `src` sends to rank `dst` (dst 0 for rooted gathers). */
static int val(int src, int dst, int k) { return src * 100000 + dst * 1000 + k + 1; }
/* Where int k of a block lives: plain ints, or inside elements of g_vec. */
static int slot(int derived, int k) { return derived ? (k / 2) * 3 + (k % 2) * 2 : k; }
/* Ints per element of the block type and its extent in ints. */
static int per(int derived) { return derived ? 2 : 1; }
static int ext(int derived) { return derived ? 3 : 1; }

static int count_of(int i, int salt) { return (i * 3 + salt) % 4; } /* in elements */

/* Displacements (in elements of extent e) placing block i after block i+1, with a gap. */
static int layout(const int *counts, int *displs, int n) {
  int at = 0;
  for (int i = n - 1; i >= 0; --i) {
    displs[i] = at;
    at += counts[i] + 1;
  }
  return at;
}

static void check_block(const int *buf, int derived, int elems, int src, int dst,
                        const char *what) {
  for (int k = 0; k < elems * per(derived); ++k) {
    if (buf[slot(derived, k)] != val(src, dst, k)) {
      fail("%s: block of rank %d int %d is %d, expected %d", what, src, k, buf[slot(derived, k)],
           val(src, dst, k));
    }
  }
  if (derived) {
    for (int e = 0; e < elems; ++e) {
      if (buf[e * 3 + 1] != kGap)
        fail("%s: gap inside element %d of rank %d written", what, e, src);
    }
  }
}

static void fill_block(int *buf, int derived, int elems, int src, int dst) {
  for (int k = 0; k < elems * per(derived); ++k) buf[slot(derived, k)] = val(src, dst, k);
}

static int *gap_buffer(int ints) {
  int *b = xmalloc(sizeof(int) * (size_t)ints);
  for (int i = 0; i < ints; ++i) b[i] = kGap;
  return b;
}

/* ---- Gatherv / Scatterv ---- */
static void test_gatherv(int root, int in_place, int derived, int large) {
  int counts[64], displs[64];
  for (int i = 0; i < g_p; ++i) counts[i] = count_of(i, root);
  int span = layout(counts, displs, g_p);
  MPI_Datatype rt = derived ? g_vec : MPI_INT;
  int *recv = g_me == root ? gap_buffer(span * ext(derived)) : NULL;
  int mine = counts[g_me] * per(derived);
  int *send = xmalloc(sizeof(int) * (size_t)mine);
  for (int k = 0; k < mine; ++k) send[k] = val(g_me, 0, k);
  if (in_place && g_me == root)
    fill_block(recv + displs[g_me] * ext(derived), derived, counts[g_me], g_me, 0);
  const void *sb = in_place && g_me == root ? MPI_IN_PLACE : send;
  if (large) {
    MPI_Count cc[64];
    MPI_Aint dd[64];
    for (int i = 0; i < g_p; ++i) cc[i] = counts[i], dd[i] = displs[i];
    CALL(MPI_Gatherv_c(sb, mine, MPI_INT, recv, cc, dd, rt, root, g_comm));
  } else {
    CALL(MPI_Gatherv(sb, mine, MPI_INT, recv, counts, displs, rt, root, g_comm));
  }
  if (g_me == root) {
    for (int i = 0; i < g_p; ++i) {
      check_block(recv + displs[i] * ext(derived), derived, counts[i], i, 0, "Gatherv");
      int gap = (displs[i] + counts[i]) * ext(derived);
      if (recv[gap] != kGap) fail("Gatherv wrote the gap after rank %d's block", i);
    }
  }
  ++g_checks;
  free(recv);
  free(send);
}

static void test_scatterv(int root, int in_place, int derived, int large) {
  int counts[64], displs[64];
  for (int i = 0; i < g_p; ++i) counts[i] = count_of(i, root + 1);
  int span = layout(counts, displs, g_p);
  MPI_Datatype st = derived ? g_vec : MPI_INT;
  int *send = NULL;
  if (g_me == root) {
    send = gap_buffer(span * ext(derived));
    for (int i = 0; i < g_p; ++i)
      fill_block(send + displs[i] * ext(derived), derived, counts[i], root, i);
  }
  int mine = counts[g_me] * per(derived);
  int *recv = gap_buffer(mine + 1);
  void *rb = in_place && g_me == root ? MPI_IN_PLACE : recv;
  if (large) {
    MPI_Count cc[64];
    MPI_Aint dd[64];
    for (int i = 0; i < g_p; ++i) cc[i] = counts[i], dd[i] = displs[i];
    CALL(MPI_Scatterv_c(send, cc, dd, st, rb, mine, MPI_INT, root, g_comm));
  } else {
    CALL(MPI_Scatterv(send, counts, displs, st, rb, mine, MPI_INT, root, g_comm));
  }
  if (rb != MPI_IN_PLACE) {
    for (int k = 0; k < mine; ++k) {
      if (recv[k] != val(root, g_me, k)) fail("Scatterv int %d: %d", k, recv[k]);
    }
    if (recv[mine] != kGap) fail("Scatterv wrote past the block");
  } else {
    check_block(send + displs[g_me] * ext(derived), derived, counts[g_me], root, g_me,
                "Scatterv in place");
  }
  ++g_checks;
  free(recv);
  free(send);
}

/* ---- Allgatherv ---- */
static void test_allgatherv(int in_place, int derived, int scale, int large) {
  int counts[64], displs[64];
  for (int i = 0; i < g_p; ++i) counts[i] = count_of(i, 1) * scale;
  int span = layout(counts, displs, g_p);
  MPI_Datatype rt = derived ? g_vec : MPI_INT;
  int *recv = gap_buffer(span * ext(derived));
  int mine = counts[g_me] * per(derived);
  int *send = xmalloc(sizeof(int) * (size_t)mine);
  for (int k = 0; k < mine; ++k) send[k] = val(g_me, 0, k);
  if (in_place) fill_block(recv + displs[g_me] * ext(derived), derived, counts[g_me], g_me, 0);
  const void *sb = in_place ? MPI_IN_PLACE : send;
  if (large) {
    MPI_Count cc[64];
    MPI_Aint dd[64];
    for (int i = 0; i < g_p; ++i) cc[i] = counts[i], dd[i] = displs[i];
    CALL(MPI_Allgatherv_c(sb, mine, MPI_INT, recv, cc, dd, rt, g_comm));
  } else {
    CALL(MPI_Allgatherv(sb, mine, MPI_INT, recv, counts, displs, rt, g_comm));
  }
  for (int i = 0; i < g_p; ++i) {
    check_block(recv + displs[i] * ext(derived), derived, counts[i], i, 0, "Allgatherv");
    if (recv[(displs[i] + counts[i]) * ext(derived)] != kGap) fail("Allgatherv wrote a gap");
  }
  ++g_checks;
  free(recv);
  free(send);
}

/* ---- Alltoallv / Alltoallw ---- */
/* Elements rank i sends rank j (symmetric, so in place works). */
static int a2a_count(int i, int j, int scale) { return ((i + j) % 3) * scale; }

static void test_alltoallv(int in_place, int derived, int scale, int large) {
  int scounts[64], sdispls[64], rcounts[64], rdispls[64];
  /* Send side in elements of st (g_vec when derived), receive side in plain ints, unless in
   * place (then both sides are the receive side). */
  MPI_Datatype st = derived && !in_place ? g_vec : MPI_INT;
  int sd = derived && !in_place;
  for (int j = 0; j < g_p; ++j) {
    scounts[j] = a2a_count(g_me, j, scale);
    rcounts[j] = a2a_count(j, g_me, scale) * per(sd);
  }
  int sspan = layout(scounts, sdispls, g_p);
  int rspan = 0;
  for (int j = 0; j < g_p; ++j) {
    rdispls[j] = rspan;
    rspan += rcounts[j] + 2;
  }
  int *send = gap_buffer(sspan * ext(sd));
  for (int j = 0; j < g_p; ++j) fill_block(send + sdispls[j] * ext(sd), sd, scounts[j], g_me, j);
  int *recv = gap_buffer(rspan);
  if (in_place) {
    for (int j = 0; j < g_p; ++j) fill_block(recv + rdispls[j], 0, rcounts[j], g_me, j);
  }
  const void *sb = in_place ? MPI_IN_PLACE : send;
  if (large) {
    MPI_Count sc[64], rc[64];
    MPI_Aint sdd[64], rdd[64];
    for (int j = 0; j < g_p; ++j)
      sc[j] = scounts[j], rc[j] = rcounts[j], sdd[j] = sdispls[j], rdd[j] = rdispls[j];
    CALL(MPI_Alltoallv_c(sb, sc, sdd, st, recv, rc, rdd, MPI_INT, g_comm));
  } else {
    CALL(MPI_Alltoallv(sb, scounts, sdispls, st, recv, rcounts, rdispls, MPI_INT, g_comm));
  }
  for (int i = 0; i < g_p; ++i) {
    check_block(recv + rdispls[i], 0, rcounts[i], i, g_me, "Alltoallv");
    if (recv[rdispls[i] + rcounts[i]] != kGap) fail("Alltoallv wrote a gap after block %d", i);
  }
  ++g_checks;
  free(send);
  free(recv);
}

/* Alltoallw: the block for odd peers travels as g_vec elements on the send side and plain ints
 * on the receive side, even peers the other way round; byte displacements. */
static void test_alltoallw(int large) {
  int scounts[64], sdispls[64], rcounts[64], rdispls[64];
  MPI_Datatype stypes[64], rtypes[64];
  int sat = 0, rat = 0;
  for (int j = 0; j < g_p; ++j) {
    int elems = a2a_count(g_me, j, 1); /* pairs of ints */
    int sder = j % 2;
    stypes[j] = sder ? g_vec : MPI_INT;
    scounts[j] = sder ? elems : 2 * elems;
    sdispls[j] = sat * (int)sizeof(int);
    sat += elems * 3 + 1;
    int from = a2a_count(j, g_me, 1);
    int rd = g_me % 2 ? 0 : 1; /* we are odd: the sender used g_vec; receive plain ints */
    rtypes[j] = rd ? g_vec : MPI_INT;
    rcounts[j] = rd ? from : 2 * from;
    rdispls[j] = rat * (int)sizeof(int);
    rat += from * 3 + 1;
  }
  int *send = gap_buffer(sat), *recv = gap_buffer(rat);
  for (int j = 0; j < g_p; ++j) {
    fill_block(send + sdispls[j] / (int)sizeof(int), j % 2, scounts[j], g_me, j);
  }
  if (large) {
    MPI_Count sc[64], rc[64];
    MPI_Aint sdd[64], rdd[64];
    for (int j = 0; j < g_p; ++j)
      sc[j] = scounts[j], rc[j] = rcounts[j], sdd[j] = sdispls[j], rdd[j] = rdispls[j];
    CALL(MPI_Alltoallw_c(send, sc, sdd, stypes, recv, rc, rdd, rtypes, g_comm));
  } else {
    CALL(MPI_Alltoallw(send, scounts, sdispls, stypes, recv, rcounts, rdispls, rtypes, g_comm));
  }
  for (int i = 0; i < g_p; ++i) {
    int rd = g_me % 2 ? 0 : 1;
    check_block(recv + rdispls[i] / (int)sizeof(int), rd, rcounts[i], i, g_me, "Alltoallw");
  }
  ++g_checks;
  free(send);
  free(recv);
}

/* Alltoallw in place: the receive layout (ints, byte displacements) holds the outgoing blocks. */
static void test_alltoallw_in_place(void) {
  int counts[64], displs[64], at = 0;
  MPI_Datatype types[64];
  for (int j = 0; j < g_p; ++j) {
    counts[j] = a2a_count(g_me, j, 2);
    displs[j] = at * (int)sizeof(int);
    at += counts[j] + 1;
    types[j] = MPI_INT;
  }
  int *buf = gap_buffer(at);
  for (int j = 0; j < g_p; ++j)
    fill_block(buf + displs[j] / (int)sizeof(int), 0, counts[j], g_me, j);
  CALL(MPI_Alltoallw(MPI_IN_PLACE, NULL, NULL, NULL, buf, counts, displs, types, g_comm));
  for (int i = 0; i < g_p; ++i) {
    check_block(buf + displs[i] / (int)sizeof(int), 0, counts[i], i, g_me, "Alltoallw in place");
    if (buf[displs[i] / (int)sizeof(int) + counts[i]] != kGap) fail("Alltoallw in place: gap");
  }
  ++g_checks;
  free(buf);
}

/* Alltoallw_c from MPI_BOTTOM: predefined types, byte displacements that are absolute
 * addresses (MPI_Get_address), as mpi4py and codes with scattered fields use it. */
static void test_alltoallw_bottom(void) {
  MPI_Count counts[64];
  MPI_Aint sdispls[64], rdispls[64];
  MPI_Datatype types[64];
  int *send = gap_buffer(3 * g_p), *recv = gap_buffer(3 * g_p);
  for (int j = 0; j < g_p; ++j) {
    counts[j] = 2;
    types[j] = MPI_INT;
    MPI_Get_address(send + 3 * j, &sdispls[j]);
    MPI_Get_address(recv + 3 * j, &rdispls[j]);
    fill_block(send + 3 * j, 0, 2, g_me, j);
  }
  CALL(MPI_Alltoallw_c(MPI_BOTTOM, counts, sdispls, types, MPI_BOTTOM, counts, rdispls, types,
                       g_comm));
  for (int i = 0; i < g_p; ++i) {
    check_block(recv + 3 * i, 0, 2, i, g_me, "Alltoallw_c from MPI_BOTTOM");
    if (recv[3 * i + 2] != kGap) fail("Alltoallw_c from MPI_BOTTOM: gap");
  }
  ++g_checks;
  free(send);
  free(recv);
}

static void expect_error(int rc, int cls, const char *what) {
  int got = MPI_SUCCESS;
  if (rc != MPI_SUCCESS) MPI_Error_class(rc, &got);
  if (got != cls) fail("%s: error class %d, expected %d", what, got, cls);
  ++g_checks;
}

/* Bad arguments every rank sees alike, so every rank fails before communicating. */
static void test_errors(void) {
  int counts[64], displs[64], neg[64], x[64], y[64];
  MPI_Aint cd0[64] = {0};
  MPI_Datatype types[64];
  for (int i = 0; i < g_p; ++i)
    counts[i] = 1, displs[i] = i, neg[i] = i == g_p - 1 ? -1 : 1, types[i] = MPI_INT;
  CALL(MPI_Comm_set_errhandler(g_comm, MPI_ERRORS_RETURN));
  expect_error(MPI_Gatherv(x, 1, MPI_INT, y, counts, displs, MPI_INT, g_p, g_comm), MPI_ERR_ROOT,
               "Gatherv root = size");
  expect_error(MPI_Scatterv(x, counts, displs, MPI_INT, y, 1, MPI_INT, -1, g_comm), MPI_ERR_ROOT,
               "Scatterv root -1");
  expect_error(MPI_Gatherv(x, -1, MPI_INT, y, counts, displs, MPI_INT, 0, g_comm), MPI_ERR_COUNT,
               "Gatherv sendcount -1");
  expect_error(MPI_Allgatherv(x, 1, MPI_INT, y, neg, displs, MPI_INT, g_comm), MPI_ERR_COUNT,
               "Allgatherv negative recvcount");
  expect_error(MPI_Allgatherv(x, 1, MPI_INT, y, NULL, displs, MPI_INT, g_comm), MPI_ERR_ARG,
               "Allgatherv null recvcounts");
  expect_error(MPI_Allgatherv(x, 1, MPI_INT, y, counts, NULL, MPI_INT, g_comm), MPI_ERR_ARG,
               "Allgatherv null displs");
  expect_error(MPI_Allgatherv(x, 1, MPI_INT, y, counts, displs, MPI_DATATYPE_NULL, g_comm),
               MPI_ERR_TYPE, "Allgatherv null recvtype");
  expect_error(MPI_Allgatherv(x, 1, MPI_INT, NULL, counts, displs, MPI_INT, g_comm), MPI_ERR_BUFFER,
               "Allgatherv null recvbuf");
  expect_error(MPI_Alltoallv(x, neg, displs, MPI_INT, y, counts, displs, MPI_INT, g_comm),
               MPI_ERR_COUNT, "Alltoallv negative sendcount");
  types[g_p - 1] = MPI_DATATYPE_NULL;
  expect_error(MPI_Alltoallw(x, counts, displs, types, y, counts, displs, types, g_comm),
               MPI_ERR_TYPE, "Alltoallw null type");
  expect_error(MPI_Alltoallw(x, counts, displs, NULL, y, counts, displs, types, g_comm),
               MPI_ERR_ARG, "Alltoallw null types array");
  types[g_p - 1] = MPI_INT;
  displs[0] = 0;
  expect_error(MPI_Alltoallw(x, counts, displs, types, NULL, counts, displs, types, g_comm),
               MPI_ERR_BUFFER, "Alltoallw null recvbuf, an int block at address 0");
  expect_error(MPI_Alltoallv(x, counts, displs, MPI_INT, x, counts, displs, MPI_INT, g_comm),
               MPI_ERR_BUFFER, "Alltoallv sendbuf == recvbuf");
  expect_error(MPI_Allgatherv(x, 1, MPI_INT, x, counts, displs, MPI_INT, g_comm), MPI_ERR_BUFFER,
               "Allgatherv sendbuf == recvbuf");
  /* One buffer for both sides is fine when no data moves (mpi4py passes one static empty
   * buffer for every zero-length message). */
  int zero[64] = {0};
  MPI_Count czero[64] = {0};
  expect_error(MPI_Alltoallv(x, zero, displs, MPI_INT, x, zero, displs, MPI_INT, g_comm),
               MPI_SUCCESS, "Alltoallv sendbuf == recvbuf, all counts 0");
  expect_error(MPI_Alltoallw(x, zero, displs, types, x, zero, displs, types, g_comm), MPI_SUCCESS,
               "Alltoallw sendbuf == recvbuf, all counts 0");
  expect_error(MPI_Alltoallv_c(x, czero, cd0, MPI_INT, x, czero, cd0, MPI_INT, g_comm), MPI_SUCCESS,
               "Alltoallv_c sendbuf == recvbuf, all counts 0");
  MPI_Count cneg[64];
  MPI_Aint cd[64];
  for (int i = 0; i < g_p; ++i) cneg[i] = neg[i], cd[i] = i;
  expect_error(MPI_Allgatherv_c(x, 1, MPI_INT, y, cneg, cd, MPI_INT, g_comm), MPI_ERR_COUNT,
               "Allgatherv_c negative recvcount");
  CALL(MPI_Comm_set_errhandler(g_comm, MPI_ERRORS_ARE_FATAL));
  /* No communicator: MPI_COMM_WORLD's handler reports it. */
  CALL(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  expect_error(MPI_Alltoallv(x, counts, displs, MPI_INT, y, counts, displs, MPI_INT, MPI_COMM_NULL),
               MPI_ERR_COMM, "Alltoallv MPI_COMM_NULL");
  CALL(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
}

static void suite(MPI_Comm comm, const char *label) {
  g_comm = comm;
  g_label = label;
  MPI_Comm_rank(comm, &g_me);
  MPI_Comm_size(comm, &g_p);
  for (int large = 0; large < 2; ++large) {
    for (int derived = 0; derived < 2; ++derived) {
      for (int in_place = 0; in_place < 2; ++in_place) {
        for (int root = 0; root < g_p; ++root) {
          test_gatherv(root, in_place, derived, large);
          test_scatterv(root, in_place, derived, large);
        }
        for (int scale = 1; scale <= 3000; scale *= 3000) {
          test_allgatherv(in_place, derived, scale, large);
          test_alltoallv(in_place, derived, scale, large);
        }
      }
    }
    test_alltoallw(large);
  }
  test_alltoallw_in_place();
  test_alltoallw_bottom();
  test_errors();
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  int world_size;
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  if (world_size > 64) fail("at most 64 ranks");
  MPI_Type_vector(2, 1, 2, MPI_INT, &g_vec);
  MPI_Type_commit(&g_vec);

  suite(MPI_COMM_WORLD, "MPI_COMM_WORLD");
  suite(MPI_COMM_SELF, "MPI_COMM_SELF");
  MPI_Comm split;
  g_label = "Comm_split";
  CALL(MPI_Comm_split(MPI_COMM_WORLD, g_world_rank % 2, world_size - g_world_rank, &split));
  suite(split, "Comm_split(rank % 2, reversed)");
  CALL(MPI_Comm_free(&split));
  MPI_Type_free(&g_vec);
  return finish_ok();
}
