#include "mpi/coll/allgather.h"

#include <algorithm>
#include <cstring>

#include "common/check.h"
#include "mpi/coll/scratch.h"

namespace zmpi::coll {

Status RecursiveDoublingAllgather(Links& links, const void* sendbuf, void* recvbuf, size_t block,
                                  int tag) {
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

Status BruckAllgather(Links& links, const void* sendbuf, void* recvbuf, size_t block, int tag) {
  const int p = links.size();
  const int r = links.rank();
  char* out = static_cast<char*>(recvbuf);
  const char* mine = IsInPlace(sendbuf) ? out + r * block : static_cast<const char*>(sendbuf);
  // stage[i] holds the block of rank r + i; after the step of distance k the first 2k are in.
  Scratch stage(p * block);
  if (block > 0) std::memcpy(stage.data(), mine, block);
  for (int k = 1; k < p; k <<= 1) {
    size_t run = static_cast<size_t>(std::min(k, p - k)) * block;
    ZMPI_RETURN_IF_ERROR(links.SendRecv((r - k + p) % p, stage.data(), run, (r + k) % p,
                                        stage.data() + k * block, run, tag));
  }
  if (block > 0) {
    size_t head = static_cast<size_t>(p - r) * block;  // ranks r .. p-1
    std::memcpy(out + r * block, stage.data(), head);
    std::memcpy(out, stage.data() + head, r * block);
  }
  return OkStatus();
}

Status RingAllgather(Links& links, const void* sendbuf, void* recvbuf, size_t block, int tag) {
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
