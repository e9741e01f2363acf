#include "mpi/coll/sched/neighbor.h"

#include <memory>
#include <vector>

#include "mpi/coll/sched/core_backend.h"
#include "mpi/coll/sched/neighbor_builders.h"

namespace zmpi::coll {
namespace {

using core::Datatype;
using sched::ScheduleRequest;
using sched::Span;

// The request's copies of `types[0..n)`: a run of one type shares one copy (the uniform
// forms pass the same type for every block).
std::vector<const Datatype*> KeepAll(ScheduleRequest& req, const Datatype* const* types, int n) {
  std::vector<const Datatype*> kept(n);
  for (int i = 0; i < n; ++i) {
    kept[i] = i > 0 && types[i] == types[i - 1] ? kept[i - 1] : req.Keep(types[i]);
  }
  return kept;
}

StatusOr<core::Request*> Exchange(std::unique_ptr<ScheduleRequest> req,
                                  const topo::NeighborList& nbrs, const std::vector<Span>& recvs,
                                  const std::vector<Span>& sends, bool persistent) {
  sched::BuildNeighborExchange(req->sched(), nbrs.sources.data(), recvs.data(), nbrs.indegree(),
                               nbrs.destinations.data(), sends.data(), nbrs.send_order.data(),
                               nbrs.outdegree());
  return sched::Launch(std::move(req), persistent);
}

}  // namespace

StatusOr<core::Request*> IneighborAllgatherv(core::Comm& comm, const topo::NeighborList& nbrs,
                                             const void* sendbuf, int64_t sendcount,
                                             const Datatype& sendtype, void* recvbuf,
                                             const int64_t* recvcounts, const int64_t* displs,
                                             const Datatype& recvtype, bool persistent) {
  auto req = std::make_unique<ScheduleRequest>(comm, comm.NextCollTag());
  const Span all{recvbuf, 0, req->Keep(&recvtype)};
  std::vector<Span> recvs(nbrs.indegree());
  for (int i = 0; i < nbrs.indegree(); ++i) recvs[i] = all.At(displs[i], recvcounts[i]);
  const std::vector<Span> sends(nbrs.outdegree(), Span{sendbuf, sendcount, req->Keep(&sendtype)});
  return Exchange(std::move(req), nbrs, recvs, sends, persistent);
}

StatusOr<core::Request*> IneighborAlltoallw(core::Comm& comm, const topo::NeighborList& nbrs,
                                            const void* sendbuf, const int64_t* sendcounts,
                                            const int64_t* sdispls,
                                            const Datatype* const* sendtypes, void* recvbuf,
                                            const int64_t* recvcounts, const int64_t* rdispls,
                                            const Datatype* const* recvtypes, bool persistent) {
  auto req = std::make_unique<ScheduleRequest>(comm, comm.NextCollTag());
  const int in = nbrs.indegree(), out = nbrs.outdegree();
  const std::vector<const Datatype*> rt = KeepAll(*req, recvtypes, in);
  const std::vector<const Datatype*> st = KeepAll(*req, sendtypes, out);
  std::vector<Span> recvs(in), sends(out);
  for (int i = 0; i < in; ++i) {
    recvs[i] = Span{static_cast<char*>(recvbuf) + rdispls[i], recvcounts[i], rt[i]};
  }
  for (int j = 0; j < out; ++j) {
    sends[j] = Span{static_cast<const char*>(sendbuf) + sdispls[j], sendcounts[j], st[j]};
  }
  return Exchange(std::move(req), nbrs, recvs, sends, persistent);
}

}  // namespace zmpi::coll
