// The reducing collectives on any (op, datatype) pair the standard allows: predefined ops on
// predefined types and on derived types of one predefined type, user-defined ops on any type
// (see reduction.h). Arguments are checked by the caller; these return kOp for a pair that
// does not go together, and transport errors. In-place forms as the standard has them:
// sendbuf may be kInPlace (Reduce: at the root only).
#ifndef ZMPI_MPI_COLL_REDUCING_H_
#define ZMPI_MPI_COLL_REDUCING_H_

#include <cstdint>

#include "common/status.h"
#include "mpi/coll/counts.h"
#include "mpi/core/comm.h"
#include "mpi/core/datatype.h"
#include "mpi/include/mpi.h"

namespace zmpi::coll {

Status ReduceAny(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
                 const core::Datatype& type, MPI_Op op, int root);
Status AllreduceAny(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
                    const core::Datatype& type, MPI_Op op);
// inout = in (op) inout, locally (MPI_Reduce_local).
Status ReduceLocal(const void* in, void* inout, int64_t count, const core::Datatype& type,
                   MPI_Op op);
// Rank i gets block i (recvcounts[i] elements) of the reduction of every rank's vector of
// sum(recvcounts) elements. In place, the vector is in recvbuf and the block lands at its
// start. Commutative ops: ring from 32 KiB (or on up to 4 ranks), else (and for every
// non-commutative op) a reduce to rank 0 and a scatter.
Status ReduceScatter(core::Comm& comm, const void* sendbuf, void* recvbuf, CountsView recvcounts,
                     const core::Datatype& type, MPI_Op op);
// Inclusive and exclusive prefix reductions (chain up to 4 ranks, else recursive doubling).
// Exscan leaves rank 0's recvbuf untouched.
Status Scan(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
            const core::Datatype& type, MPI_Op op);
Status Exscan(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
              const core::Datatype& type, MPI_Op op);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_REDUCING_H_
