// Broadcast algorithms.
#ifndef ZMPI_MPI_COLL_BCAST_H_
#define ZMPI_MPI_COLL_BCAST_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"

namespace zmpi::coll {

// Binomial tree rooted at `root`: log2 p steps, every message the whole buffer.
Status BinomialBcast(Links& links, void* buf, size_t bytes, int root, int tag);

// Linear: the root sends the buffer to every rank itself; one step for the others, who
// depend on no intermediate rank. For few ranks, and within a host where large messages are
// read straight from the root's buffer by every receiver at once.
Status LinearBcast(Links& links, void* buf, size_t bytes, int root, int tag);

// Linear in pieces: the root sends the buffer to every rank as messages of at most `chunk`
// bytes, chunk by chunk (each chunk to every rank before the next). With `chunk` at the
// transport's eager limit no message needs a rendezvous handshake, so no piece waits for its
// receiver to be scheduled (ranks sharing cores) and the receivers copy out the first pieces
// while the root copies in the later ones. Every rank must pass the same `chunk` (> 0).
Status ChunkedLinearBcast(Links& links, void* buf, size_t bytes, int root, size_t chunk, int tag);

// For large buffers (van de Geijn): binomial scatter of p chunks, then a ring allgather, so
// the root sends about `bytes` once instead of log2 p times.
Status ScatterAllgatherBcast(Links& links, void* buf, size_t bytes, int root, int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_BCAST_H_
