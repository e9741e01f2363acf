// Reduce-scatter algorithm: every rank holds a vector of sum(counts) elements; rank i gets
// the reduction of block i (counts[i] elements at the sum of the counts before it).
#ifndef ZMPI_MPI_COLL_REDUCE_SCATTER_H_
#define ZMPI_MPI_COLL_REDUCE_SCATTER_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"
#include "mpi/coll/reducer.h"

namespace zmpi::coll {

// Ring: p - 1 steps; in each, every rank passes the partial result of one block to its right
// neighbour and folds its own data into the block arriving from the left, so each rank sends
// about one vector in all. Folds in ring order: commutative ops only. `sendbuf` holds the whole
// vector (read only); recvbuf gets counts[rank] elements. Temporary memory: two of the largest
// block.
Status RingReduceScatter(Links& links, const void* sendbuf, void* recvbuf, const size_t* counts,
                         const Reducer& reducer, int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_REDUCE_SCATTER_H_
