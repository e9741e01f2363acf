/* Process topologies through the C API, on any number of ranks (odd ones too):
 * - Dims_create; Cartesian grids (1-D rings, 2-D grids with one periodic dimension, grids
 *   smaller than the communicator, 0-D) with reorder false and true: Cart_get, Cartdim_get,
 *   Cart_coords/Cart_rank for every rank, Cart_shift checked against the coordinates and by
 *   sending through the neighbours it names (MPI_PROC_NULL at the edges), Cart_sub, Cart_map;
 *   Comm_dup keeps a topology, Comm_split does not;
 * - graphs (a ring, a smaller graph, the empty graph): Graph_get, Graphdims_get,
 *   Graph_neighbors(_count), messages to the neighbours, Graph_map;
 * - distributed graphs, adjacent (weighted, unweighted, MPI_WEIGHTS_EMPTY) and general (edges
 *   given by one rank, by third parties, repeated edges), checked on every rank;
 * - every bad argument with its error class under MPI_ERRORS_RETURN.
 * Runs on MPI_COMM_WORLD and on a Comm_split with reversed ranks. Uses only <mpi.h>.
 * Prints "topo_test: OK (<n> checks)" on rank 0; on a mismatch prints it and fails. */
#include <string.h>

static const char kTestName[] = "topo_test";
#include "job_check.h"

#define CHECK(cond, ...)            \
  do {                              \
    if (!(cond)) fail(__VA_ARGS__); \
    ++g_checks;                     \
  } while (0)

/* `expr` must fail with error class `cls`. */
#define EXPECT_CLASS(cls, expr)                                                              \
  do {                                                                                       \
    int rc_ = (expr), class_ = -1;                                                           \
    if (rc_ != MPI_SUCCESS) MPI_Error_class(rc_, &class_);                                   \
    if (class_ != (cls)) fail("%s: error class %d, want %d (%s)", #expr, class_, cls, #cls); \
    ++g_checks;                                                                              \
  } while (0)

static int topo_kind(MPI_Comm comm) {
  int kind = -1;
  CALL(MPI_Topo_test(comm, &kind));
  return kind;
}

/* Sends my rank in `comm` to `dest` and checks that `source` sent its own. */
static void check_neighbour_pair(MPI_Comm comm, int source, int dest, const char *what) {
  int me, got = -7;
  MPI_Comm_rank(comm, &me);
  CALL(MPI_Sendrecv(&me, 1, MPI_INT, dest, 11, &got, 1, MPI_INT, source, 11, comm,
                    MPI_STATUS_IGNORE));
  if (source == MPI_PROC_NULL) {
    CHECK(got == -7, "%s: receive from MPI_PROC_NULL changed the buffer", what);
  } else {
    CHECK(got == source, "%s: got %d from source %d", what, got, source);
  }
}

/* ---- Cartesian ---- */

static void check_cart(MPI_Comm cart, int ndims, const int *dims, const int *periods) {
  int size, me, nd = -1;
  MPI_Comm_size(cart, &size);
  MPI_Comm_rank(cart, &me);
  CHECK(topo_kind(cart) == MPI_CART, "Topo_test of a Cartesian communicator");
  CALL(MPI_Cartdim_get(cart, &nd));
  CHECK(nd == ndims, "Cartdim_get %d, want %d", nd, ndims);
  int gd[4], gp[4], gc[4], c[4];
  CALL(MPI_Cart_get(cart, 4, gd, gp, gc));
  int expect_size = 1;
  for (int i = 0; i < ndims; ++i) {
    CHECK(gd[i] == dims[i] && gp[i] == (periods[i] != 0), "Cart_get dimension %d", i);
    expect_size *= dims[i];
  }
  CHECK(size == expect_size, "grid communicator size %d, want %d", size, expect_size);
  /* Row-major: my coordinates from Cart_get equal Cart_coords(me); every rank round-trips. */
  CALL(MPI_Cart_coords(cart, me, 4, c));
  for (int i = 0; i < ndims; ++i) CHECK(c[i] == gc[i], "Cart_get coords vs Cart_coords");
  for (int r = 0; r < size; ++r) {
    int back = -1, rest = r;
    CALL(MPI_Cart_coords(cart, r, ndims, c));
    for (int i = ndims - 1; i >= 0; --i) {
      CHECK(c[i] == rest % dims[i], "rank %d coordinate %d is %d", r, i, c[i]);
      rest /= dims[i];
    }
    CALL(MPI_Cart_rank(cart, c, &back));
    CHECK(back == r, "Cart_rank(Cart_coords(%d)) = %d", r, back);
  }
  /* Shifts along each dimension, by 1 and -1 and by a whole period plus one. */
  CALL(MPI_Cart_coords(cart, me, ndims, c));
  for (int d = 0; d < ndims; ++d) {
    const int disps[3] = {1, -1, dims[d] + 1};
    for (int k = 0; k < 3; ++k) {
      int src, dst;
      CALL(MPI_Cart_shift(cart, d, disps[k], &src, &dst));
      int want[2];
      for (int side = 0; side < 2; ++side) {
        int x = c[d] + (side == 0 ? -disps[k] : disps[k]);
        if (x < 0 || x >= dims[d]) {
          if (!periods[d]) {
            want[side] = MPI_PROC_NULL;
            continue;
          }
          x = ((x % dims[d]) + dims[d]) % dims[d];
        }
        int cc[4];
        memcpy(cc, c, sizeof(cc));
        cc[d] = x;
        CALL(MPI_Cart_rank(cart, cc, &want[side]));
      }
      CHECK(src == want[0] && dst == want[1], "Cart_shift(%d, %d): %d %d, want %d %d", d, disps[k],
            src, dst, want[0], want[1]);
      check_neighbour_pair(cart, src, dst, "Cart_shift neighbours");
    }
  }
  /* Periodic coordinates wrap in Cart_rank. */
  for (int d = 0; d < ndims; ++d) {
    if (!periods[d]) continue;
    int cc[4], r1 = -1, r2 = -2;
    memcpy(cc, c, sizeof(cc));
    cc[d] = c[d] - 3 * dims[d];
    CALL(MPI_Cart_rank(cart, cc, &r1));
    CALL(MPI_Cart_rank(cart, c, &r2));
    CHECK(r1 == r2, "periodic Cart_rank wrap: %d vs %d", r1, r2);
  }
  /* Comm_dup carries the topology; Comm_split does not. */
  MPI_Comm dup, split;
  CALL(MPI_Comm_dup(cart, &dup));
  CHECK(topo_kind(dup) == MPI_CART, "Comm_dup of a Cartesian communicator");
  CALL(MPI_Cart_get(dup, 4, gd, gp, c));
  for (int i = 0; i < ndims; ++i) CHECK(gd[i] == dims[i], "Cart_get of the duplicate");
  CALL(MPI_Comm_split(cart, 0, me, &split));
  CHECK(topo_kind(split) == MPI_UNDEFINED, "Comm_split result has no topology");
  CALL(MPI_Comm_free(&split));
  CALL(MPI_Comm_free(&dup));
}

static void test_cart(int reorder) {
  int dims[2] = {0, 0}, periods[2] = {0, 1};
  MPI_Comm cart;
  /* A 1-D ring over everyone. */
  dims[0] = g_p;
  periods[0] = 1;
  CALL(MPI_Cart_create(g_comm, 1, dims, periods, reorder, &cart));
  CHECK(cart != MPI_COMM_NULL, "1-D ring over everyone");
  check_cart(cart, 1, dims, periods);
  CALL(MPI_Comm_free(&cart));
  /* A 2-D grid from Dims_create, non-periodic in dimension 0. */
  dims[0] = dims[1] = 0;
  periods[0] = 0;
  CALL(MPI_Dims_create(g_p, 2, dims));
  CHECK(dims[0] * dims[1] == g_p && dims[0] >= dims[1], "Dims_create(%d, 2)", g_p);
  CALL(MPI_Cart_create(g_comm, 2, dims, periods, reorder, &cart));
  check_cart(cart, 2, dims, periods);
  /* Cart_sub keeping dimension 1: my row, ranks by the kept coordinate. */
  int keep[2] = {0, 1}, c[2], sub_size, sub_rank, sub_dims, cart_me;
  MPI_Comm sub;
  MPI_Comm_rank(cart, &cart_me);
  CALL(MPI_Cart_coords(cart, cart_me, 2, c));
  CALL(MPI_Cart_sub(cart, keep, &sub));
  MPI_Comm_size(sub, &sub_size);
  MPI_Comm_rank(sub, &sub_rank);
  CALL(MPI_Cartdim_get(sub, &sub_dims));
  CHECK(sub_size == dims[1] && sub_rank == c[1] && sub_dims == 1, "Cart_sub row");
  int row_sum = 0, mine = c[0];
  CALL(MPI_Allreduce(&mine, &row_sum, 1, MPI_INT, MPI_SUM, sub));
  CHECK(row_sum == c[0] * dims[1], "Cart_sub row members share coordinate 0");
  check_cart(sub, 1, &dims[1], &periods[1]);
  CALL(MPI_Comm_free(&sub));
  /* Keeping nothing: a zero-dimensional grid of one, the cart's rank 0; MPI_COMM_NULL elsewhere
   * (as with MPI_Cart_create and ndims 0). */
  keep[1] = 0;
  CALL(MPI_Cart_sub(cart, keep, &sub));
  if (cart_me == 0) {
    CHECK(sub != MPI_COMM_NULL, "Cart_sub keeping no dimension gave rank 0 MPI_COMM_NULL");
    MPI_Comm_size(sub, &sub_size);
    CALL(MPI_Cartdim_get(sub, &sub_dims));
    CHECK(sub_size == 1 && sub_dims == 0, "Cart_sub keeping no dimension");
    CALL(MPI_Comm_free(&sub));
  } else {
    CHECK(sub == MPI_COMM_NULL, "Cart_sub keeping no dimension gave rank %d a communicator",
          cart_me);
  }
  CALL(MPI_Comm_free(&cart));
  /* A grid one smaller than the communicator: the last rank gets MPI_COMM_NULL. */
  if (g_p > 1) {
    dims[0] = g_p - 1;
    periods[0] = 0;
    CALL(MPI_Cart_create(g_comm, 1, dims, periods, reorder, &cart));
    if (g_me == g_p - 1) {
      CHECK(cart == MPI_COMM_NULL, "rank beyond the grid gets MPI_COMM_NULL");
    } else {
      CHECK(cart != MPI_COMM_NULL, "rank inside the grid gets a communicator");
      check_cart(cart, 1, dims, periods);
      CALL(MPI_Comm_free(&cart));
    }
  }
  /* Zero dimensions: one process (rank 0) in the grid. */
  CALL(MPI_Cart_create(g_comm, 0, dims, periods, reorder, &cart));
  CHECK((cart != MPI_COMM_NULL) == (g_me == 0), "0-D grid holds rank 0 only");
  if (cart != MPI_COMM_NULL) {
    int nd = -1, r = -1, sz = 0;
    CALL(MPI_Cartdim_get(cart, &nd));
    CALL(MPI_Cart_rank(cart, dims, &r));
    MPI_Comm_size(cart, &sz);
    CHECK(nd == 0 && r == 0 && sz == 1, "0-D grid");
    CALL(MPI_Comm_free(&cart));
  }
  /* Cart_map: identity below the grid size. */
  int newrank = -5;
  dims[0] = (g_p + 1) / 2;
  CALL(MPI_Cart_map(g_comm, 1, dims, periods, &newrank));
  CHECK(newrank == (g_me < dims[0] ? g_me : MPI_UNDEFINED), "Cart_map gave %d", newrank);
}

/* ---- graph ---- */

static void test_graph(int reorder) {
  /* A ring of n nodes: node i is joined to i-1 and i+1 (one neighbour each for n == 2, a
   * self loop for n == 1). */
  for (int n = g_p; n >= 0 && n >= g_p - 1; --n) {
    int index[8], edges[16], ne = 0;
    for (int i = 0; i < n; ++i) {
      if (n == 1) {
        edges[ne++] = 0;
      } else {
        edges[ne++] = (i + n - 1) % n;
        if (n > 2) edges[ne++] = (i + 1) % n;
      }
      index[i] = ne;
    }
    MPI_Comm graph;
    CALL(MPI_Graph_create(g_comm, n, index, edges, reorder, &graph));
    int newrank = -5;
    CALL(MPI_Graph_map(g_comm, n, index, edges, &newrank));
    CHECK(newrank == (g_me < n ? g_me : MPI_UNDEFINED), "Graph_map gave %d", newrank);
    if (g_me >= n) {
      CHECK(graph == MPI_COMM_NULL, "rank beyond the graph (%d nodes) gets MPI_COMM_NULL", n);
      continue;
    }
    CHECK(topo_kind(graph) == MPI_GRAPH, "Topo_test of a graph communicator");
    int nnodes = -1, nedges = -1, gi[8], ge[16], count = -1, nb[4];
    CALL(MPI_Graphdims_get(graph, &nnodes, &nedges));
    CHECK(nnodes == n && nedges == ne, "Graphdims_get %d %d", nnodes, nedges);
    CALL(MPI_Graph_get(graph, n, ne, gi, ge));
    CHECK(memcmp(gi, index, n * sizeof(int)) == 0 && memcmp(ge, edges, ne * sizeof(int)) == 0,
          "Graph_get returns the description");
    for (int r = 0; r < n; ++r) {
      CALL(MPI_Graph_neighbors_count(graph, r, &count));
      CALL(MPI_Graph_neighbors(graph, r, 4, nb));
      const int first = r == 0 ? 0 : index[r - 1];
      CHECK(count == index[r] - first && memcmp(nb, edges + first, count * sizeof(int)) == 0,
            "Graph_neighbors of %d", r);
    }
    /* A message to each neighbour along the ring. */
    if (n > 2) check_neighbour_pair(graph, (g_me + n - 1) % n, (g_me + 1) % n, "graph ring");
    MPI_Comm dup;
    CALL(MPI_Comm_dup(graph, &dup));
    CALL(MPI_Graphdims_get(dup, &nnodes, &nedges));
    CHECK(topo_kind(dup) == MPI_GRAPH && nnodes == n && nedges == ne, "Comm_dup of a graph");
    CALL(MPI_Comm_free(&dup));
    CALL(MPI_Comm_free(&graph));
  }
  MPI_Comm none;
  CALL(MPI_Graph_create(g_comm, 0, NULL, NULL, reorder, &none));
  CHECK(none == MPI_COMM_NULL, "the empty graph gives MPI_COMM_NULL everywhere");
}

/* ---- distributed graph ---- */

/* The dist graph's neighbours must be exactly in[]/out[] (in this order when `ordered`,
 * otherwise as multisets), with the weights given when weighted. */
static void check_dist(MPI_Comm comm, int nin, const int *in, const int *inw, int nout,
                       const int *out, const int *outw, int weighted, int ordered,
                       const char *what) {
  int gin = -1, gout = -1, gw = -1;
  CHECK(topo_kind(comm) == MPI_DIST_GRAPH, "%s: Topo_test", what);
  CALL(MPI_Dist_graph_neighbors_count(comm, &gin, &gout, &gw));
  CHECK(gin == nin && gout == nout && gw == weighted, "%s: counts %d %d %d, want %d %d %d", what,
        gin, gout, gw, nin, nout, weighted);
  int s[16], sw[16], d[16], dw[16];
  CALL(MPI_Dist_graph_neighbors(comm, 16, s, weighted ? sw : MPI_UNWEIGHTED, 16, d,
                                weighted ? dw : MPI_UNWEIGHTED));
  for (int side = 0; side < 2; ++side) {
    const int n = side ? nout : nin;
    const int *want = side ? out : in, *want_w = side ? outw : inw;
    int *got = side ? d : s, *got_w = side ? dw : sw;
    int used[16] = {0};
    for (int i = 0; i < n; ++i) {
      int found = -1;
      for (int j = 0; j < n && found < 0; ++j) {
        if (used[j] || got[j] != want[i]) continue;
        if (weighted && got_w[j] != want_w[i]) continue;
        if (ordered && j != i) continue;
        found = j;
      }
      CHECK(found >= 0, "%s: %s neighbour %d (weight %d) missing", what, side ? "out" : "in",
            want[i], weighted ? want_w[i] : 0);
      used[found] = 1;
    }
  }
}

static void test_dist_graph(int reorder) {
  const int prev = (g_me + g_p - 1) % g_p, next = (g_me + 1) % g_p;
  int in[4], inw[4], out[4], outw[4];
  MPI_Comm dg;
  /* Adjacent, weighted: a directed ring, weight = the sender's rank + 1. */
  in[0] = prev;
  inw[0] = prev + 1;
  out[0] = next;
  outw[0] = g_me + 1;
  CALL(MPI_Dist_graph_create_adjacent(g_comm, 1, in, inw, 1, out, outw, MPI_INFO_NULL, reorder,
                                      &dg));
  check_dist(dg, 1, in, inw, 1, out, outw, 1, 1, "adjacent weighted ring");
  check_neighbour_pair(dg, prev, next, "dist graph ring");
  MPI_Comm dup;
  CALL(MPI_Comm_dup(dg, &dup));
  check_dist(dup, 1, in, inw, 1, out, outw, 1, 1, "Comm_dup of a dist graph");
  CALL(MPI_Comm_free(&dup));
  CALL(MPI_Comm_free(&dg));
  /* Adjacent, unweighted, both directions in a given order. */
  in[0] = next;
  in[1] = prev;
  out[0] = prev;
  out[1] = next;
  CALL(MPI_Dist_graph_create_adjacent(g_comm, 2, in, MPI_UNWEIGHTED, 2, out, MPI_UNWEIGHTED,
                                      MPI_INFO_NULL, reorder, &dg));
  check_dist(dg, 2, in, NULL, 2, out, NULL, 0, 1, "adjacent unweighted");
  CALL(MPI_Comm_free(&dg));
  /* Adjacent with no edges: MPI_WEIGHTS_EMPTY is weighted, MPI_UNWEIGHTED is not. */
  CALL(MPI_Dist_graph_create_adjacent(g_comm, 0, in, MPI_WEIGHTS_EMPTY, 0, out, MPI_WEIGHTS_EMPTY,
                                      MPI_INFO_NULL, reorder, &dg));
  check_dist(dg, 0, in, NULL, 0, out, NULL, 1, 1, "adjacent MPI_WEIGHTS_EMPTY");
  CALL(MPI_Comm_free(&dg));

  /* General: rank 0 gives every edge i -> i+1 (weight 10 * i), the others none. */
  int srcs[8], degs[8], dsts[8], wts[8];
  int n = 0;
  if (g_me == 0) {
    for (int i = 0; i < g_p; ++i) {
      srcs[n] = i;
      degs[n] = 1;
      dsts[n] = (i + 1) % g_p;
      wts[n] = 10 * i;
      ++n;
    }
  }
  CALL(MPI_Dist_graph_create(g_comm, n, srcs, degs, dsts, wts, MPI_INFO_NULL, reorder, &dg));
  in[0] = prev;
  inw[0] = 10 * prev;
  out[0] = next;
  outw[0] = 10 * g_me;
  check_dist(dg, 1, in, inw, 1, out, outw, 1, 0, "Dist_graph_create from rank 0");
  check_neighbour_pair(dg, prev, next, "Dist_graph_create ring");
  CALL(MPI_Comm_free(&dg));
  /* General, unweighted, edges given by a third party and repeated: rank r gives
   * r+1 -> r+2 (an edge it is not an end of) and r -> r+1 twice. */
  const int next2 = (g_me + 2) % g_p;
  srcs[0] = next;
  degs[0] = 1;
  dsts[0] = next2;
  srcs[1] = g_me;
  degs[1] = 2;
  dsts[1] = next;
  dsts[2] = next;
  CALL(MPI_Dist_graph_create(g_comm, 2, srcs, degs, dsts, MPI_UNWEIGHTED, MPI_INFO_NULL, reorder,
                             &dg));
  /* Edges r -> r+1 three times in all (once from r-1, twice from r). */
  int in3[3] = {prev, prev, prev}, out3[3] = {next, next, next};
  check_dist(dg, 3, in3, NULL, 3, out3, NULL, 0, 0, "Dist_graph_create by third parties");
  CALL(MPI_Comm_free(&dg));
  /* General, nobody gives an edge. */
  CALL(MPI_Dist_graph_create(g_comm, 0, srcs, degs, dsts, MPI_WEIGHTS_EMPTY, MPI_INFO_NULL, reorder,
                             &dg));
  check_dist(dg, 0, in, NULL, 0, out, NULL, 1, 0, "Dist_graph_create without edges");
  CALL(MPI_Comm_free(&dg));
}

/* ---- bad arguments ---- */

static void test_errors(void) {
  int dims[3] = {g_p, 0, 0}, periods[3] = {0, 0, 0}, c[3], r, s, d, n1, n2, w;
  MPI_Comm out = MPI_COMM_NULL;
  /* Dims_create */
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Dims_create(0, 2, dims + 1));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Dims_create(-3, 2, dims + 1));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Dims_create(4, -1, dims + 1));
  int bad_dims[2] = {-1, 0};
  EXPECT_CLASS(MPI_ERR_DIMS, MPI_Dims_create(4, 2, bad_dims));
  bad_dims[0] = 3;
  EXPECT_CLASS(MPI_ERR_DIMS, MPI_Dims_create(4, 2, bad_dims));
  bad_dims[1] = 2;
  EXPECT_CLASS(MPI_ERR_DIMS, MPI_Dims_create(4, 2, bad_dims));
  /* Cart_create */
  EXPECT_CLASS(MPI_ERR_COMM, MPI_Cart_create(MPI_COMM_NULL, 1, dims, periods, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Cart_create(g_comm, -1, dims, periods, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Cart_create(g_comm, 1, dims, periods, 0, NULL));
  int too_big[1] = {g_p + 1}, zero[1] = {0}, negative[1] = {-2};
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Cart_create(g_comm, 1, too_big, periods, 1, &out));
  EXPECT_CLASS(MPI_ERR_DIMS, MPI_Cart_create(g_comm, 1, zero, periods, 0, &out));
  EXPECT_CLASS(MPI_ERR_DIMS, MPI_Cart_create(g_comm, 1, negative, periods, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Cart_map(g_comm, -1, dims, periods, &r));
  EXPECT_CLASS(MPI_ERR_DIMS, MPI_Cart_map(g_comm, 1, zero, periods, &r));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Cart_map(g_comm, 1, too_big, periods, &r));
  EXPECT_CLASS(MPI_ERR_COMM, MPI_Cart_map(MPI_COMM_NULL, 1, dims, periods, &r));
  /* Queries on a communicator without that topology. */
  EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Cart_coords(g_comm, 0, 1, c));
  EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Cart_rank(g_comm, c, &r));
  EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Cart_shift(g_comm, 0, 1, &s, &d));
  EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Cart_get(g_comm, 1, dims, periods, c));
  EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Cartdim_get(g_comm, &r));
  EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Cart_sub(g_comm, periods, &out));
  EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Graphdims_get(g_comm, &n1, &n2));
  EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Graph_neighbors_count(g_comm, 0, &n1));
  EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Dist_graph_neighbors_count(g_comm, &n1, &n2, &w));
  EXPECT_CLASS(MPI_ERR_COMM, MPI_Topo_test(MPI_COMM_NULL, &r));
  EXPECT_CLASS(MPI_ERR_COMM, MPI_Cartdim_get(MPI_COMM_NULL, &r));
  /* Cartesian queries with bad values: a 1-D non-periodic line. */
  MPI_Comm cart;
  CALL(MPI_Cart_create(g_comm, 1, dims, periods, 0, &cart));
  EXPECT_CLASS(MPI_ERR_RANK, MPI_Cart_coords(cart, -1, 1, c));
  EXPECT_CLASS(MPI_ERR_RANK, MPI_Cart_coords(cart, g_p, 1, c));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Cart_coords(cart, 0, 0, c));
  c[0] = g_p;
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Cart_rank(cart, c, &r));
  c[0] = -1;
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Cart_rank(cart, c, &r));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Cart_shift(cart, 1, 1, &s, &d));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Cart_shift(cart, -1, 1, &s, &d));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Cart_get(cart, 0, dims, periods, c));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Cart_sub(cart, periods, NULL));
  EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Graph_get(cart, 4, 4, c, c));
  EXPECT_CLASS(MPI_ERR_TOPOLOGY,
               MPI_Dist_graph_neighbors(cart, 1, c, MPI_UNWEIGHTED, 1, c, MPI_UNWEIGHTED));
  CALL(MPI_Comm_free(&cart));
  /* Graph_create and graph queries. */
  int index[2] = {1, 2}, edges[2] = {1, 0};
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Graph_create(g_comm, -1, index, edges, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Graph_create(g_comm, g_p + 1, index, edges, 0, &out));
  EXPECT_CLASS(MPI_ERR_COMM, MPI_Graph_create(MPI_COMM_NULL, 1, index, edges, 0, &out));
  int one_index[1] = {1}, outside[1] = {1}, negative_index[1] = {-1};
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Graph_create(g_comm, 1, one_index, outside, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Graph_create(g_comm, 1, negative_index, edges, 0, &out));
  int decreasing[2] = {2, 1};
  if (g_p >= 2) {
    EXPECT_CLASS(MPI_ERR_ARG, MPI_Graph_create(g_comm, 2, decreasing, edges, 0, &out));
  }
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Graph_map(g_comm, -1, index, edges, &r));
  MPI_Comm graph;
  int self_index[1] = {1}, self_edge[1] = {0};
  CALL(MPI_Graph_create(g_comm, 1, self_index, self_edge, 0, &graph));
  if (graph != MPI_COMM_NULL) {
    EXPECT_CLASS(MPI_ERR_RANK, MPI_Graph_neighbors_count(graph, -1, &n1));
    EXPECT_CLASS(MPI_ERR_RANK, MPI_Graph_neighbors_count(graph, 1, &n1));
    EXPECT_CLASS(MPI_ERR_RANK, MPI_Graph_neighbors(graph, 5, 4, c));
    EXPECT_CLASS(MPI_ERR_ARG, MPI_Graph_neighbors(graph, 0, 0, c));
    EXPECT_CLASS(MPI_ERR_ARG, MPI_Graph_get(graph, 0, 1, c, c));
    EXPECT_CLASS(MPI_ERR_ARG, MPI_Graph_get(graph, 1, 0, c, c));
    EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Cart_shift(graph, 0, 1, &s, &d));
    CALL(MPI_Comm_free(&graph));
  }
  /* Distributed graphs. */
  int ranks[1] = {0}, bad_rank[1] = {g_p}, weights[1] = {1}, negative_weight[1] = {-1};
  int deg[1] = {1}, negative_deg[1] = {-1};
  EXPECT_CLASS(MPI_ERR_ARG,
               MPI_Dist_graph_create_adjacent(g_comm, -1, ranks, MPI_UNWEIGHTED, 0, ranks,
                                              MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG,
               MPI_Dist_graph_create_adjacent(g_comm, 1, bad_rank, MPI_UNWEIGHTED, 0, ranks,
                                              MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG,
               MPI_Dist_graph_create_adjacent(g_comm, 0, ranks, weights, 1, ranks, negative_weight,
                                              MPI_INFO_NULL, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Dist_graph_create_adjacent(g_comm, 1, ranks, NULL, 0, ranks, NULL,
                                                           MPI_INFO_NULL, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG,
               MPI_Dist_graph_create_adjacent(g_comm, 1, ranks, MPI_WEIGHTS_EMPTY, 0, ranks,
                                              MPI_WEIGHTS_EMPTY, MPI_INFO_NULL, 0, &out));
  EXPECT_CLASS(MPI_ERR_INFO,
               MPI_Dist_graph_create_adjacent(g_comm, 0, ranks, MPI_UNWEIGHTED, 0, ranks,
                                              MPI_UNWEIGHTED, (MPI_Info)0xdc00fffe, 0, &out));
  EXPECT_CLASS(MPI_ERR_COMM,
               MPI_Dist_graph_create_adjacent(MPI_COMM_NULL, 0, ranks, MPI_UNWEIGHTED, 0, ranks,
                                              MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Dist_graph_create(g_comm, -1, ranks, deg, ranks, MPI_UNWEIGHTED,
                                                  MPI_INFO_NULL, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Dist_graph_create(g_comm, 1, bad_rank, deg, ranks, MPI_UNWEIGHTED,
                                                  MPI_INFO_NULL, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Dist_graph_create(g_comm, 1, ranks, deg, bad_rank, MPI_UNWEIGHTED,
                                                  MPI_INFO_NULL, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Dist_graph_create(g_comm, 1, ranks, negative_deg, ranks,
                                                  MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &out));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Dist_graph_create(g_comm, 1, ranks, deg, ranks, negative_weight,
                                                  MPI_INFO_NULL, 0, &out));
  EXPECT_CLASS(MPI_ERR_INFO, MPI_Dist_graph_create(g_comm, 0, ranks, deg, ranks, MPI_UNWEIGHTED,
                                                   (MPI_Info)0xdc00fffe, 0, &out));
  MPI_Comm dg;
  int next[1] = {(g_me + 1) % g_p}, prev[1] = {(g_me + g_p - 1) % g_p};
  CALL(MPI_Dist_graph_create_adjacent(g_comm, 1, prev, MPI_UNWEIGHTED, 1, next, MPI_UNWEIGHTED,
                                      MPI_INFO_NULL, 0, &dg));
  EXPECT_CLASS(MPI_ERR_ARG,
               MPI_Dist_graph_neighbors(dg, 0, c, MPI_UNWEIGHTED, 1, c, MPI_UNWEIGHTED));
  EXPECT_CLASS(MPI_ERR_ARG,
               MPI_Dist_graph_neighbors(dg, 1, c, MPI_UNWEIGHTED, 0, c, MPI_UNWEIGHTED));
  EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Cartdim_get(dg, &r));
  EXPECT_CLASS(MPI_ERR_TOPOLOGY, MPI_Graph_neighbors(dg, 0, 1, c));
  CALL(MPI_Comm_free(&dg));
  CHECK(out == MPI_COMM_NULL, "a failed call left its output alone");
}

static void suite(MPI_Comm comm, const char *label) {
  g_comm = comm;
  g_label = label;
  MPI_Comm_rank(comm, &g_me);
  MPI_Comm_size(comm, &g_p);
  CALL(MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN));
  for (int reorder = 0; reorder <= 1; ++reorder) {
    test_cart(reorder);
    test_graph(reorder);
    test_dist_graph(reorder);
  }
  test_errors();
  CALL(MPI_Barrier(comm));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  int world_size;
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  /* The two sentinels are distinct, non-null data symbols. */
  if (MPI_UNWEIGHTED == NULL || MPI_WEIGHTS_EMPTY == NULL || MPI_UNWEIGHTED == MPI_WEIGHTS_EMPTY) {
    fail("MPI_UNWEIGHTED %p, MPI_WEIGHTS_EMPTY %p", (void *)MPI_UNWEIGHTED,
         (void *)MPI_WEIGHTS_EMPTY);
  }

  suite(MPI_COMM_WORLD, "MPI_COMM_WORLD");
  /* Everyone, ranks in reverse order: rank numbers differ from world ranks. */
  MPI_Comm reversed;
  g_label = "Comm_split";
  CALL(MPI_Comm_split(MPI_COMM_WORLD, 0, world_size - g_world_rank, &reversed));
  suite(reversed, "Comm_split(reversed)");
  CALL(MPI_Comm_free(&reversed));

  return finish_ok();
}
