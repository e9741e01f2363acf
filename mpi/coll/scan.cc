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

namespace {

// Sends `bytes` of `src` to `dest` and copies them to `dst` meanwhile. A message the eager
// path takes leaves first (it is out when Send returns); a larger one is started, copied
// beside the peer's read, then waited for.
Status SendWhileCopying(Links& links, int dest, int tag, const void* src, void* dst, size_t bytes) {
  if (bytes <= Links::kSmallBytes) {
    ZMPI_RETURN_IF_ERROR(links.SendSmall(dest, tag, src, bytes));
    std::memcpy(dst, src, bytes);
    return OkStatus();
  }
  ZMPI_RETURN_IF_ERROR(links.Isend(dest, tag, src, bytes));
  std::memcpy(dst, src, bytes);
  return links.WaitAll();
}

}  // namespace

Status ChainScan(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                 const Reducer& reducer, bool exclusive, int tag) {
  const int p = links.size();
  const int r = links.rank();
  const size_t bytes = count * reducer.elem_size();
  const bool in_place = IsInPlace(sendbuf);
  const void* mine = in_place ? recvbuf : sendbuf;
  if (bytes == 0) return OkStatus();
  const bool last = r == p - 1;
  if (r == 0) {
    if (exclusive || in_place || last) {
      if (!exclusive && !in_place) std::memcpy(recvbuf, mine, bytes);
      return last ? OkStatus() : links.Send(1, tag, mine, bytes);
    }
    // The copy of the own vector into recvbuf runs while rank 1 takes the message (a large
    // one is read from `mine` while we copy it), not before the message leaves.
    return SendWhileCopying(links, 1, tag, mine, recvbuf, bytes);
  }
  if (!exclusive) {
    // recvbuf = prefix (op) mine, passed on as it is. A commutative op may take the prefix
    // straight into recvbuf and fold `mine` in from the other side (no staging, no copy).
    if (!in_place && reducer.commutative()) {
      ZMPI_RETURN_IF_ERROR(links.Recv(r - 1, tag, recvbuf, bytes));
      reducer.Apply(mine, recvbuf, count);
    } else {
      Scratch prefix(bytes);
      ZMPI_RETURN_IF_ERROR(links.Recv(r - 1, tag, prefix.data(), bytes));
      if (!in_place) std::memcpy(recvbuf, mine, bytes);
      reducer.Apply(prefix.data(), recvbuf, count);
    }
    return last ? OkStatus() : links.Send(r + 1, tag, recvbuf, bytes);
  }
  // Exclusive: the prefix is the result; prefix (op) mine goes on. The last rank needs nothing
  // but the prefix (its own vector, even in place, is not used).
  if (last) return links.Recv(r - 1, tag, recvbuf, bytes);
  Scratch scratch(bytes);
  if (!in_place) {
    // A large prefix comes in while the own vector is copied aside; a small one is received
    // first (no request to start and wait for).
    char* next = scratch.data();
    if (bytes > Links::kSmallBytes) {
      ZMPI_RETURN_IF_ERROR(links.Irecv(r - 1, tag, recvbuf, bytes));
      std::memcpy(next, mine, bytes);
      ZMPI_RETURN_IF_ERROR(links.WaitAll());
    } else {
      ZMPI_RETURN_IF_ERROR(links.Recv(r - 1, tag, recvbuf, bytes));
      std::memcpy(next, mine, bytes);
    }
    reducer.Apply(recvbuf, next, count);
    return links.Send(r + 1, tag, next, bytes);
  }
  // In place `mine` is in recvbuf: the next prefix is made there and sent (Send returns once
  // the buffer may be reused), then the result replaces it.
  char* prefix = scratch.data();
  ZMPI_RETURN_IF_ERROR(links.Recv(r - 1, tag, prefix, bytes));
  reducer.Apply(prefix, recvbuf, count);
  ZMPI_RETURN_IF_ERROR(links.Send(r + 1, tag, recvbuf, bytes));
  std::memcpy(recvbuf, prefix, bytes);
  return OkStatus();
}

}  // namespace zmpi::coll
