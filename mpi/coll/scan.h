// Scan/Exscan algorithm: rank r gets x0 op x1 op ... op xr (inclusive) or op over ranks
// below r (exclusive; rank 0's recvbuf is left untouched), operands in rank order.
#ifndef ZMPI_MPI_COLL_SCAN_H_
#define ZMPI_MPI_COLL_SCAN_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"
#include "mpi/coll/reducer.h"

namespace zmpi::coll {

// Recursive doubling: ceil(log2 p) exchanges of the partial result of an aligned run of ranks;
// a rank folds runs from below on the left and from above on the right, so any associative op
// works. `sendbuf` may be IsInPlace (data in recvbuf). Temporary memory: two vectors.
Status RecursiveDoublingScan(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                             const Reducer& reducer, bool exclusive, int tag);

// Chain: rank r receives the prefix of ranks below it from r - 1, folds its own vector in and
// passes the new prefix to r + 1. p - 1 hops, but no rank waits on a higher one, so rank 0 is
// done at once and repeated calls pipeline; for few ranks. Temporary memory: up to two vectors.
Status ChainScan(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                 const Reducer& reducer, bool exclusive, int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_SCAN_H_
