#include "mpi/coll/gatherv.h"

#include <cstring>

namespace zmpi::coll {

Status LinearGatherv(Links& links, const void* sendbuf, size_t sendbytes, const VBlocks& recv,
                     int root, int tag) {
  const int p = links.size();
  const int r = links.rank();
  if (r != root) {
    if (sendbytes == 0) return OkStatus();
    return links.Send(root, tag, sendbuf, sendbytes);
  }
  for (int i = 0; i < p; ++i) {
    if (i != root && recv.bytes[i] > 0) {
      ZMPI_RETURN_IF_ERROR(links.Irecv(i, tag, recv.at(i), recv.bytes[i]));
    }
  }
  if (!IsInPlace(sendbuf) && recv.bytes[r] > 0) std::memmove(recv.at(r), sendbuf, recv.bytes[r]);
  return links.WaitAll();
}

Status LinearScatterv(Links& links, const VBlocks& send, void* recvbuf, size_t recvbytes, int root,
                      int tag) {
  const int p = links.size();
  const int r = links.rank();
  if (r != root) {
    if (recvbytes == 0) return OkStatus();
    return links.Recv(root, tag, recvbuf, recvbytes);
  }
  // Nearest ranks first: with p sends outstanding the first ones start moving at once. Small
  // blocks leave as eager frames (no request; every receiver just receives).
  for (int k = 1; k < p; ++k) {
    int i = (r + k) % p;
    if (send.bytes[i] == 0) continue;
    if (send.bytes[i] <= Links::kSmallBytes) {
      ZMPI_RETURN_IF_ERROR(links.SendSmall(i, tag, send.at(i), send.bytes[i]));
    } else {
      ZMPI_RETURN_IF_ERROR(links.Isend(i, tag, send.at(i), send.bytes[i]));
    }
  }
  if (!IsInPlace(recvbuf) && send.bytes[r] > 0) std::memmove(recvbuf, send.at(r), send.bytes[r]);
  return links.WaitAll();
}

}  // namespace zmpi::coll
