// Intercommunicator collective algorithms. Each rank has two Links: `local` over its own group
// (an intracommunicator) and `remote`, whose rank() is this rank in the local group and whose
// size() and addresses are the remote group (an intercommunicator's point-to-point).
//
// Rooted calls take the root as MPI has it: MPI_ROOT at the root, MPI_PROC_NULL at the other
// ranks of the root's group (they take no part), and the root's rank in the remote group at
// every rank of the other group. Buffers hold contiguous bytes; both sides compute a block's
// size alike, so empty blocks send nothing. Local phases reuse the intracommunicator
// algorithms with `local_tag` on `local`, remote messages carry `tag`.
#ifndef ZMPI_MPI_COLL_INTER_INTER_ALGOS_H_
#define ZMPI_MPI_COLL_INTER_INTER_ALGOS_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"
#include "mpi/coll/reducer.h"
#include "mpi/coll/vblocks.h"

namespace zmpi::coll::inter {

// Local barrier, the two leaders (local rank 0) exchange a message, a local broadcast: no rank
// leaves before every rank of both groups entered.
Status Barrier(Links& local, Links& remote, int tag, int local_tag);
// The root sends to remote rank 0, which broadcasts in its group.
Status Bcast(Links& local, Links& remote, void* buf, size_t bytes, int root, int tag,
             int local_tag);
// Linear: every rank of the other group sends straight to the root, which receives them all at
// once into `recv` (one block per remote rank).
Status Gatherv(Links& remote, const void* sendbuf, size_t sendbytes, const VBlocks& recv, int root,
               int tag);
// Linear: the root sends every remote rank its block at once.
Status Scatterv(Links& remote, const VBlocks& send, void* recvbuf, size_t recvbytes, int root,
                int tag);
// Send block j to remote rank j, receive block i from remote rank i (Alltoall(v,w); Allgather(v)
// sends one block to everybody). Pairwise over max(local, remote size) steps, each a
// permutation between the groups, so every transfer is matched in the same step.
Status Alltoallv(Links& remote, int local_size, const VBlocks& send, const VBlocks& recv, int tag);
// The other group reduces to its rank 0 (rank order kept), which sends the result to the root.
Status Reduce(Links& local, Links& remote, const void* sendbuf, void* recvbuf, size_t count,
              const Reducer& reducer, int root, int tag, int local_tag);
// Each group reduces to its leader, the leaders swap results, each broadcasts what it got:
// every rank ends with the reduction of the REMOTE group's vectors.
Status Allreduce(Links& local, Links& remote, const void* sendbuf, void* recvbuf, size_t count,
                 const Reducer& reducer, int tag, int local_tag);
// As Allreduce, then the leader scatters the remote group's reduction over its group:
// local rank i gets counts[i] elements (the vector has sum(counts), equal in both groups).
Status ReduceScatter(Links& local, Links& remote, const void* sendbuf, void* recvbuf,
                     const size_t* counts, const Reducer& reducer, int tag, int local_tag);

}  // namespace zmpi::coll::inter

#endif  // ZMPI_MPI_COLL_INTER_INTER_ALGOS_H_
