#include "mpi/core/coll_p2p.h"

#include "mpi/core/p2p.h"

namespace zmpi::core {

Status CollSend(Comm& comm, int dest, int tag, const void* buf, size_t bytes) {
  return Send(SendArgs{buf, bytes, dest, tag, &comm, SendMode::kStandard, Channel::kColl});
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
  // The receive is posted, so a blocking send cannot deadlock against the peer's (a small
  // one leaves at once with no request: p2p.h).
  Status sent = CollSend(comm, dest, tag, sendbuf, sendbytes);
  if (!sent.ok()) {
    Wait(recv, nullptr).IgnoreError();
    return sent;
  }
  return Wait(recv, nullptr);
}

}  // namespace zmpi::core
