#include "mpi/topo/dist_graph_topology.h"

namespace zmpi::topo {

Status DistGraphTopology::Check(const Adjacency& side, bool weighted, int comm_size) {
  if (side.degree < 0) return Error(Code::kArg, "degree %d is negative", side.degree);
  if (side.degree == 0) return OkStatus();
  if (side.ranks == nullptr) return Error(Code::kArg, "neighbour array is NULL");
  for (int i = 0; i < side.degree; ++i) {
    if (side.ranks[i] < 0 || side.ranks[i] >= comm_size) {
      return Error(Code::kArg, "neighbour %d is not a rank in [0, %d)", side.ranks[i], comm_size);
    }
  }
  if (!weighted) return OkStatus();
  if (side.weights == nullptr) return Error(Code::kArg, "weights are missing");
  for (int i = 0; i < side.degree; ++i) {
    if (side.weights[i] < 0) {
      return Error(Code::kArg, "weight[%d] = %d is negative", i, side.weights[i]);
    }
  }
  return OkStatus();
}

std::unique_ptr<DistGraphTopology> DistGraphTopology::Make(const Adjacency& in,
                                                           const Adjacency& out, bool weighted) {
  auto copy = [](const int* p, int n) {
    return n > 0 ? std::vector<int>(p, p + n) : std::vector<int>();
  };
  return std::make_unique<DistGraphTopology>(
      copy(in.ranks, in.degree), weighted ? copy(in.weights, in.degree) : std::vector<int>(),
      copy(out.ranks, out.degree), weighted ? copy(out.weights, out.degree) : std::vector<int>(),
      weighted);
}

DistGraphTopology::DistGraphTopology(std::vector<int> sources, std::vector<int> source_weights,
                                     std::vector<int> destinations,
                                     std::vector<int> destination_weights, bool weighted)
    : sources_(std::move(sources)),
      source_weights_(std::move(source_weights)),
      destinations_(std::move(destinations)),
      destination_weights_(std::move(destination_weights)),
      weighted_(weighted) {}

std::unique_ptr<core::Topology> DistGraphTopology::Clone() const {
  return std::make_unique<DistGraphTopology>(sources_, source_weights_, destinations_,
                                             destination_weights_, weighted_);
}

}  // namespace zmpi::topo
