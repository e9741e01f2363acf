#include "mpi/coll/scan.h"

#include <cstring>
#include <utility>

#include "mpi/coll/scratch.h"

namespace zmpi::coll {

Status RecursiveDoublingScan(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                             const Reducer& reducer, bool exclusive, int tag) {
  const int p = links.size();
  const int r = links.rank();
  const size_t bytes = count * reducer.elem_size();
  const void* mine = IsInPlace(sendbuf) ? recvbuf : sendbuf;
  if (bytes == 0) return OkStatus();
  if (p == 1) {
    if (!exclusive && mine != recvbuf) std::memcpy(recvbuf, mine, bytes);
    return OkStatus();
  }
  // partial: op over the aligned run of ranks exchanged so far (this rank's run).
  Scratch scratch(2 * bytes);
  char* partial = scratch.data();
  char* incoming = scratch.data() + bytes;
  std::memcpy(partial, mine, bytes);
  bool have = !exclusive;  // whether recvbuf holds a result yet
  if (have && mine != recvbuf) std::memcpy(recvbuf, mine, bytes);
  for (int mask = 1; mask < p; mask <<= 1) {
    int peer = r ^ mask;
    if (peer >= p) continue;
    ZMPI_RETURN_IF_ERROR(links.SendRecv(peer, partial, bytes, peer, incoming, bytes, tag));
    if (peer < r) {
      // The peer's run lies right below everything folded so far.
      if (have) {
        reducer.Apply(incoming, recvbuf, count);
      } else {
        std::memcpy(recvbuf, incoming, bytes);
        have = true;
      }
      reducer.Apply(incoming, partial, count);
    } else {
      reducer.Apply(partial, incoming, count);
      std::swap(partial, incoming);
    }
  }
  return OkStatus();
}

}  // namespace zmpi::coll
