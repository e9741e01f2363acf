// Allreduce algorithms. Both fold a non-power-of-two size first: of the first 2*rem ranks
// (rem = p - 2^floor(log2 p)) each even rank hands its data to the odd rank above it and
// waits for the result, so a power of two of ranks does the main phase. Operands keep rank
// order (lower ranks on the left) and every rank ends with bit-identical results.
// `sendbuf` may be IsInPlace (data in recvbuf).
#ifndef ZMPI_MPI_COLL_ALLREDUCE_H_
#define ZMPI_MPI_COLL_ALLREDUCE_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"
#include "mpi/coll/reducer.h"

namespace zmpi::coll {

// Recursive doubling: log2 p exchanges of the whole vector. Best for small counts.
Status RecursiveDoublingAllreduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                                  const Reducer& reducer, int tag);

// Central: rank 0 gathers every vector, folds them in rank order and sends the result to
// all; two steps whatever the size, and no rank waits on another that is not rank 0. For
// small vectors on few ranks (above all ranks that share cores).
Status CentralAllreduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                        const Reducer& reducer, int tag);

// Exchange: every rank sends its vector to every other rank (all at once, no rank waits on
// another's progress but for that rank's own send) and folds the p vectors itself, in the
// same order on every rank: v0 (op) (v1 (op) (... (op) v(p-1))). One step; each rank sends
// and receives (p - 1) * bytes. For tiny vectors on few ranks, above all ranks that share
// cores, where a second step through another rank costs a trip through the scheduler.
Status ExchangeAllreduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                         const Reducer& reducer, int tag);

// Direct: rank i reduces block i of the vector from every rank's copy (all messages of the
// step at once), then sends the reduced block to every rank. Two steps whatever the size,
// each rank moves about 2 * bytes; for large vectors on few ranks (the messages of a step
// go to p - 1 ranks at once).
Status DirectAllreduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                       const Reducer& reducer, int tag);

// Rabenseifner: reduce-scatter by recursive halving, then allgather by recursive doubling;
// each rank moves about 2 * bytes in total. Best for large counts.
Status RabenseifnerAllreduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                             const Reducer& reducer, int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_ALLREDUCE_H_
