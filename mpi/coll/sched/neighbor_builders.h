// The builder of the neighborhood collectives (MPI_Neighbor_*, their I- and _init forms):
// one round in which a process receives a block from each in-neighbor and sends a block to
// each out-neighbor. Pure, like builders.h: peers are ranks of the communicator.
#ifndef ZMPI_MPI_COLL_SCHED_NEIGHBOR_BUILDERS_H_
#define ZMPI_MPI_COLL_SCHED_NEIGHBOR_BUILDERS_H_

#include "mpi/coll/sched/schedule.h"

namespace zmpi::coll::sched {

// Records, in one round: a receive of recvs[i] from sources[i] for i = 0 .. indegree-1, in
// that order, then a send of sends[j] to destinations[j] for j = send_order[0], send_order[1],
// ... (a permutation of 0 .. outdegree-1). MPI_PROC_NULL peers are skipped (their blocks are
// left alone). Messages between two processes match in the order both record them
// (topo/neighbors.h says which order puts every block where MPI wants it). A process may be
// its own neighbor: the message goes through the backend like any other.
void BuildNeighborExchange(Schedule& s, const int* sources, const Span* recvs, int indegree,
                           const int* destinations, const Span* sends, const int* send_order,
                           int outdegree);

}  // namespace zmpi::coll::sched

#endif  // ZMPI_MPI_COLL_SCHED_NEIGHBOR_BUILDERS_H_
