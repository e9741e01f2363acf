// Gatherv/Scatterv algorithms on per-rank blocks of any size (VBlocks at the root). Both sides
// compute a block's size alike (MPI's type-signature rule), so empty blocks send nothing.
#ifndef ZMPI_MPI_COLL_GATHERV_H_
#define ZMPI_MPI_COLL_GATHERV_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"
#include "mpi/coll/vblocks.h"

namespace zmpi::coll {

// Every rank sends its `sendbytes` straight to the root, which receives them all at once into
// their blocks. `sendbuf` may be IsInPlace at the root (its block already in place); `recv`
// matters only at the root.
Status LinearGatherv(Links& links, const void* sendbuf, size_t sendbytes, const VBlocks& recv,
                     int root, int tag);

// The root sends every block at once; the others receive `recvbytes` into recvbuf, which may
// be IsInPlace at the root (its block stays in the send buffer).
Status LinearScatterv(Links& links, const VBlocks& send, void* recvbuf, size_t recvbytes, int root,
                      int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_GATHERV_H_
