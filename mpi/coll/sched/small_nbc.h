// Small non-blocking collectives without a schedule: MPI_Iallreduce on 2 ranks and MPI_Ibcast
// on up to kSmallBcastRanks ranks, of at most kSmallBytes of a predefined type (a predefined
// op), on an intracommunicator. OSU's overlap figure charges a collective's start plus its
// wait against the blocking-like time of the pure collective, so at a few bytes the general
// path (a schedule, its step list, a pending operation in the engine) cost more than the
// message itself.
//
// Here the start does everything at once. Each eager frame leaves first, with no request when
// the peer's endpoint takes it. If all did, the collective request itself is the posted
// receive (for the peer's frame, or the root's), and its completion hook, run during any
// progress pass of any MPI call, folds the peer's vector into the result (Iallreduce; the op's
// function, in rank order, so both ranks get identical bits): one request, no parts. If a
// frame could not leave at once it goes as an Isend, and the sends and receives are parts of
// the request (core::Adopt); the last part's completion folds and completes it. No pending
// operation, no schedule; messages use the call's own collective tag, so any number of these
// may be outstanding on one communicator beside other collectives, as with the general path.
#ifndef ZMPI_MPI_COLL_SCHED_SMALL_NBC_H_
#define ZMPI_MPI_COLL_SCHED_SMALL_NBC_H_

#include <cstddef>
#include <cstdint>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/datatype.h"
#include "mpi/core/op.h"
#include "mpi/core/request.h"
#include "mpi/include/mpi.h"

namespace zmpi::coll::sched {

inline constexpr size_t kSmallBytes = 4096;
inline constexpr int kSmallBcastRanks = 4;

// Whether the small path takes the call (else the caller builds a schedule). Non-persistent
// calls only; `base` is the op's predefined type, as nbc.h's Iallreduce gets it. For
// Iallreduce: the fold to use when it does, else nullptr.
core::ReduceFn SmallIallreduceFits(const core::Comm& comm, int64_t count,
                                   const core::Datatype& type, const core::Datatype& base,
                                   MPI_Op op);
bool SmallIbcastFits(const core::Comm& comm, int64_t count, const core::Datatype& type);

// The started request (the arguments passed the Fits test above and the C boundary's checks).
StatusOr<core::Request*> SmallIallreduce(core::Comm& comm, const void* sendbuf, void* recvbuf,
                                         int64_t count, const core::Datatype& type,
                                         core::ReduceFn fold);
StatusOr<core::Request*> SmallIbcast(core::Comm& comm, void* buf, int64_t count,
                                     const core::Datatype& type, int root);

}  // namespace zmpi::coll::sched

#endif  // ZMPI_MPI_COLL_SCHED_SMALL_NBC_H_
