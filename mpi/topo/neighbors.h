// The neighbors of one process in a communicator's topology, as the neighborhood collectives
// (MPI_Neighbor_*, MPI-4.1 section 8.6) use them: receive block i comes from sources[i], send
// block i goes to destinations[i].
//   Cartesian: for each dimension d, the MPI_Cart_shift(d, 1) source then destination, in
//     both lists (MPI_PROC_NULL past a non-periodic edge: the block keeps its slot, no data).
//   Graph: MPI_Graph_neighbors, in both lists.
//   Distributed graph: the sources and destinations as the process gave them.
// Pure arithmetic over the topology; no communicator.
#ifndef ZMPI_MPI_TOPO_NEIGHBORS_H_
#define ZMPI_MPI_TOPO_NEIGHBORS_H_

#include <vector>

#include "common/status.h"
#include "mpi/core/topology.h"

namespace zmpi::topo {

struct NeighborList {
  std::vector<int> sources;       // in-neighbors, in receive-block order
  std::vector<int> destinations;  // out-neighbors, in send-block order
  // The order to post the sends in: send_order[k] is the send block posted k-th (receives
  // are posted in block order). Between two processes the messages of one call match in
  // posting order, so this decides where a block lands when two processes are neighbors
  // through several edges. Graphs: block order (the i-th block sent to a process fills the
  // i-th block it receives from this one). Cartesian grids: for each dimension, the block
  // for the destination (+1) before the one for the source (-1), so that on a periodic
  // dimension of size 1 or 2, where one process is both, a process's +1 block lands in its
  // +1 neighbor's source (-1) slot and its -1 block in the -1 neighbor's destination slot,
  // as on any larger grid (MPI Forum issue 153; Open MPI's blocking forms agree, MPICH 4.0.2
  // does not in every case: its alltoallv/w match in block order).
  std::vector<int> send_order;

  int indegree() const { return static_cast<int>(sources.size()); }
  int outdegree() const { return static_cast<int>(destinations.size()); }
};

// The neighbors of `rank` (a rank of the topology's communicator) in `topology`; kTopology
// when there is none.
StatusOr<NeighborList> NeighborsOf(const core::Topology* topology, int rank);

}  // namespace zmpi::topo

#endif  // ZMPI_MPI_TOPO_NEIGHBORS_H_
