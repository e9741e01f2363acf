#include "mpi/topo/graph_topology.h"

namespace zmpi::topo {

StatusOr<std::unique_ptr<GraphTopology>> GraphTopology::Make(int nnodes, const int* index,
                                                             const int* edges, int max_size) {
  if (nnodes < 0 || nnodes > max_size) {
    return Error(Code::kArg, "nnodes %d is not in [0, %d]", nnodes, max_size);
  }
  if (nnodes > 0 && index == nullptr) return Error(Code::kArg, "index is NULL");
  int previous = 0;
  for (int i = 0; i < nnodes; ++i) {
    if (index[i] < previous) {
      return Error(Code::kArg, "index[%d] = %d is below %s %d", i, index[i],
                   i == 0 ? "zero" : "the previous entry", previous);
    }
    previous = index[i];
  }
  const int nedges = nnodes > 0 ? index[nnodes - 1] : 0;
  if (nedges > 0 && edges == nullptr) return Error(Code::kArg, "edges is NULL");
  for (int e = 0; e < nedges; ++e) {
    if (edges[e] < 0 || edges[e] >= nnodes) {
      return Error(Code::kArg, "edges[%d] = %d is not a node in [0, %d)", e, edges[e], nnodes);
    }
  }
  return std::unique_ptr<GraphTopology>(new GraphTopology(std::vector<int>(index, index + nnodes),
                                                          std::vector<int>(edges, edges + nedges)));
}

std::unique_ptr<core::Topology> GraphTopology::Clone() const {
  return std::unique_ptr<GraphTopology>(new GraphTopology(index_, edges_));
}

}  // namespace zmpi::topo
