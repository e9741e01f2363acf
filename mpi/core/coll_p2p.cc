#include "mpi/core/coll_p2p.h"

#include <algorithm>

#include "mpi/core/engine.h"
#include "mpi/core/p2p.h"
#include "mpi/core/request.h"
#include "mpi/core/runtime.h"

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

Status CollSendFrames(Comm& comm, int dest, int tag, const void* buf, size_t bytes) {
  const size_t limit = Runtime::Get()->engine().CopiedLimit(comm.WorldRank(dest));
  if (bytes <= limit || limit == 0) return CollSend(comm, dest, tag, buf, bytes);
  const size_t frames = (bytes + limit - 1) / limit;
  const size_t each = (bytes + frames - 1) / frames;
  const char* p = static_cast<const char*>(buf);
  for (size_t off = 0; off < bytes; off += each) {
    ZMPI_RETURN_IF_ERROR(CollSend(comm, dest, tag, p + off, std::min(each, bytes - off)));
  }
  return OkStatus();
}

Status CollRecvFrames(Comm& comm, int source, int tag, void* buf, size_t bytes) {
  char* p = static_cast<char*>(buf);
  size_t off = 0;
  do {
    RecvArgs a{p + off, bytes - off, source, tag, &comm, Channel::kColl, 1};
    ZMPI_ASSIGN_OR_RETURN(Request * r, Irecv(a));
    if (!r->complete) {
      ProgressLoop loop;
      WaitComplete(r, loop);
    }
    const size_t got = r->status_bytes;
    ZMPI_RETURN_IF_ERROR(Finish(r, nullptr));
    if (got == 0 && off < bytes) {
      return Error(Code::kIntern, "empty piece of a %zu-byte collective message", bytes);
    }
    off += got;
  } while (off < bytes);
  return OkStatus();
}

}  // namespace zmpi::core
