// Scatter algorithms: the root's sendbuf + i * block (`block` bytes) lands in rank i's
// recvbuf. `recvbuf` may be IsInPlace at the root (its block stays where it is); sendbuf
// matters only at the root.
#ifndef ZMPI_MPI_COLL_SCATTER_H_
#define ZMPI_MPI_COLL_SCATTER_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"

namespace zmpi::coll {

// Binomial tree: log2 p steps; inner nodes stage their subtree's blocks in one buffer.
Status BinomialScatter(Links& links, const void* sendbuf, void* recvbuf, size_t block, int root,
                       int tag);

// The root sends every block straight to its rank: no staging, for large blocks.
Status LinearScatter(Links& links, const void* sendbuf, void* recvbuf, size_t block, int root,
                     int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_SCATTER_H_
