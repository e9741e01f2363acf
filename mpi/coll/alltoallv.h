// Alltoallv algorithm on blocks of any size: send block j of rank i lands as recv block i of
// rank j (both sides compute its size alike, so empty blocks send nothing).
#ifndef ZMPI_MPI_COLL_ALLTOALLV_H_
#define ZMPI_MPI_COLL_ALLTOALLV_H_

#include "common/status.h"
#include "mpi/coll/links.h"
#include "mpi/coll/vblocks.h"

namespace zmpi::coll {

// Scattered exchange: receives and sends for up to `window` peers at a time, in the pairwise
// order (step i: receive from rank - i, send to rank + i), so every rank keeps several
// transfers moving and no rank is flooded. `send.base` may be IsInPlace: the data are in recv
// (its layout is the send layout too) and are copied once first.
Status ScatteredAlltoallv(Links& links, const VBlocks& send, const VBlocks& recv, int window,
                          int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_ALLTOALLV_H_
