/* Neighborhood collectives (MPI-4.1 section 8.6): MPI_Neighbor_allgather(v) and
 * MPI_Neighbor_alltoall(v,w), blocking, non-blocking (all five outstanding at once) and
 * persistent (started three times with new data), each also in its _c form, on Cartesian
 * communicators (1-D and 2-D, periodic and not, periodic dimensions of size 1 and 2 where a
 * process is its neighbor twice), a graph (multi-edges at 1-2 ranks, a self-loop) and
 * distributed graphs (adjacent with weights and an asymmetric pattern with multi-edges and
 * in-degree != out-degree; general with isolated ranks). Derived datatypes on both sides,
 * zero counts, gapped and reversed displacements, MPI_PROC_NULL blocks left untouched, then
 * bad arguments with their error classes under MPI_ERRORS_RETURN. The expected data come
 * from the topology queries (Cart_shift, Graph_neighbors, Dist_graph_neighbors), not from the
 * implementation under test. Uses only <mpi.h>. Prints "coll_neighbor_test: OK (<n> checks)". */
#include <string.h>

static const char kTestName[] = "coll_neighbor_test";
#include "job_check.h"

enum { kMaxDeg = 64, kOps = 5, kRounds = 3 };
enum { BLOCKING, NONBLOCKING, PERSISTENT };

/* This process's view of the topology of g_comm. */
static struct {
  int cart;
  int indeg, outdeg;
  int in[kMaxDeg], out[kMaxDeg];
  /* In-slot i receives the block its sender sends from out-slot src_slot[i] (-1: no sender).
   * Cartesian: the -1 neighbor's +1 block and the +1 neighbor's -1 block. Graphs: the k-th
   * edge from s to this process pairs with the k-th edge to s in s's list. */
  int src_slot[kMaxDeg];
} T;

static MPI_Datatype g_vec3;   /* 3 ints at stride 2 */
static MPI_Datatype g_pair;   /* 2 contiguous ints */
static MPI_Datatype g_vec[2]; /* 1 or 2 ints at stride 2 */

static int V(int r, int j, int e, int round) { return r * 100000 + j * 1000 + e * 10 + round + 1; }

static void learn_topology(void) {
  int kind = MPI_UNDEFINED;
  CALL(MPI_Topo_test(g_comm, &kind));
  T.cart = kind == MPI_CART;
  if (kind == MPI_CART) {
    int nd = 0;
    CALL(MPI_Cartdim_get(g_comm, &nd));
    for (int d = 0; d < nd; ++d) CALL(MPI_Cart_shift(g_comm, d, 1, &T.in[2 * d], &T.in[2 * d + 1]));
    T.indeg = T.outdeg = 2 * nd;
    memcpy(T.out, T.in, sizeof T.in);
  } else if (kind == MPI_GRAPH) {
    CALL(MPI_Graph_neighbors_count(g_comm, g_me, &T.indeg));
    CALL(MPI_Graph_neighbors(g_comm, g_me, kMaxDeg, T.in));
    T.outdeg = T.indeg;
    memcpy(T.out, T.in, sizeof T.in);
  } else if (kind == MPI_DIST_GRAPH) {
    int weighted = 0, sw[kMaxDeg], dw[kMaxDeg];
    CALL(MPI_Dist_graph_neighbors_count(g_comm, &T.indeg, &T.outdeg, &weighted));
    CALL(MPI_Dist_graph_neighbors(g_comm, T.indeg, T.in, sw, T.outdeg, T.out, dw));
  } else {
    fail("communicator has no topology");
  }
  /* Everyone's out-lists, padded: all[r * (kMaxDeg + 1)] = outdegree of r, then its list. */
  int mine[kMaxDeg + 1], *all = xmalloc(g_p * (kMaxDeg + 1) * sizeof(int));
  mine[0] = T.outdeg;
  memcpy(mine + 1, T.out, sizeof T.out);
  CALL(MPI_Allgather(mine, kMaxDeg + 1, MPI_INT, all, kMaxDeg + 1, MPI_INT, g_comm));
  for (int i = 0; i < T.indeg; ++i) {
    const int s = T.in[i];
    T.src_slot[i] = -1;
    if (s == MPI_PROC_NULL) continue;
    if (T.cart) {
      T.src_slot[i] = i ^ 1;
      continue;
    }
    int k = 0;
    for (int j = 0; j < i; ++j) k += T.in[j] == s;
    const int *theirs = all + s * (kMaxDeg + 1);
    for (int j = 0; j < theirs[0]; ++j) {
      if (theirs[1 + j] == g_me && k-- == 0) {
        T.src_slot[i] = j;
        break;
      }
    }
    if (T.src_slot[i] < 0) fail("in-edge %d from %d has no out-edge at %d", i, s, s);
  }
  free(all);
}

/* One operation's buffers and arguments (int and _c forms). */
typedef struct {
  int op; /* 0 allgather, 1 allgatherv, 2 alltoall, 3 alltoallv, 4 alltoallw */
  int sbuf[4 * kMaxDeg + 8], rbuf[4 * kMaxDeg + 8];
  int scounts[kMaxDeg], sdispls[kMaxDeg], rcounts[kMaxDeg], rdispls[kMaxDeg];
  MPI_Count scounts_c[kMaxDeg], rcounts_c[kMaxDeg];
  MPI_Aint sdispls_a[kMaxDeg], rdispls_a[kMaxDeg];
  MPI_Datatype stypes[kMaxDeg], rtypes[kMaxDeg];
  int sendcount;
  MPI_Request req;
} Op;

static const char *const kOpName[kOps] = {"allgather", "allgatherv", "alltoall", "alltoallv",
                                          "alltoallw"};

/* Counts, displacements and types; the send data of `round`; receive buffer all -1. */
static void fill(Op *o, int round) {
  const int me = g_me;
  for (int k = 0; k < 4 * kMaxDeg + 8; ++k) o->sbuf[k] = -7, o->rbuf[k] = -1;
  switch (o->op) {
    case 0: /* 3 ints at stride 2 out, 3 contiguous ints in */
      for (int e = 0; e < 3; ++e) o->sbuf[2 * e] = V(me, 0, e, round);
      break;
    case 1: /* me % 3 ints out (rank 0 sends none); reversed, gapped blocks of 4 in */
      o->sendcount = me % 3;
      for (int e = 0; e < 2; ++e) o->sbuf[e] = V(me, 0, e, round);
      for (int i = 0; i < T.indeg; ++i) {
        o->rcounts[i] = T.in[i] == MPI_PROC_NULL ? 2 : T.in[i] % 3;
        o->rdispls[i] = (T.indeg - 1 - i) * 4;
      }
      break;
    case 2: /* 2 ints per block out, one g_pair per block in */
      for (int j = 0; j < T.outdeg; ++j)
        for (int e = 0; e < 2; ++e) o->sbuf[2 * j + e] = V(me, j, e, round);
      break;
    case 3: /* (me + j) % 3 ints to out-slot j; reversed blocks of 3 in */
      for (int j = 0; j < T.outdeg; ++j) {
        o->scounts[j] = (me + j) % 3;
        o->sdispls[j] = 2 * j;
        for (int e = 0; e < 2; ++e) o->sbuf[2 * j + e] = V(me, j, e, round);
      }
      for (int i = 0; i < T.indeg; ++i) {
        o->rcounts[i] = T.src_slot[i] < 0 ? 2 : (T.in[i] + T.src_slot[i]) % 3;
        o->rdispls[i] = (T.indeg - 1 - i) * 3;
      }
      break;
    case 4: /* out-slot j: 1 MPI_INT (j even) or 1 g_pair; in: g_vec[c-1] at reversed bytes */
      for (int j = 0; j < T.outdeg; ++j) {
        o->scounts[j] = 1;
        o->stypes[j] = j % 2 == 0 ? MPI_INT : g_pair;
        o->sdispls[j] = 2 * j * (int)sizeof(int);
        for (int e = 0; e < 2; ++e) o->sbuf[2 * j + e] = V(me, j, e, round);
      }
      for (int i = 0; i < T.indeg; ++i) {
        o->rcounts[i] = 1;
        o->rtypes[i] = T.src_slot[i] < 0 ? MPI_INT : g_vec[T.src_slot[i] % 2];
        o->rdispls[i] = (T.indeg - 1 - i) * 4 * (int)sizeof(int);
      }
      break;
  }
  for (int j = 0; j < kMaxDeg; ++j) {
    o->scounts_c[j] = o->scounts[j];
    o->rcounts_c[j] = o->rcounts[j];
    o->sdispls_a[j] = o->sdispls[j];
    o->rdispls_a[j] = o->rdispls[j];
  }
}

/* What receive slot i must hold (ints at rbuf[at[k]] == want[k]); the rest stays -1. */
static void check(const Op *o, int round, const char *form) {
  int expect[4 * kMaxDeg + 8];
  for (int k = 0; k < 4 * kMaxDeg + 8; ++k) expect[k] = -1;
  for (int i = 0; i < T.indeg; ++i) {
    const int s = T.in[i], j = T.src_slot[i];
    if (s == MPI_PROC_NULL) continue;
    switch (o->op) {
      case 0:
        for (int e = 0; e < 3; ++e) expect[3 * i + e] = V(s, 0, e, round);
        break;
      case 1:
        for (int e = 0; e < s % 3; ++e) expect[(T.indeg - 1 - i) * 4 + e] = V(s, 0, e, round);
        break;
      case 2:
        for (int e = 0; e < 2; ++e) expect[2 * i + e] = V(s, j, e, round);
        break;
      case 3:
        for (int e = 0; e < (s + j) % 3; ++e) expect[(T.indeg - 1 - i) * 3 + e] = V(s, j, e, round);
        break;
      case 4:
        for (int e = 0; e < j % 2 + 1; ++e)
          expect[(T.indeg - 1 - i) * 4 + 2 * e] = V(s, j, e, round);
        break;
    }
  }
  for (int k = 0; k < 4 * kMaxDeg + 8; ++k)
    if (o->rbuf[k] != expect[k])
      fail("%s %s round %d: receive element %d is %d, want %d", form, kOpName[o->op], round, k,
           o->rbuf[k], expect[k]);
  g_checks++;
}

#define FORMS(name, ...)                                       \
  (mode == BLOCKING ? MPI_Neighbor_##name(__VA_ARGS__, g_comm) \
   : mode == NONBLOCKING                                       \
       ? MPI_Ineighbor_##name(__VA_ARGS__, g_comm, &o->req)    \
       : MPI_Neighbor_##name##_init(__VA_ARGS__, g_comm, MPI_INFO_NULL, &o->req))
#define FORMS_C(name, ...)                                         \
  (mode == BLOCKING ? MPI_Neighbor_##name##_c(__VA_ARGS__, g_comm) \
   : mode == NONBLOCKING                                           \
       ? MPI_Ineighbor_##name##_c(__VA_ARGS__, g_comm, &o->req)    \
       : MPI_Neighbor_##name##_init_c(__VA_ARGS__, g_comm, MPI_INFO_NULL, &o->req))

static int issue(Op *o, int mode, int large) {
  if (!large) {
    switch (o->op) {
      case 0:
        return FORMS(allgather, o->sbuf, 1, g_vec3, o->rbuf, 3, MPI_INT);
      case 1:
        return FORMS(allgatherv, o->sbuf, o->sendcount, MPI_INT, o->rbuf, o->rcounts, o->rdispls,
                     MPI_INT);
      case 2:
        return FORMS(alltoall, o->sbuf, 2, MPI_INT, o->rbuf, 1, g_pair);
      case 3:
        return FORMS(alltoallv, o->sbuf, o->scounts, o->sdispls, MPI_INT, o->rbuf, o->rcounts,
                     o->rdispls, MPI_INT);
      default:
        return FORMS(alltoallw, o->sbuf, o->scounts, o->sdispls_a, o->stypes, o->rbuf, o->rcounts,
                     o->rdispls_a, o->rtypes);
    }
  }
  switch (o->op) {
    case 0:
      return FORMS_C(allgather, o->sbuf, 1, g_vec3, o->rbuf, 3, MPI_INT);
    case 1:
      return FORMS_C(allgatherv, o->sbuf, o->sendcount, MPI_INT, o->rbuf, o->rcounts_c,
                     o->rdispls_a, MPI_INT);
    case 2:
      return FORMS_C(alltoall, o->sbuf, 2, MPI_INT, o->rbuf, 1, g_pair);
    case 3:
      return FORMS_C(alltoallv, o->sbuf, o->scounts_c, o->sdispls_a, MPI_INT, o->rbuf, o->rcounts_c,
                     o->rdispls_a, MPI_INT);
    default:
      return FORMS_C(alltoallw, o->sbuf, o->scounts_c, o->sdispls_a, o->stypes, o->rbuf,
                     o->rcounts_c, o->rdispls_a, o->rtypes);
  }
}

/* Every operation in every form on g_comm (a communicator with a topology). */
static void run_topology(const char *label) {
  static Op ops[kOps];
  g_label = label;
  MPI_Comm_rank(g_comm, &g_me);
  MPI_Comm_size(g_comm, &g_p);
  learn_topology();
  for (int large = 0; large < 2; ++large) {
    const char *b = large ? "MPI_Neighbor_*_c" : "MPI_Neighbor_*";
    const char *nb = large ? "MPI_Ineighbor_*_c" : "MPI_Ineighbor_*";
    const char *pe = large ? "MPI_Neighbor_*_init_c" : "MPI_Neighbor_*_init";
    for (int k = 0; k < kOps; ++k) {
      ops[k].op = k;
      fill(&ops[k], 0);
      int rc = issue(&ops[k], BLOCKING, large);
      if (rc != MPI_SUCCESS) fail("%s %s returned %d", b, kOpName[k], rc);
      check(&ops[k], 0, b);
    }
    /* All five outstanding at once. */
    MPI_Request reqs[kOps];
    for (int k = 0; k < kOps; ++k) {
      fill(&ops[k], 1);
      int rc = issue(&ops[k], NONBLOCKING, large);
      if (rc != MPI_SUCCESS) fail("%s %s returned %d", nb, kOpName[k], rc);
      reqs[k] = ops[k].req;
    }
    CALL(MPI_Waitall(kOps, reqs, MPI_STATUSES_IGNORE));
    for (int k = 0; k < kOps; ++k) check(&ops[k], 1, nb);
    /* Persistent: made once, started three times with new data. */
    for (int k = 0; k < kOps; ++k) {
      fill(&ops[k], 0);
      int rc = issue(&ops[k], PERSISTENT, large);
      if (rc != MPI_SUCCESS) fail("%s %s returned %d", pe, kOpName[k], rc);
      reqs[k] = ops[k].req;
    }
    for (int round = 0; round < kRounds; ++round) {
      for (int k = 0; k < kOps; ++k) fill(&ops[k], round + 2);
      if (round == 1) {
        for (int k = 0; k < kOps; ++k) CALL(MPI_Start(&reqs[k]));
        for (int k = kOps - 1; k >= 0; --k) CALL(MPI_Wait(&reqs[k], MPI_STATUS_IGNORE));
      } else {
        CALL(MPI_Startall(kOps, reqs));
        CALL(MPI_Waitall(kOps, reqs, MPI_STATUSES_IGNORE));
      }
      for (int k = 0; k < kOps; ++k) check(&ops[k], round + 2, pe);
    }
    for (int k = 0; k < kOps; ++k) CALL(MPI_Request_free(&reqs[k]));
  }
}

static void expect_class(int rc, int want, const char *what) {
  int cls = -1;
  if (rc == MPI_SUCCESS) fail("%s succeeded, want error class %d", what, want);
  MPI_Error_class(rc, &cls);
  if (cls != want) fail("%s: error class %d, want %d", what, cls, want);
  g_checks++;
}

/* Bad arguments on g_comm (a 1-D Cartesian communicator: two neighbors). */
static void test_errors(void) {
  int sb[8] = {0}, rb[8] = {0}, c2[2] = {1, 1}, d2[2] = {0, 1}, neg[2] = {1, -1};
  MPI_Aint a2[2] = {0, 4};
  MPI_Count cc2[2] = {1, 1};
  MPI_Datatype t2[2] = {MPI_INT, MPI_INT}, tnull[2] = {MPI_INT, MPI_DATATYPE_NULL}, loose;
  MPI_Request req = MPI_REQUEST_NULL;
  MPI_Info bad_info, freed;
  CALL(MPI_Info_create(&bad_info));
  freed = bad_info;
  CALL(MPI_Info_free(&freed));                     /* bad_info: the handle of a freed info */
  CALL(MPI_Type_vector(2, 1, 2, MPI_INT, &loose)); /* never committed */
  expect_class(MPI_Neighbor_allgather(sb, 1, MPI_INT, rb, 1, MPI_INT, MPI_COMM_WORLD),
               MPI_ERR_TOPOLOGY, "Neighbor_allgather on a communicator without topology");
  expect_class(MPI_Ineighbor_alltoall(sb, 1, MPI_INT, rb, 1, MPI_INT, MPI_COMM_SELF, &req),
               MPI_ERR_TOPOLOGY, "Ineighbor_alltoall on MPI_COMM_SELF");
  expect_class(MPI_Neighbor_alltoallw_init(sb, c2, a2, t2, rb, c2, a2, t2, MPI_COMM_WORLD,
                                           MPI_INFO_NULL, &req),
               MPI_ERR_TOPOLOGY, "Neighbor_alltoallw_init without topology");
  expect_class(MPI_Neighbor_alltoall(sb, 1, MPI_INT, rb, 1, MPI_INT, MPI_COMM_NULL), MPI_ERR_COMM,
               "Neighbor_alltoall on MPI_COMM_NULL");
  expect_class(MPI_Neighbor_allgather(sb, -1, MPI_INT, rb, 1, MPI_INT, g_comm), MPI_ERR_COUNT,
               "negative sendcount");
  expect_class(MPI_Neighbor_alltoall_c(sb, 1, MPI_INT, rb, -1, MPI_INT, g_comm), MPI_ERR_COUNT,
               "negative recvcount (_c)");
  expect_class(MPI_Neighbor_alltoall(sb, 1, MPI_DATATYPE_NULL, rb, 1, MPI_INT, g_comm),
               MPI_ERR_TYPE, "MPI_DATATYPE_NULL sendtype");
  expect_class(MPI_Neighbor_allgather(sb, 1, MPI_INT, rb, 1, loose, g_comm), MPI_ERR_TYPE,
               "uncommitted recvtype");
  expect_class(MPI_Neighbor_alltoall(NULL, 1, MPI_INT, rb, 1, MPI_INT, g_comm), MPI_ERR_BUFFER,
               "null sendbuf");
  expect_class(MPI_Neighbor_allgather(MPI_IN_PLACE, 1, MPI_INT, rb, 1, MPI_INT, g_comm),
               MPI_ERR_BUFFER, "MPI_IN_PLACE sendbuf (allgather)");
  expect_class(MPI_Neighbor_alltoall(sb, 1, MPI_INT, MPI_IN_PLACE, 1, MPI_INT, g_comm),
               MPI_ERR_BUFFER, "MPI_IN_PLACE recvbuf (alltoall)");
  expect_class(
      MPI_Ineighbor_alltoallv(MPI_IN_PLACE, c2, d2, MPI_INT, rb, c2, d2, MPI_INT, g_comm, &req),
      MPI_ERR_BUFFER, "MPI_IN_PLACE sendbuf (Ineighbor_alltoallv)");
  expect_class(MPI_Neighbor_alltoallw(sb, c2, a2, t2, MPI_IN_PLACE, c2, a2, t2, g_comm),
               MPI_ERR_BUFFER, "MPI_IN_PLACE recvbuf (alltoallw)");
  expect_class(MPI_Neighbor_alltoallv(sb, NULL, d2, MPI_INT, rb, c2, d2, MPI_INT, g_comm),
               MPI_ERR_ARG, "null sendcounts");
  expect_class(MPI_Neighbor_allgatherv(sb, 1, MPI_INT, rb, c2, NULL, MPI_INT, g_comm), MPI_ERR_ARG,
               "null displs");
  expect_class(MPI_Neighbor_alltoallv(sb, c2, d2, MPI_INT, rb, neg, d2, MPI_INT, g_comm),
               MPI_ERR_COUNT, "negative recvcounts entry");
  expect_class(
      MPI_Neighbor_alltoallv_c(sb, cc2, a2, MPI_INT, rb, cc2, a2, MPI_DATATYPE_NULL, g_comm),
      MPI_ERR_TYPE, "MPI_DATATYPE_NULL recvtype (_c)");
  expect_class(MPI_Neighbor_alltoallw(sb, c2, a2, t2, rb, c2, a2, tnull, g_comm), MPI_ERR_TYPE,
               "MPI_DATATYPE_NULL in recvtypes");
  expect_class(MPI_Neighbor_alltoallw(sb, c2, a2, NULL, rb, c2, a2, t2, g_comm), MPI_ERR_ARG,
               "null sendtypes");
  expect_class(MPI_Ineighbor_allgather(sb, 1, MPI_INT, rb, 1, MPI_INT, g_comm, NULL), MPI_ERR_ARG,
               "null request");
  expect_class(MPI_Neighbor_alltoall_init(sb, 1, MPI_INT, rb, 1, MPI_INT, g_comm, bad_info, &req),
               MPI_ERR_INFO, "invalid info");
  expect_class(MPI_Neighbor_allgatherv_init_c(sb, 1, MPI_INT, rb, cc2, a2, MPI_INT, g_comm,
                                              MPI_INFO_NULL, NULL),
               MPI_ERR_ARG, "null request (_init_c)");
  if (req != MPI_REQUEST_NULL) fail("a failed call set the request");
  g_checks++;
  CALL(MPI_Type_free(&loose));
  /* The communicator still works after the errors. */
  for (int i = 0; i < 2; ++i) sb[i] = g_me * 10 + i;
  CALL(MPI_Neighbor_alltoall(sb, 1, MPI_INT, rb, 1, MPI_INT, g_comm));
  int src, dst;
  CALL(MPI_Cart_shift(g_comm, 0, 1, &src, &dst));
  if (rb[0] != src * 10 + 1 || rb[1] != dst * 10 + 0)
    fail("alltoall after errors: %d %d", rb[0], rb[1]);
  g_checks++;
}

static void cart(int ndims, const int *dims, const int *periods, const char *label, int errors) {
  MPI_Comm c;
  CALL(MPI_Cart_create(MPI_COMM_WORLD, ndims, dims, periods, 0, &c));
  if (c == MPI_COMM_NULL) return;
  CALL(MPI_Comm_set_errhandler(c, MPI_ERRORS_RETURN));
  g_comm = c;
  run_topology(label);
  if (errors) test_errors();
  CALL(MPI_Comm_free(&c));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
  int p = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &p);
  CALL(MPI_Type_vector(3, 1, 2, MPI_INT, &g_vec3));
  CALL(MPI_Type_contiguous(2, MPI_INT, &g_pair));
  CALL(MPI_Type_vector(1, 1, 2, MPI_INT, &g_vec[0]));
  CALL(MPI_Type_vector(2, 1, 2, MPI_INT, &g_vec[1]));
  CALL(MPI_Type_commit(&g_vec3));
  CALL(MPI_Type_commit(&g_pair));
  CALL(MPI_Type_commit(&g_vec[0]));
  CALL(MPI_Type_commit(&g_vec[1]));

  /* Cartesian. A periodic dimension of size 1 (p = 1, or the {p, 1} grid) or 2 makes a
   * process its own neighbor or the same neighbor in both directions. */
  const int one[1] = {1}, zero[1] = {0}, dims1[1] = {p};
  cart(1, dims1, one, "cart 1-D periodic", 1);
  cart(1, dims1, zero, "cart 1-D", 0);
  int dims2[2] = {0, 0}, per_y[2] = {1, 0}, per_xy[2] = {1, 1}, per_x1[2] = {0, 1};
  CALL(MPI_Dims_create(p, 2, dims2));
  cart(2, dims2, per_y, "cart 2-D periodic x", 0);
  const int dims_p1[2] = {p, 1};
  cart(2, dims_p1, per_x1, "cart 2-D periodic size-1 y", 0);
  if (p % 2 == 0) {
    const int dims_2[2] = {2, p / 2};
    cart(2, dims_2, per_xy, "cart 2-D periodic size-2 x", 0);
  }
  const int dims_111[3] = {1, 1, 1}, per_111[3] = {1, 0, 1};
  cart(3, dims_111, per_111, "cart 3-D 1x1x1", 0);

  /* Graph: a ring (at 1 and 2 ranks a process is the same neighbor twice) and a self-loop
   * at rank 0. */
  {
    int *index = xmalloc(p * sizeof(int)), *edges = xmalloc((2 * p + 1) * sizeof(int)), n = 0;
    for (int r = 0; r < p; ++r) {
      edges[n++] = (r + 1) % p;
      edges[n++] = (r + p - 1) % p;
      if (r == 0) edges[n++] = 0;
      index[r] = n;
    }
    MPI_Comm g;
    CALL(MPI_Graph_create(MPI_COMM_WORLD, p, index, edges, 0, &g));
    CALL(MPI_Comm_set_errhandler(g, MPI_ERRORS_RETURN));
    g_comm = g;
    run_topology("graph ring");
    CALL(MPI_Comm_free(&g));
    free(index);
    free(edges);
  }

  /* Distributed graph, adjacent, weighted, asymmetric: r sends to r+1 and r+2; odd ranks
   * also to 0 (rank 0 then has more in- than out-edges; at small sizes edges repeat). */
  {
    int me = g_world_rank, src[kMaxDeg], sw[kMaxDeg], dst[kMaxDeg], dw[kMaxDeg], ni = 0, no = 0;
    dst[no] = (me + 1) % p, dw[no++] = 1;
    dst[no] = (me + 2) % p, dw[no++] = 2;
    if (me % 2 == 1) dst[no] = 0, dw[no++] = 3;
    src[ni] = (me + p - 1) % p, sw[ni++] = 1;
    src[ni] = (me + 2 * p - 2) % p, sw[ni++] = 2;
    if (me == 0)
      for (int r = 1; r < p; r += 2) src[ni] = r, sw[ni++] = 3;
    MPI_Comm g;
    CALL(MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, ni, src, sw, no, dst, dw, MPI_INFO_NULL, 0,
                                        &g));
    CALL(MPI_Comm_set_errhandler(g, MPI_ERRORS_RETURN));
    g_comm = g;
    run_topology("dist graph adjacent weighted");
    CALL(MPI_Comm_free(&g));
  }

  /* Distributed graph from MPI_Dist_graph_create: r -> (r + 1) % (p - 1) for r < p - 1, so
   * rank p - 1 has no neighbors at all (and at p = 2 rank 0 is its own). */
  {
    int me = g_world_rank, srcs[1] = {me}, degrees[1] = {me < p - 1 ? 1 : 0};
    int dsts[1] = {p > 1 ? (me + 1) % (p - 1) : 0};
    MPI_Comm g;
    CALL(MPI_Dist_graph_create(MPI_COMM_WORLD, 1, srcs, degrees, dsts, MPI_UNWEIGHTED,
                               MPI_INFO_NULL, 0, &g));
    CALL(MPI_Comm_set_errhandler(g, MPI_ERRORS_RETURN));
    g_comm = g;
    run_topology("dist graph");
    CALL(MPI_Comm_free(&g));
  }

  MPI_Type_free(&g_vec3);
  MPI_Type_free(&g_pair);
  MPI_Type_free(&g_vec[0]);
  MPI_Type_free(&g_vec[1]);
  return finish_ok();
}
