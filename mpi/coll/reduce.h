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

// Direct: rank j reduces block j of the vector from every rank's copy (all messages of the
// step at once), then sends it to the root. Two steps whatever the size; no vector is copied
// whole first (a commutative op folds the caller's block in), so on few ranks on one host a
// large reduce moves each byte about once. Keeps rank order like BinomialReduce. Needs
// count >= 1 to split the work (smaller goes to BinomialReduce); every rank but the root
// uses one block of temporary memory plus p blocks for the copies it receives.
Status DirectReduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                    const Reducer& reducer, int root, int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_REDUCE_H_
