// Allgatherv algorithms: rank i's block (recv.bytes[i] bytes) lands at recv.at(i) on every
// rank. `sendbuf` may be IsInPlace (each rank's block already at its place in recv).
#ifndef ZMPI_MPI_COLL_ALLGATHERV_H_
#define ZMPI_MPI_COLL_ALLGATHERV_H_

#include "common/status.h"
#include "mpi/coll/links.h"
#include "mpi/coll/vblocks.h"

namespace zmpi::coll {

// Every rank sends its block to every other at once: one step, p - 1 messages per rank. For
// few ranks.
Status DirectAllgatherv(Links& links, const void* sendbuf, const VBlocks& recv, int tag);

// Bruck with blocks of any size: ceil(log2 p) steps through one packed copy of the result; for
// small results on many ranks.
Status BruckAllgatherv(Links& links, const void* sendbuf, const VBlocks& recv, int tag);

// Ring: p - 1 steps, each passing one block to the right neighbour, straight between the
// blocks of recv. For large results.
Status RingAllgatherv(Links& links, const void* sendbuf, const VBlocks& recv, int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_ALLGATHERV_H_
