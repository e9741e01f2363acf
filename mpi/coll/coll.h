// Collective operations over core point-to-point (Channel::kColl of the communicator).
// Correct for every communicator size, including 1 and non-powers of two.
//
// Buffers are contiguous. `kInPlace` (same value as MPI_IN_PLACE) marks the in-place forms
// where the standard allows them: Reduce (sendbuf at root), Allreduce (sendbuf), Gather
// (sendbuf at root), Scatter (recvbuf at root), Allgather (sendbuf), Alltoall (sendbuf).
// Arguments are already checked by the caller (mpi/abi); these return Statuses for what
// can still go wrong (transport errors, op/type mismatch, truncation).
//
// Each call takes one tag from comm.NextCollTag() and runs one algorithm (mpi/coll/*.h) over
// CoreLinks. Up to 4 ranks: Barrier central (2 ranks: one exchange), Bcast linear (over shm
// in 16 KiB pieces from 16 KiB to 512 KiB, above 256 KiB where every rank has a core; off-host
// from 128 KiB scatter + ring allgather), Allreduce on 3-4 ranks exchange up to 2 KiB, central up
// to 8 KiB, recursive doubling (one exchange on 2 ranks) below 32 KiB, direct reduce-scatter +
// allgather from 32 KiB. More ranks: Barrier dissemination; Bcast binomial, scatter + ring
// allgather from 128 KiB; Allreduce recursive doubling, Rabenseifner from 32 KiB. Reduce binomial,
// Rabenseifner from 64 KiB; Gather/Scatter binomial, linear from 64 KiB blocks; Allgather recursive
// doubling on powers of two, else Bruck up to 64 KiB of result, else ring; Alltoall pairwise
// exchange. The switch points live in coll.cc. Reductions keep rank order, and Allreduce leaves
// bit-identical results on every rank.
#ifndef ZMPI_MPI_COLL_COLL_H_
#define ZMPI_MPI_COLL_COLL_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/reducer.h"
#include "mpi/core/comm.h"
#include "mpi/core/datatype.h"
#include "mpi/include/mpi.h"

namespace zmpi::coll {

inline const void* const kInPlace = MPI_IN_PLACE;

Status Barrier(core::Comm& comm);
Status Bcast(core::Comm& comm, void* buf, size_t bytes, int root);
// count elements of `type`, combined with `op`.
Status Reduce(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t count,
              const core::Datatype& type, MPI_Op op, int root);
Status Allreduce(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t count,
                 const core::Datatype& type, MPI_Op op);
// The same with any Reducer (user-defined ops): count elements of reducer.elem_size() bytes.
Status ReduceWith(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t count,
                  const Reducer& reducer, int root);
Status AllreduceWith(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t count,
                     const Reducer& reducer);
// `block` is the bytes contributed by each rank (sendcount * sendtype size).
Status Gather(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t block, int root);
Status Scatter(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t block, int root);
Status Allgather(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t block);
Status Alltoall(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t block);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_COLL_H_
