#include "mpi/coll/sched/neighbor_builders.h"

#include "mpi/include/mpi.h"

namespace zmpi::coll::sched {

void BuildNeighborExchange(Schedule& s, const int* sources, const Span* recvs, int indegree,
                           const int* destinations, const Span* sends, const int* send_order,
                           int outdegree) {
  for (int i = 0; i < indegree; ++i) {
    if (sources[i] != MPI_PROC_NULL) s.Recv(sources[i], recvs[i]);
  }
  for (int k = 0; k < outdegree; ++k) {
    const int j = send_order[k];
    if (destinations[j] != MPI_PROC_NULL) s.Send(destinations[j], sends[j]);
  }
  s.Wait();
}

}  // namespace zmpi::coll::sched
