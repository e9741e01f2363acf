// The collectives on intercommunicators, on the user's buffers and datatypes (derived types
// are packed like the intracommunicator forms: reduction.h, vside.h). Root arguments as MPI
// has them (MPI_ROOT, MPI_PROC_NULL, or a remote rank; see inter_algos.h); counts of
// receive-side blocks describe the remote group. Arguments are checked by the caller; a type
// a rank does not use may be nullptr. No in-place forms (MPI has none on intercommunicators).
#ifndef ZMPI_MPI_COLL_INTER_INTER_COLL_H_
#define ZMPI_MPI_COLL_INTER_INTER_COLL_H_

#include <cstdint>

#include "common/status.h"
#include "mpi/coll/counts.h"
#include "mpi/core/comm.h"
#include "mpi/core/datatype.h"
#include "mpi/include/mpi.h"

namespace zmpi::coll::inter {

Status InterBarrier(core::Comm& comm);
Status InterBcast(core::Comm& comm, void* buf, int64_t count, const core::Datatype* type, int root);
// Gather: recvcounts = CountsView::All(recvcount), displs = CountsView::Strided(recvcount).
Status InterGatherv(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                    const core::Datatype* sendtype, void* recvbuf, CountsView recvcounts,
                    CountsView displs, const core::Datatype* recvtype, int root);
Status InterScatterv(core::Comm& comm, const void* sendbuf, CountsView sendcounts,
                     CountsView displs, const core::Datatype* sendtype, void* recvbuf,
                     int64_t recvcount, const core::Datatype* recvtype, int root);
// Allgather(v): this rank's block to every remote rank; block i from remote rank i.
Status InterAllgatherv(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                       const core::Datatype& sendtype, void* recvbuf, CountsView recvcounts,
                       CountsView displs, const core::Datatype& recvtype);
Status InterAlltoallv(core::Comm& comm, const void* sendbuf, CountsView sendcounts,
                      CountsView sdispls, const core::Datatype& sendtype, void* recvbuf,
                      CountsView recvcounts, CountsView rdispls, const core::Datatype& recvtype);
Status InterAlltoallw(core::Comm& comm, const void* sendbuf, CountsView sendcounts,
                      CountsView sdispls, const MPI_Datatype* sendtypes, void* recvbuf,
                      CountsView recvcounts, CountsView rdispls, const MPI_Datatype* recvtypes);
Status InterReduce(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
                   const core::Datatype& type, MPI_Op op, int root);
Status InterAllreduce(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
                      const core::Datatype& type, MPI_Op op);
// recvcounts: one per LOCAL rank; both groups' vectors have sum(recvcounts) elements.
Status InterReduceScatter(core::Comm& comm, const void* sendbuf, void* recvbuf,
                          CountsView recvcounts, const core::Datatype& type, MPI_Op op);

}  // namespace zmpi::coll::inter

#endif  // ZMPI_MPI_COLL_INTER_INTER_COLL_H_
