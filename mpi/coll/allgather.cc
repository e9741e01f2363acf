#include "mpi/coll/allgather.h"

#include <cstring>

#include "common/check.h"

namespace zmpi::coll {

Status RecursiveDoublingAllgather(Links& links, const void* sendbuf, void* recvbuf,
                                  size_t block, int tag) {
  const int p = links.size();
  const int r = links.rank();
  ZMPI_CHECK((p & (p - 1)) == 0);
  char* out = static_cast<char*>(recvbuf);
  if (!IsInPlace(sendbuf) && block > 0) std::memcpy(out + r * block, sendbuf, block);
  // Before the step of bit `mask` a rank holds the aligned run of `mask` blocks around it;
  // its peer holds the neighbouring run.
  for (int mask = 1; mask < p; mask <<= 1) {
    int peer = r ^ mask;
    size_t run = static_cast<size_t>(mask) * block;
    ZMPI_RETURN_IF_ERROR(links.SendRecv(peer, out + (r & ~(mask - 1)) * block, run, peer,
                                        out + (peer & ~(mask - 1)) * block, run, tag));
  }
  return OkStatus();
}

Status RingAllgather(Links& links, const void* sendbuf, void* recvbuf, size_t block,
                     int tag) {
  const int p = links.size();
  const int r = links.rank();
  char* out = static_cast<char*>(recvbuf);
  if (!IsInPlace(sendbuf) && block > 0) std::memcpy(out + r * block, sendbuf, block);
  const int right = (r + 1) % p;
  const int left = (r - 1 + p) % p;
  for (int i = 0; i < p - 1; ++i) {
    int send_block = (r - i + p) % p;
    int recv_block = (r - i - 1 + p) % p;
    ZMPI_RETURN_IF_ERROR(links.SendRecv(right, out + send_block * block, block, left,
                                        out + recv_block * block, block, tag));
  }
  return OkStatus();
}

}  // namespace zmpi::coll
