// The v- and w-collectives on the user's buffers and datatypes: per-rank counts and
// displacements (in extents of the type; Alltoallw: bytes, with a type per rank). Blocks of
// plain types move straight between the user's buffers; other types are packed into one
// staging buffer per side and unpacked after. Arguments are checked by the caller (mpi/abi);
// a type the call does not use at this rank may be nullptr. In-place forms: Gatherv (sendbuf
// at the root), Scatterv (recvbuf at the root), Allgatherv and Alltoallv/w (sendbuf).
//
// Algorithms: Gatherv/Scatterv linear; Allgatherv direct on up to 4 ranks, Bruck up to 64 KiB
// of result, ring beyond; Alltoallv/w scattered, 32 peers in flight.
#ifndef ZMPI_MPI_COLL_VCOLL_H_
#define ZMPI_MPI_COLL_VCOLL_H_

#include <cstdint>

#include "common/status.h"
#include "mpi/coll/counts.h"
#include "mpi/core/comm.h"
#include "mpi/core/datatype.h"
#include "mpi/include/mpi.h"

namespace zmpi::coll {

Status Gatherv(core::Comm& comm, const void* sendbuf, int64_t sendcount,
               const core::Datatype* sendtype, void* recvbuf, CountsView recvcounts,
               CountsView displs, const core::Datatype* recvtype, int root);
Status Scatterv(core::Comm& comm, const void* sendbuf, CountsView sendcounts, CountsView displs,
                const core::Datatype* sendtype, void* recvbuf, int64_t recvcount,
                const core::Datatype* recvtype, int root);
Status Allgatherv(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                  const core::Datatype* sendtype, void* recvbuf, CountsView recvcounts,
                  CountsView displs, const core::Datatype& recvtype);
Status Alltoallv(core::Comm& comm, const void* sendbuf, CountsView sendcounts, CountsView sdispls,
                 const core::Datatype* sendtype, void* recvbuf, CountsView recvcounts,
                 CountsView rdispls, const core::Datatype& recvtype);
// Every type handle valid (checked by the caller); displacements in bytes.
Status Alltoallw(core::Comm& comm, const void* sendbuf, CountsView sendcounts, CountsView sdispls,
                 const MPI_Datatype* sendtypes, void* recvbuf, CountsView recvcounts,
                 CountsView rdispls, const MPI_Datatype* recvtypes);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_VCOLL_H_
