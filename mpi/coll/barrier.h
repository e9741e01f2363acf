// Barrier algorithms.
#ifndef ZMPI_MPI_COLL_BARRIER_H_
#define ZMPI_MPI_COLL_BARRIER_H_

#include "common/status.h"
#include "mpi/coll/links.h"

namespace zmpi::coll {

// Dissemination: ceil(log2 p) rounds; in round k every rank signals rank+2^k and waits for
// rank-2^k. Works for every size.
Status DisseminationBarrier(Links& links, int tag);

// Central: every rank signals rank 0, which releases them all once it heard from everyone.
// Two steps whatever the size, and a waiting rank depends on rank 0 alone, so it suits few
// ranks, above all ranks that share cores (a rank that sleeps delays nobody but rank 0).
Status CentralBarrier(Links& links, int tag);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_BARRIER_H_
