// The first step of the direct reduction algorithms (DirectAllreduce, DirectReduce): every
// rank sends block j of its vector straight to rank j, all at once, and folds the copies of
// its own block that it receives.
#ifndef ZMPI_MPI_COLL_DIRECT_REDUCE_SCATTER_H_
#define ZMPI_MPI_COLL_DIRECT_REDUCE_SCATTER_H_

#include <algorithm>
#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"
#include "mpi/coll/reducer.h"

namespace zmpi::coll {

// First element of block b when `count` elements are cut into p near-equal blocks.
inline size_t BlockStart(size_t count, int p, int b) {
  size_t n = static_cast<size_t>(p);
  size_t bb = static_cast<size_t>(b);
  return bb * (count / n) + std::min(bb, count % n);
}

// Leaves block r (this rank's) of the reduction of every rank's `mine` (count elements) in
// `own`, in rank order for a non-commutative op. `own` holds the block's elements: it may be
// mine's block r itself (in place) or a buffer of its own. Needs at least 2 ranks.
Status DirectReduceScatter(Links& links, const char* mine, char* own, size_t count,
                           const Reducer& reducer, int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_DIRECT_REDUCE_SCATTER_H_
