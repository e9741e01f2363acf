// Allgather algorithms: rank i's `block` bytes land at recvbuf + i * block on every rank.
// `sendbuf` may be IsInPlace (each rank's block already sits at its place in recvbuf).
#ifndef ZMPI_MPI_COLL_ALLGATHER_H_
#define ZMPI_MPI_COLL_ALLGATHER_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"

namespace zmpi::coll {

// Recursive doubling: log2 p exchanges of growing runs, in recvbuf itself. Only for p a power
// of two.
Status RecursiveDoublingAllgather(Links& links, const void* sendbuf, void* recvbuf, size_t block,
                                  int tag);

// Bruck: ceil(log2 p) steps for any p, through one temporary copy of the result; for small
// blocks on sizes that are not powers of two.
Status BruckAllgather(Links& links, const void* sendbuf, void* recvbuf, size_t block, int tag);

// Ring: p - 1 steps, each passing one block to the right neighbour, in recvbuf itself. Any p.
Status RingAllgather(Links& links, const void* sendbuf, void* recvbuf, size_t block, int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_ALLGATHER_H_
