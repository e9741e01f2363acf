#include "mpi/topo/neighbors.h"

#include <numeric>

#include "mpi/include/mpi.h"
#include "mpi/topo/cart_topology.h"
#include "mpi/topo/dist_graph_topology.h"
#include "mpi/topo/graph_topology.h"

namespace zmpi::topo {

StatusOr<NeighborList> NeighborsOf(const core::Topology* topology, int rank) {
  if (topology == nullptr) {
    return Error(Code::kTopology, "the communicator has no process topology");
  }
  NeighborList n;
  switch (topology->kind()) {
    case core::TopologyKind::kCart: {
      const auto& cart = static_cast<const CartTopology&>(*topology);
      for (int d = 0; d < cart.ndims(); ++d) {
        int source = MPI_PROC_NULL, dest = MPI_PROC_NULL;
        cart.Shift(rank, d, 1, &source, &dest);
        n.sources.push_back(source);
        n.sources.push_back(dest);
        n.send_order.push_back(2 * d + 1);
        n.send_order.push_back(2 * d);
      }
      n.destinations = n.sources;
      return n;
    }
    case core::TopologyKind::kGraph: {
      const auto& graph = static_cast<const GraphTopology&>(*topology);
      const int* first = graph.Neighbors(rank);
      n.sources.assign(first, first + graph.NeighborCount(rank));
      n.destinations = n.sources;
      break;
    }
    case core::TopologyKind::kDistGraph: {
      const auto& graph = static_cast<const DistGraphTopology&>(*topology);
      n.sources = graph.sources();
      n.destinations = graph.destinations();
      break;
    }
  }
  n.send_order.resize(n.destinations.size());
  std::iota(n.send_order.begin(), n.send_order.end(), 0);
  return n;
}

}  // namespace zmpi::topo
