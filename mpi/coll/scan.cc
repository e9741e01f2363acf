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

Status ChainScan(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                 const Reducer& reducer, bool exclusive, int tag) {
  const int p = links.size();
  const int r = links.rank();
  const size_t bytes = count * reducer.elem_size();
  const void* mine = IsInPlace(sendbuf) ? recvbuf : sendbuf;
  if (bytes == 0) return OkStatus();
  const bool last = r == p - 1;
  if (r == 0) {
    if (!exclusive && mine != recvbuf) std::memcpy(recvbuf, mine, bytes);
    return last ? OkStatus() : links.Send(1, tag, mine, bytes);
  }
  if (!exclusive) {
    // recvbuf = prefix (op) mine, passed on as it is.
    Scratch prefix(bytes);
    ZMPI_RETURN_IF_ERROR(links.Recv(r - 1, tag, prefix.data(), bytes));
    if (mine != recvbuf) std::memcpy(recvbuf, mine, bytes);
    reducer.Apply(prefix.data(), recvbuf, count);
    return last ? OkStatus() : links.Send(r + 1, tag, recvbuf, bytes);
  }
  // Exclusive: the prefix is the result; prefix (op) mine goes on. In place, mine is in
  // recvbuf, so the next prefix is made before the result lands there.
  Scratch scratch(last ? bytes : 2 * bytes);
  char* prefix = scratch.data();
  ZMPI_RETURN_IF_ERROR(links.Recv(r - 1, tag, prefix, bytes));
  if (!last) {
    char* next = scratch.data() + bytes;
    std::memcpy(next, mine, bytes);
    reducer.Apply(prefix, next, count);
    ZMPI_RETURN_IF_ERROR(links.Send(r + 1, tag, next, bytes));
  }
  std::memcpy(recvbuf, prefix, bytes);
  return OkStatus();
}

}  // namespace zmpi::coll
