// Alltoall algorithms: block j of rank i's sendbuf lands as block i of rank j's recvbuf.
#ifndef ZMPI_MPI_COLL_ALLTOALL_H_
#define ZMPI_MPI_COLL_ALLTOALL_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"

namespace zmpi::coll {

// Pairwise exchange: in step i = 1..p-1 send to rank+i and receive from rank-i, so every
// step is a permutation and no rank is flooded. `sendbuf` may be IsInPlace (data in
// recvbuf; then one temporary copy of it is made).
Status PairwiseAlltoall(Links& links, const void* sendbuf, void* recvbuf, size_t block, int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_ALLTOALL_H_
