// Collective communicator construction (dup, split) and the two tiny collectives it needs.
// These run over core point-to-point on the parent's collective context and stay simple
// (linear): communicator creation is rare and never on a hot path. The tuned collectives
// for users live in mpi/coll.
#ifndef ZMPI_MPI_CORE_COMM_OPS_H_
#define ZMPI_MPI_CORE_COMM_OPS_H_

#include <vector>

#include "common/status.h"
#include "mpi/core/comm.h"

namespace zmpi::core {

// Every member's `value`, in rank order.
Status AllgatherInt(Comm& comm, int value, std::vector<int>* out);
// Returns when every member has called it.
Status BarrierAll(Comm& comm);

// MPI_Comm_dup: a new context, the parent's error handler and process topology, and its
// attributes through their copy callbacks (if one fails, the new communicator is freed and its
// error returned).
StatusOr<Comm*> DupComm(Comm& parent);
// MPI_Comm_free: runs the attributes' delete callbacks (if one fails, the communicator stays
// and its error is returned), then frees the communicator.
Status FreeCommAndAttributes(Comm* comm);
// MPI_Comm_split: nullptr for color MPI_UNDEFINED.
StatusOr<Comm*> SplitComm(Comm& parent, int color, int key);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_COMM_OPS_H_
