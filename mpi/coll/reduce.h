// Reduce algorithms.
#ifndef ZMPI_MPI_COLL_REDUCE_H_
#define ZMPI_MPI_COLL_REDUCE_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"
#include "mpi/coll/reducer.h"

namespace zmpi::coll {

// Binomial tree. Each node folds its children's partial results in rank order (its own
// block on the left), so the result is (r0 op r1 op ... op r(p-1)) for any associative op.
// Commutative ops use a tree rooted at `root`; others one rooted at rank 0 whose result is
// then sent to `root`. `sendbuf` may be IsInPlace at the root (data in recvbuf); recvbuf
// matters only at the root. Temporary memory: none at leaves, 1-2 buffers elsewhere.
Status BinomialReduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                      const Reducer& reducer, int root, int tag);

// For large counts (Rabenseifner): reduce-scatter by recursive halving, then the blocks
// gathered to the root along the same steps, so no rank sends more than about the vector
// once. Keeps rank order like BinomialReduce. Needs count >= 1; every rank uses up to two
// vectors of temporary memory (one at the root).
Status RabenseifnerReduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                          const Reducer& reducer, int root, int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_REDUCE_H_
