// The neighborhood collectives over schedules: each takes arguments the C boundary already
// checked and the calling process's neighbors (topo/neighbors.h), takes the call's tag
// (comm.NextCollTag()), records one exchange round (neighbor_builders.h) and returns its
// request: started, or (persistent) inactive until MPI_Start. The blocking forms wait for a
// started one. Derived datatypes travel typed. MPI_IN_PLACE is not allowed (checked above).
#ifndef ZMPI_MPI_COLL_SCHED_NEIGHBOR_H_
#define ZMPI_MPI_COLL_SCHED_NEIGHBOR_H_

#include <cstdint>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/datatype.h"
#include "mpi/core/request.h"
#include "mpi/topo/neighbors.h"

namespace zmpi::coll {

// Neighbor_allgather(v): `sendcount` elements of `sendtype` to every out-neighbor;
// recvcounts[i] elements of `recvtype` from in-neighbor i at `displs[i]` extents.
StatusOr<core::Request*> IneighborAllgatherv(core::Comm& comm, const topo::NeighborList& nbrs,
                                             const void* sendbuf, int64_t sendcount,
                                             const core::Datatype& sendtype, void* recvbuf,
                                             const int64_t* recvcounts, const int64_t* displs,
                                             const core::Datatype& recvtype, bool persistent);
// Neighbor_alltoall(v,w): block j of sendcounts[j] elements of sendtypes[j] at byte offset
// sdispls[j] to out-neighbor j; block i likewise from in-neighbor i (one type per block: the
// uniform forms pass the same type for all).
StatusOr<core::Request*> IneighborAlltoallw(core::Comm& comm, const topo::NeighborList& nbrs,
                                            const void* sendbuf, const int64_t* sendcounts,
                                            const int64_t* sdispls,
                                            const core::Datatype* const* sendtypes, void* recvbuf,
                                            const int64_t* recvcounts, const int64_t* rdispls,
                                            const core::Datatype* const* recvtypes,
                                            bool persistent);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_SCHED_NEIGHBOR_H_
