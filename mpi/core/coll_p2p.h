// Blocking point-to-point for collectives: the same protocols as user messages, on a
// communicator's collective context (Channel::kColl), so collective traffic never matches
// user receives. Used by the collective algorithms (mpi/coll/core_links) and by the
// communicator operations (comm_ops).
//
// Each call returns once its buffers may be reused: a send when the message is out of
// `buf` (at once for eager messages), a receive when the data is in `buf`.
#ifndef ZMPI_MPI_CORE_COLL_P2P_H_
#define ZMPI_MPI_CORE_COLL_P2P_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/core/comm.h"

namespace zmpi::core {

Status CollSend(Comm& comm, int dest, int tag, const void* buf, size_t bytes);
Status CollRecv(Comm& comm, int source, int tag, void* buf, size_t bytes);
// Both at once. The receive is posted first, so the peer's message never waits in the
// unexpected queue (sending first measured no faster on shm and slower over ofi).
Status CollSendRecv(Comm& comm, int dest, const void* sendbuf, size_t sendbytes, int source,
                    void* recvbuf, size_t recvbytes, int tag);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_COLL_P2P_H_
