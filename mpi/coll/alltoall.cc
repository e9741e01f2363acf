#include "mpi/coll/alltoall.h"

#include <cstring>

#include "mpi/coll/scratch.h"

namespace zmpi::coll {

Status PairwiseAlltoall(Links& links, const void* sendbuf, void* recvbuf, size_t block, int tag) {
  const int p = links.size();
  const int r = links.rank();
  char* out = static_cast<char*>(recvbuf);
  // In place, step i would overwrite block r-i before sending it at step p-i.
  Scratch copy;
  if (IsInPlace(sendbuf)) {
    if (p == 1) return OkStatus();
    copy.Reserve(p * block);
    if (block > 0) std::memcpy(copy.data(), out, p * block);
    sendbuf = copy.data();
  }
  const char* in = static_cast<const char*>(sendbuf);
  if (block > 0) std::memcpy(out + r * block, in + r * block, block);
  for (int i = 1; i < p; ++i) {
    int dest = (r + i) % p;
    int source = (r - i + p) % p;
    ZMPI_RETURN_IF_ERROR(
        links.SendRecv(dest, in + dest * block, block, source, out + source * block, block, tag));
  }
  return OkStatus();
}

}  // namespace zmpi::coll
