// The non-blocking (MPI_I*) and persistent (MPI_*_init) collectives: each takes arguments the
// C boundary already checked, takes the call's tag (comm.NextCollTag()), records the schedule
// with a builder (builders.h) and returns its request: started, or (persistent) inactive
// until MPI_Start. Derived datatypes travel typed (core packs and unpacks them); reductions
// run on the type's predefined base type, packed into scratch when the type is not plain.
// Counts are elements; `displs` are in extents of the type, except Ialltoallw's (bytes).
// A type a rank does not use may be nullptr. MPI_IN_PLACE where the standard allows it.
// Intercommunicators (all but the scans and reduce-scatters): counts and displacements are
// the remote group's, `root` is MPI_ROOT, MPI_PROC_NULL or a remote rank (builders.h).
#ifndef ZMPI_MPI_COLL_SCHED_NBC_H_
#define ZMPI_MPI_COLL_SCHED_NBC_H_

#include <cstdint>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/datatype.h"
#include "mpi/core/request.h"
#include "mpi/include/mpi.h"

namespace zmpi::coll {

using Req = StatusOr<core::Request*>;

Req Ibarrier(core::Comm& comm, bool persistent);
Req Ibcast(core::Comm& comm, void* buf, int64_t count, const core::Datatype& type, int root,
           bool persistent);
// recvcounts/displs: the root's (ignored elsewhere).
Req Igatherv(core::Comm& comm, const void* sendbuf, int64_t sendcount,
             const core::Datatype* sendtype, void* recvbuf, const int64_t* recvcounts,
             const int64_t* displs, const core::Datatype* recvtype, int root, bool persistent);
Req Iscatterv(core::Comm& comm, const void* sendbuf, const int64_t* sendcounts,
              const int64_t* displs, const core::Datatype* sendtype, void* recvbuf,
              int64_t recvcount, const core::Datatype* recvtype, int root, bool persistent);
Req Iallgatherv(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                const core::Datatype* sendtype, void* recvbuf, const int64_t* recvcounts,
                const int64_t* displs, const core::Datatype& recvtype, bool persistent);
// Byte displacements, one type per peer (in place: sendbuf MPI_IN_PLACE, send* ignored).
Req Ialltoallw(core::Comm& comm, const void* sendbuf, const int64_t* sendcounts,
               const int64_t* sdispls, const core::Datatype* const* sendtypes, void* recvbuf,
               const int64_t* recvcounts, const int64_t* rdispls,
               const core::Datatype* const* recvtypes, bool persistent);

// `base`: the predefined type every basic element of `type` has (the op was checked on it).
Req Ireduce(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
            const core::Datatype& type, const core::Datatype& base, MPI_Op op, int root,
            bool persistent);
Req Iallreduce(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
               const core::Datatype& type, const core::Datatype& base, MPI_Op op, bool persistent);
Req Iscan(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
          const core::Datatype& type, const core::Datatype& base, MPI_Op op, bool exclusive,
          bool persistent);
// recvcounts: one per rank (Ireduce_scatter_block passes the same count for all).
Req IreduceScatter(core::Comm& comm, const void* sendbuf, void* recvbuf, const int64_t* recvcounts,
                   const core::Datatype& type, const core::Datatype& base, MPI_Op op,
                   bool persistent);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_SCHED_NBC_H_
