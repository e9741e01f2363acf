#include "mpi/core/coll_p2p.h"

#include "mpi/core/p2p.h"

namespace zmpi::core {

Status CollSend(Comm& comm, int dest, int tag, const void* buf, size_t bytes) {
  SendArgs a{buf, bytes, dest, tag, &comm, SendMode::kStandard, Channel::kColl};
  ZMPI_ASSIGN_OR_RETURN(Request* r, Isend(a));
  return Wait(r, nullptr);
}

Status CollRecv(Comm& comm, int source, int tag, void* buf, size_t bytes) {
  RecvArgs a{buf, bytes, source, tag, &comm, Channel::kColl, 1};
  ZMPI_ASSIGN_OR_RETURN(Request* r, Irecv(a));
  return Wait(r, nullptr);
}

Status CollSendRecv(Comm& comm, int dest, const void* sendbuf, size_t sendbytes, int source,
                    void* recvbuf, size_t recvbytes, int tag) {
  RecvArgs ra{recvbuf, recvbytes, source, tag, &comm, Channel::kColl, 1};
  ZMPI_ASSIGN_OR_RETURN(Request* recv, Irecv(ra));
  SendArgs sa{sendbuf, sendbytes, dest, tag, &comm, SendMode::kStandard, Channel::kColl};
  StatusOr<Request*> send = Isend(sa);
  if (!send.ok()) {
    Wait(recv, nullptr).IgnoreError();
    return send.status();
  }
  Request* both[2] = {recv, *send};
  return WaitAll(both, 2, nullptr);
}

}  // namespace zmpi::core
