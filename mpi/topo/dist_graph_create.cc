// MPI_Dist_graph_create: edges given by any process reach the two processes they join.
#include <utility>
#include <vector>

#include "mpi/core/coll_p2p.h"
#include "mpi/core/comm_ops.h"
#include "mpi/topo/topo_ops.h"

namespace zmpi::topo {
namespace {

// An edge as it travels to one of its ends: which end receives it, the rank at the other end
// and the weight (1 when unweighted).
enum EdgeEnd : int { kInEdge = 0, kOutEdge = 1 };
constexpr int kIntsPerEdge = 3;

Status CheckEdges(const core::Comm& parent, int n, const int* sources, const int* degrees,
                  const int* destinations, const int* weights, bool weighted) {
  if (n < 0) return Error(Code::kArg, "n %d is negative", n);
  if (n > 0 && (sources == nullptr || degrees == nullptr)) {
    return Error(Code::kArg, "sources or degrees is NULL");
  }
  for (int i = 0; i < n; ++i) {
    if (sources[i] < 0 || sources[i] >= parent.size()) {
      return Error(Code::kArg, "sources[%d] = %d is not a rank in [0, %d)", i, sources[i],
                   parent.size());
    }
    if (degrees[i] < 0) return Error(Code::kArg, "degrees[%d] = %d is negative", i, degrees[i]);
  }
  int64_t total = 0;
  for (int i = 0; i < n; ++i) total += degrees[i];
  const Adjacency all{static_cast<int>(total), destinations, weights};
  if (total > 0x7fffffff) return Error(Code::kArg, "more than 2^31 edges");
  return DistGraphTopology::Check(all, weighted, parent.size());
}

// Swaps with each other member in turn (round k: send to rank + k, receive from rank - k),
// first the number of ints, then the ints. Rounds pair every sender with a receiver that
// posts its receive first, so no round can deadlock.
Status ExchangeEdges(core::Comm& parent, std::vector<std::vector<int>>& outgoing,
                     std::vector<std::vector<int>>* incoming) {
  const int size = parent.size(), me = parent.rank();
  const int tag = parent.NextCollTag();
  incoming->assign(size, {});
  (*incoming)[me] = std::move(outgoing[me]);
  for (int k = 1; k < size; ++k) {
    const int to = (me + k) % size, from = (me - k + size) % size;
    int send_count = static_cast<int>(outgoing[to].size()), recv_count = 0;
    ZMPI_RETURN_IF_ERROR(core::CollSendRecv(parent, to, &send_count, sizeof(int), from, &recv_count,
                                            sizeof(int), tag));
    std::vector<int>& got = (*incoming)[from];
    got.resize(recv_count);
    ZMPI_RETURN_IF_ERROR(core::CollSendRecv(parent, to, outgoing[to].data(),
                                            outgoing[to].size() * sizeof(int), from, got.data(),
                                            got.size() * sizeof(int), tag));
  }
  return OkStatus();
}

}  // namespace

StatusOr<core::Comm*> DistGraphCreate(core::Comm& parent, int n, const int* sources,
                                      const int* degrees, const int* destinations,
                                      const int* weights, bool weighted) {
  ZMPI_RETURN_IF_ERROR(CheckEdges(parent, n, sources, degrees, destinations, weights, weighted));
  std::vector<std::vector<int>> outgoing(parent.size());
  int next = 0;
  for (int i = 0; i < n; ++i) {
    const int s = sources[i];
    for (int k = 0; k < degrees[i]; ++k, ++next) {
      const int d = destinations[next];
      const int w = weighted ? weights[next] : 1;
      outgoing[s].insert(outgoing[s].end(), {kOutEdge, d, w});
      outgoing[d].insert(outgoing[d].end(), {kInEdge, s, w});
    }
  }
  std::vector<std::vector<int>> incoming;
  ZMPI_RETURN_IF_ERROR(ExchangeEdges(parent, outgoing, &incoming));

  std::vector<int> in, in_weights, out, out_weights;
  for (const std::vector<int>& from : incoming) {
    for (size_t e = 0; e + kIntsPerEdge <= from.size(); e += kIntsPerEdge) {
      const bool is_in = from[e] == kInEdge;
      (is_in ? in : out).push_back(from[e + 1]);
      if (weighted) (is_in ? in_weights : out_weights).push_back(from[e + 2]);
    }
  }
  ZMPI_ASSIGN_OR_RETURN(core::Comm * comm, core::DupComm(parent));
  comm->set_topology(std::make_unique<DistGraphTopology>(
      std::move(in), std::move(in_weights), std::move(out), std::move(out_weights), weighted));
  return comm;
}

}  // namespace zmpi::topo
