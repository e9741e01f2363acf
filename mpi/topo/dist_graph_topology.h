// A distributed graph topology (MPI_Dist_graph_create, MPI_Dist_graph_create_adjacent): each
// process knows only its own edges, in (sources) and out (destinations), with their weights
// when the graph is weighted.
#ifndef ZMPI_MPI_TOPO_DIST_GRAPH_TOPOLOGY_H_
#define ZMPI_MPI_TOPO_DIST_GRAPH_TOPOLOGY_H_

#include <memory>
#include <vector>

#include "common/status.h"
#include "mpi/core/topology.h"

namespace zmpi::topo {

// One side of a process's adjacency as the caller gives it: `degree` ranks, and `weights`
// (nullptr when the graph is unweighted).
struct Adjacency {
  int degree;
  const int* ranks;
  const int* weights;
};

class DistGraphTopology final : public core::Topology {
 public:
  // Validates one process's edges (kArg): degrees >= 0, ranks in [0, comm_size), weights
  // present (when weighted and degree > 0) and >= 0.
  static Status Check(const Adjacency& side, bool weighted, int comm_size);
  // From checked adjacency lists; an unweighted graph keeps no weights.
  static std::unique_ptr<DistGraphTopology> Make(const Adjacency& in, const Adjacency& out,
                                                 bool weighted);
  DistGraphTopology(std::vector<int> sources, std::vector<int> source_weights,
                    std::vector<int> destinations, std::vector<int> destination_weights,
                    bool weighted);

  core::TopologyKind kind() const override { return core::TopologyKind::kDistGraph; }
  std::unique_ptr<core::Topology> Clone() const override;

  bool weighted() const { return weighted_; }
  const std::vector<int>& sources() const { return sources_; }
  const std::vector<int>& source_weights() const { return source_weights_; }  // empty if not
  const std::vector<int>& destinations() const { return destinations_; }
  const std::vector<int>& destination_weights() const { return destination_weights_; }

 private:
  std::vector<int> sources_, source_weights_;
  std::vector<int> destinations_, destination_weights_;
  bool weighted_;
};

}  // namespace zmpi::topo

#endif  // ZMPI_MPI_TOPO_DIST_GRAPH_TOPOLOGY_H_
