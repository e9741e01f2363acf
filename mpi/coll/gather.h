// Gather algorithms: rank i's `block` bytes land at recvbuf + i * block on the root.
// `sendbuf` may be IsInPlace at the root (its block is already in place); recvbuf matters
// only at the root.
#ifndef ZMPI_MPI_COLL_GATHER_H_
#define ZMPI_MPI_COLL_GATHER_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"

namespace zmpi::coll {

// Binomial tree: log2 p steps; inner nodes stage their subtree's blocks in one buffer.
Status BinomialGather(Links& links, const void* sendbuf, void* recvbuf, size_t block, int root,
                      int tag);

// Every rank sends straight to the root: no staging, for large blocks.
Status LinearGather(Links& links, const void* sendbuf, void* recvbuf, size_t block, int root,
                    int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_GATHER_H_
