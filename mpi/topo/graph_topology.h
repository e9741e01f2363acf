// A graph topology (MPI_Graph_create): every process knows the whole graph, given as MPI's
// index/edges arrays (node i's neighbours are edges[index[i-1] .. index[i]), index[-1] = 0).
#ifndef ZMPI_MPI_TOPO_GRAPH_TOPOLOGY_H_
#define ZMPI_MPI_TOPO_GRAPH_TOPOLOGY_H_

#include <memory>
#include <vector>

#include "common/status.h"
#include "mpi/core/topology.h"

namespace zmpi::topo {

class GraphTopology final : public core::Topology {
 public:
  // Validates the description (kArg): 0 <= nnodes <= max_size, index non-decreasing from
  // index[0] >= 0, every edge a node in [0, nnodes). Self loops and repeated edges are allowed.
  static StatusOr<std::unique_ptr<GraphTopology>> Make(int nnodes, const int* index,
                                                       const int* edges, int max_size);

  core::TopologyKind kind() const override { return core::TopologyKind::kGraph; }
  std::unique_ptr<core::Topology> Clone() const override;

  int nnodes() const { return static_cast<int>(index_.size()); }
  int nedges() const { return static_cast<int>(edges_.size()); }
  const std::vector<int>& index() const { return index_; }
  const std::vector<int>& edges() const { return edges_; }
  // Neighbours of node `rank` (in [0, nnodes)): NeighborCount of them from Neighbors.
  int NeighborCount(int rank) const { return End(rank) - Begin(rank); }
  const int* Neighbors(int rank) const { return edges_.data() + Begin(rank); }

 private:
  GraphTopology(std::vector<int> index, std::vector<int> edges)
      : index_(std::move(index)), edges_(std::move(edges)) {}
  int Begin(int rank) const { return rank == 0 ? 0 : index_[rank - 1]; }
  int End(int rank) const { return index_[rank]; }

  std::vector<int> index_;
  std::vector<int> edges_;
};

}  // namespace zmpi::topo

#endif  // ZMPI_MPI_TOPO_GRAPH_TOPOLOGY_H_
