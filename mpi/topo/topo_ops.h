// Creating communicators with process topologies, and finding a communicator's topology.
//
// Creation is collective over the parent and goes through core::DupComm / core::SplitComm
// (the new communicator gets its own contexts). zmpi never reorders: with `reorder` true or
// false, rank i of a new Cartesian or graph communicator is rank i of the parent, and parent
// ranks beyond the grid or graph get no communicator (nullptr, MPI_COMM_NULL above). Every
// function validates its arguments before any communication, so a wrong argument returns its
// error class on the calling process without starting the collective.
#ifndef ZMPI_MPI_TOPO_TOPO_OPS_H_
#define ZMPI_MPI_TOPO_TOPO_OPS_H_

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/topo/cart_topology.h"
#include "mpi/topo/dist_graph_topology.h"
#include "mpi/topo/graph_topology.h"

namespace zmpi::topo {

// The communicator's topology of the kind asked for, or kTopology.
StatusOr<const CartTopology*> CartOf(const core::Comm& comm);
StatusOr<const GraphTopology*> GraphOf(const core::Comm& comm);
StatusOr<const DistGraphTopology*> DistGraphOf(const core::Comm& comm);

// MPI_Cart_create: nullptr on parent ranks >= the grid's size.
StatusOr<core::Comm*> CartCreate(core::Comm& parent, int ndims, const int* dims,
                                 const int* periods);
// MPI_Cart_sub: the part of the parent's grid that shares this process's coordinates in the
// dimensions not kept. kTopology if the parent is not Cartesian.
StatusOr<core::Comm*> CartSub(core::Comm& parent, const int* remain_dims);
// MPI_Cart_map: the rank this process would have in such a grid, or MPI_UNDEFINED.
StatusOr<int> CartMap(const core::Comm& comm, int ndims, const int* dims, const int* periods);

// MPI_Graph_create: nullptr on parent ranks >= nnodes (on every rank when nnodes is 0).
StatusOr<core::Comm*> GraphCreate(core::Comm& parent, int nnodes, const int* index,
                                  const int* edges);
// MPI_Graph_map: the rank this process would have in such a graph, or MPI_UNDEFINED.
StatusOr<int> GraphMap(const core::Comm& comm, int nnodes, const int* index, const int* edges);

// MPI_Dist_graph_create_adjacent: every process gives its own in and out edges.
StatusOr<core::Comm*> DistGraphCreateAdjacent(core::Comm& parent, const Adjacency& in,
                                              const Adjacency& out, bool weighted);
// MPI_Dist_graph_create: any process may give any edges: edges from sources[i] to the next
// degrees[i] entries of destinations (with as many weights when weighted). They are
// exchanged so that every process learns its own in and out edges, ordered by the rank that
// gave them, then in the order given.
StatusOr<core::Comm*> DistGraphCreate(core::Comm& parent, int n, const int* sources,
                                      const int* degrees, const int* destinations,
                                      const int* weights, bool weighted);

}  // namespace zmpi::topo

#endif  // ZMPI_MPI_TOPO_TOPO_OPS_H_
