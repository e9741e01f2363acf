// Process topologies (MPI-4.1 chapter 8): Cartesian, graph and distributed graph
// communicators and their queries, over mpi/topo.
#include <algorithm>

#include "mpi/abi/entry.h"
#include "mpi/core/objects.h"
#include "mpi/topo/dims.h"
#include "mpi/topo/topo_ops.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::StatusOr;
using zmpi::core::Comm;
using zmpi::topo::CartTopology;
using zmpi::topo::DistGraphTopology;
using zmpi::topo::GraphTopology;

namespace {

Status NotNull(const void* p, const char* name) {
  return p != nullptr ? Status() : zmpi::Error(Code::kArg, "%s is NULL", name);
}

// An output array of `max` entries must hold `needed`.
Status RoomFor(int max, int needed, const char* what) {
  if (max >= needed) return Status();
  return zmpi::Error(Code::kArg, "%s %d is less than the %d entries to return", what, max, needed);
}

Status CheckInfo(MPI_Info info) {
  if (info == MPI_INFO_NULL || zmpi::core::Objects::Get().FindInfo(info) != nullptr) {
    return Status();
  }
  return zmpi::Error(Code::kInfo, "invalid info handle 0x%x", info);
}

// A weights argument as the core takes it: nullptr for MPI_WEIGHTS_EMPTY (no weights to read).
const int* WeightsOrNull(const int weights[]) {
  return weights == MPI_WEIGHTS_EMPTY ? nullptr : weights;
}

MPI_Comm HandleOf(const Comm* comm) { return comm != nullptr ? comm->handle() : MPI_COMM_NULL; }

}  // namespace

// ---- Cartesian ----

ZMPI_API int PMPI_Cart_create(MPI_Comm comm_old, int ndims, const int dims[], const int periods[],
                              int reorder, MPI_Comm* comm_cart) {
  ZMPI_ENTER("MPI_Cart_create");
  (void)reorder;  // zmpi keeps the parent's order (docs/topologies.md)
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Cart_create", zmpi::abi::CheckComm(comm_old, &c));
  ZMPI_CHECK_ARG(c, "MPI_Cart_create", NotNull(comm_cart, "comm_cart"));
  StatusOr<Comm*> cart = zmpi::topo::CartCreate(*c, ndims, dims, periods);
  if (!cart.ok()) return zmpi::abi::Report(c, "MPI_Cart_create", cart.status());
  *comm_cart = HandleOf(*cart);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Cart_coords(MPI_Comm comm, int rank, int maxdims, int coords[]) {
  ZMPI_ENTER("MPI_Cart_coords");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Cart_coords", zmpi::abi::CheckComm(comm, &c));
  StatusOr<const CartTopology*> cart = zmpi::topo::CartOf(*c);
  ZMPI_CHECK_ARG(c, "MPI_Cart_coords", cart.status());
  if (rank < 0 || rank >= c->size()) {
    return zmpi::abi::Report(c, "MPI_Cart_coords", zmpi::abi::RankError(*c, rank));
  }
  ZMPI_CHECK_ARG(c, "MPI_Cart_coords", RoomFor(maxdims, (*cart)->ndims(), "maxdims"));
  if ((*cart)->ndims() > 0) ZMPI_CHECK_ARG(c, "MPI_Cart_coords", NotNull(coords, "coords"));
  (*cart)->Coords(rank, coords);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Cart_rank(MPI_Comm comm, const int coords[], int* rank) {
  ZMPI_ENTER("MPI_Cart_rank");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Cart_rank", zmpi::abi::CheckComm(comm, &c));
  StatusOr<const CartTopology*> cart = zmpi::topo::CartOf(*c);
  ZMPI_CHECK_ARG(c, "MPI_Cart_rank", cart.status());
  if ((*cart)->ndims() > 0) ZMPI_CHECK_ARG(c, "MPI_Cart_rank", NotNull(coords, "coords"));
  ZMPI_CHECK_ARG(c, "MPI_Cart_rank", NotNull(rank, "rank"));
  StatusOr<int> r = (*cart)->Rank(coords);
  if (!r.ok()) return zmpi::abi::Report(c, "MPI_Cart_rank", r.status());
  *rank = *r;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Cart_shift(MPI_Comm comm, int direction, int disp, int* rank_source,
                             int* rank_dest) {
  ZMPI_ENTER("MPI_Cart_shift");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Cart_shift", zmpi::abi::CheckComm(comm, &c));
  StatusOr<const CartTopology*> cart = zmpi::topo::CartOf(*c);
  ZMPI_CHECK_ARG(c, "MPI_Cart_shift", cart.status());
  if (direction < 0 || direction >= (*cart)->ndims()) {
    return zmpi::abi::Report(
        c, "MPI_Cart_shift",
        zmpi::Error(Code::kArg, "direction %d is not in [0, %d)", direction, (*cart)->ndims()));
  }
  ZMPI_CHECK_ARG(c, "MPI_Cart_shift", NotNull(rank_source, "rank_source"));
  ZMPI_CHECK_ARG(c, "MPI_Cart_shift", NotNull(rank_dest, "rank_dest"));
  (*cart)->Shift(c->rank(), direction, disp, rank_source, rank_dest);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Cart_sub(MPI_Comm comm, const int remain_dims[], MPI_Comm* newcomm) {
  ZMPI_ENTER("MPI_Cart_sub");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Cart_sub", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Cart_sub", NotNull(newcomm, "newcomm"));
  StatusOr<Comm*> sub = zmpi::topo::CartSub(*c, remain_dims);
  if (!sub.ok()) return zmpi::abi::Report(c, "MPI_Cart_sub", sub.status());
  *newcomm = HandleOf(*sub);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Cart_get(MPI_Comm comm, int maxdims, int dims[], int periods[], int coords[]) {
  ZMPI_ENTER("MPI_Cart_get");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Cart_get", zmpi::abi::CheckComm(comm, &c));
  StatusOr<const CartTopology*> cart = zmpi::topo::CartOf(*c);
  ZMPI_CHECK_ARG(c, "MPI_Cart_get", cart.status());
  const CartTopology& t = **cart;
  ZMPI_CHECK_ARG(c, "MPI_Cart_get", RoomFor(maxdims, t.ndims(), "maxdims"));
  if (t.ndims() > 0) {
    ZMPI_CHECK_ARG(c, "MPI_Cart_get", NotNull(dims, "dims"));
    ZMPI_CHECK_ARG(c, "MPI_Cart_get", NotNull(periods, "periods"));
    ZMPI_CHECK_ARG(c, "MPI_Cart_get", NotNull(coords, "coords"));
  }
  std::copy(t.dims().begin(), t.dims().end(), dims);
  std::copy(t.periods().begin(), t.periods().end(), periods);
  t.Coords(c->rank(), coords);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Cart_map(MPI_Comm comm, int ndims, const int dims[], const int periods[],
                           int* newrank) {
  ZMPI_ENTER("MPI_Cart_map");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Cart_map", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Cart_map", NotNull(newrank, "newrank"));
  StatusOr<int> r = zmpi::topo::CartMap(*c, ndims, dims, periods);
  if (!r.ok()) return zmpi::abi::Report(c, "MPI_Cart_map", r.status());
  *newrank = *r;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Cartdim_get(MPI_Comm comm, int* ndims) {
  ZMPI_ENTER("MPI_Cartdim_get");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Cartdim_get", zmpi::abi::CheckComm(comm, &c));
  StatusOr<const CartTopology*> cart = zmpi::topo::CartOf(*c);
  ZMPI_CHECK_ARG(c, "MPI_Cartdim_get", cart.status());
  ZMPI_CHECK_ARG(c, "MPI_Cartdim_get", NotNull(ndims, "ndims"));
  *ndims = (*cart)->ndims();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Dims_create(int nnodes, int ndims, int dims[]) {
  ZMPI_ENTER("MPI_Dims_create");
  return zmpi::abi::Report(nullptr, "MPI_Dims_create", zmpi::topo::DimsCreate(nnodes, ndims, dims));
}

// ---- graph ----

ZMPI_API int PMPI_Graph_create(MPI_Comm comm_old, int nnodes, const int indx[], const int edges[],
                               int reorder, MPI_Comm* comm_graph) {
  ZMPI_ENTER("MPI_Graph_create");
  (void)reorder;  // zmpi keeps the parent's order (docs/topologies.md)
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Graph_create", zmpi::abi::CheckComm(comm_old, &c));
  ZMPI_CHECK_ARG(c, "MPI_Graph_create", NotNull(comm_graph, "comm_graph"));
  StatusOr<Comm*> graph = zmpi::topo::GraphCreate(*c, nnodes, indx, edges);
  if (!graph.ok()) return zmpi::abi::Report(c, "MPI_Graph_create", graph.status());
  *comm_graph = HandleOf(*graph);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Graph_get(MPI_Comm comm, int maxindex, int maxedges, int indx[], int edges[]) {
  ZMPI_ENTER("MPI_Graph_get");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Graph_get", zmpi::abi::CheckComm(comm, &c));
  StatusOr<const GraphTopology*> graph = zmpi::topo::GraphOf(*c);
  ZMPI_CHECK_ARG(c, "MPI_Graph_get", graph.status());
  const GraphTopology& g = **graph;
  ZMPI_CHECK_ARG(c, "MPI_Graph_get", RoomFor(maxindex, g.nnodes(), "maxindex"));
  ZMPI_CHECK_ARG(c, "MPI_Graph_get", RoomFor(maxedges, g.nedges(), "maxedges"));
  if (g.nnodes() > 0) ZMPI_CHECK_ARG(c, "MPI_Graph_get", NotNull(indx, "indx"));
  if (g.nedges() > 0) ZMPI_CHECK_ARG(c, "MPI_Graph_get", NotNull(edges, "edges"));
  std::copy(g.index().begin(), g.index().end(), indx);
  std::copy(g.edges().begin(), g.edges().end(), edges);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Graph_map(MPI_Comm comm, int nnodes, const int indx[], const int edges[],
                            int* newrank) {
  ZMPI_ENTER("MPI_Graph_map");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Graph_map", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Graph_map", NotNull(newrank, "newrank"));
  StatusOr<int> r = zmpi::topo::GraphMap(*c, nnodes, indx, edges);
  if (!r.ok()) return zmpi::abi::Report(c, "MPI_Graph_map", r.status());
  *newrank = *r;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Graph_neighbors(MPI_Comm comm, int rank, int maxneighbors, int neighbors[]) {
  ZMPI_ENTER("MPI_Graph_neighbors");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Graph_neighbors", zmpi::abi::CheckComm(comm, &c));
  StatusOr<const GraphTopology*> graph = zmpi::topo::GraphOf(*c);
  ZMPI_CHECK_ARG(c, "MPI_Graph_neighbors", graph.status());
  if (rank < 0 || rank >= (*graph)->nnodes()) {
    return zmpi::abi::Report(c, "MPI_Graph_neighbors", zmpi::abi::RankError(*c, rank));
  }
  const int count = (*graph)->NeighborCount(rank);
  ZMPI_CHECK_ARG(c, "MPI_Graph_neighbors", RoomFor(maxneighbors, count, "maxneighbors"));
  if (count > 0) ZMPI_CHECK_ARG(c, "MPI_Graph_neighbors", NotNull(neighbors, "neighbors"));
  std::copy_n((*graph)->Neighbors(rank), count, neighbors);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Graph_neighbors_count(MPI_Comm comm, int rank, int* nneighbors) {
  ZMPI_ENTER("MPI_Graph_neighbors_count");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Graph_neighbors_count", zmpi::abi::CheckComm(comm, &c));
  StatusOr<const GraphTopology*> graph = zmpi::topo::GraphOf(*c);
  ZMPI_CHECK_ARG(c, "MPI_Graph_neighbors_count", graph.status());
  if (rank < 0 || rank >= (*graph)->nnodes()) {
    return zmpi::abi::Report(c, "MPI_Graph_neighbors_count", zmpi::abi::RankError(*c, rank));
  }
  ZMPI_CHECK_ARG(c, "MPI_Graph_neighbors_count", NotNull(nneighbors, "nneighbors"));
  *nneighbors = (*graph)->NeighborCount(rank);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Graphdims_get(MPI_Comm comm, int* nnodes, int* nedges) {
  ZMPI_ENTER("MPI_Graphdims_get");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Graphdims_get", zmpi::abi::CheckComm(comm, &c));
  StatusOr<const GraphTopology*> graph = zmpi::topo::GraphOf(*c);
  ZMPI_CHECK_ARG(c, "MPI_Graphdims_get", graph.status());
  ZMPI_CHECK_ARG(c, "MPI_Graphdims_get", NotNull(nnodes, "nnodes"));
  ZMPI_CHECK_ARG(c, "MPI_Graphdims_get", NotNull(nedges, "nedges"));
  *nnodes = (*graph)->nnodes();
  *nedges = (*graph)->nedges();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Topo_test(MPI_Comm comm, int* status) {
  ZMPI_ENTER("MPI_Topo_test");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Topo_test", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Topo_test", NotNull(status, "status"));
  *status = c->topology() != nullptr ? static_cast<int>(c->topology()->kind()) : MPI_UNDEFINED;
  return MPI_SUCCESS;
}

// ---- distributed graph ----

ZMPI_API int PMPI_Dist_graph_create_adjacent(MPI_Comm comm_old, int indegree, const int sources[],
                                             const int sourceweights[], int outdegree,
                                             const int destinations[], const int destweights[],
                                             MPI_Info info, int reorder,
                                             MPI_Comm* comm_dist_graph) {
  ZMPI_ENTER("MPI_Dist_graph_create_adjacent");
  (void)reorder;  // zmpi keeps the parent's order (docs/topologies.md)
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Dist_graph_create_adjacent", zmpi::abi::CheckComm(comm_old, &c));
  ZMPI_CHECK_ARG(c, "MPI_Dist_graph_create_adjacent", CheckInfo(info));
  ZMPI_CHECK_ARG(c, "MPI_Dist_graph_create_adjacent", NotNull(comm_dist_graph, "comm_dist_graph"));
  const bool weighted = sourceweights != MPI_UNWEIGHTED && destweights != MPI_UNWEIGHTED;
  const zmpi::topo::Adjacency in{indegree, sources, WeightsOrNull(sourceweights)};
  const zmpi::topo::Adjacency out{outdegree, destinations, WeightsOrNull(destweights)};
  StatusOr<Comm*> graph = zmpi::topo::DistGraphCreateAdjacent(*c, in, out, weighted);
  if (!graph.ok()) return zmpi::abi::Report(c, "MPI_Dist_graph_create_adjacent", graph.status());
  *comm_dist_graph = HandleOf(*graph);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Dist_graph_create(MPI_Comm comm_old, int n, const int sources[],
                                    const int degrees[], const int destinations[],
                                    const int weights[], MPI_Info info, int reorder,
                                    MPI_Comm* comm_dist_graph) {
  ZMPI_ENTER("MPI_Dist_graph_create");
  (void)reorder;  // zmpi keeps the parent's order (docs/topologies.md)
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Dist_graph_create", zmpi::abi::CheckComm(comm_old, &c));
  ZMPI_CHECK_ARG(c, "MPI_Dist_graph_create", CheckInfo(info));
  ZMPI_CHECK_ARG(c, "MPI_Dist_graph_create", NotNull(comm_dist_graph, "comm_dist_graph"));
  const bool weighted = weights != MPI_UNWEIGHTED;
  StatusOr<Comm*> graph = zmpi::topo::DistGraphCreate(*c, n, sources, degrees, destinations,
                                                      WeightsOrNull(weights), weighted);
  if (!graph.ok()) return zmpi::abi::Report(c, "MPI_Dist_graph_create", graph.status());
  *comm_dist_graph = HandleOf(*graph);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Dist_graph_neighbors(MPI_Comm comm, int maxindegree, int sources[],
                                       int sourceweights[], int maxoutdegree, int destinations[],
                                       int destweights[]) {
  ZMPI_ENTER("MPI_Dist_graph_neighbors");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Dist_graph_neighbors", zmpi::abi::CheckComm(comm, &c));
  StatusOr<const DistGraphTopology*> graph = zmpi::topo::DistGraphOf(*c);
  ZMPI_CHECK_ARG(c, "MPI_Dist_graph_neighbors", graph.status());
  const DistGraphTopology& g = **graph;
  const int in = static_cast<int>(g.sources().size());
  const int out = static_cast<int>(g.destinations().size());
  ZMPI_CHECK_ARG(c, "MPI_Dist_graph_neighbors", RoomFor(maxindegree, in, "maxindegree"));
  ZMPI_CHECK_ARG(c, "MPI_Dist_graph_neighbors", RoomFor(maxoutdegree, out, "maxoutdegree"));
  if (in > 0) ZMPI_CHECK_ARG(c, "MPI_Dist_graph_neighbors", NotNull(sources, "sources"));
  if (out > 0) {
    ZMPI_CHECK_ARG(c, "MPI_Dist_graph_neighbors", NotNull(destinations, "destinations"));
  }
  std::copy_n(g.sources().begin(), in, sources);
  std::copy_n(g.destinations().begin(), out, destinations);
  // Weights only where the graph has them and the caller asked for them.
  if (g.weighted() && sourceweights != MPI_UNWEIGHTED && sourceweights != nullptr) {
    std::copy_n(g.source_weights().begin(), in, sourceweights);
  }
  if (g.weighted() && destweights != MPI_UNWEIGHTED && destweights != nullptr) {
    std::copy_n(g.destination_weights().begin(), out, destweights);
  }
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Dist_graph_neighbors_count(MPI_Comm comm, int* indegree, int* outdegree,
                                             int* weighted) {
  ZMPI_ENTER("MPI_Dist_graph_neighbors_count");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Dist_graph_neighbors_count", zmpi::abi::CheckComm(comm, &c));
  StatusOr<const DistGraphTopology*> graph = zmpi::topo::DistGraphOf(*c);
  ZMPI_CHECK_ARG(c, "MPI_Dist_graph_neighbors_count", graph.status());
  ZMPI_CHECK_ARG(c, "MPI_Dist_graph_neighbors_count", NotNull(indegree, "indegree"));
  ZMPI_CHECK_ARG(c, "MPI_Dist_graph_neighbors_count", NotNull(outdegree, "outdegree"));
  ZMPI_CHECK_ARG(c, "MPI_Dist_graph_neighbors_count", NotNull(weighted, "weighted"));
  *indegree = static_cast<int>((*graph)->sources().size());
  *outdegree = static_cast<int>((*graph)->destinations().size());
  *weighted = (*graph)->weighted() ? 1 : 0;
  return MPI_SUCCESS;
}

#include "mpi/abi/topo_aliases.inc"
