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

// Rabenseifner: reduce-scatter by recursive halving, then allgather by recursive doubling;
// each rank moves about 2 * bytes in total. Best for large counts.
Status RabenseifnerAllreduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                             const Reducer& reducer, int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_ALLREDUCE_H_
