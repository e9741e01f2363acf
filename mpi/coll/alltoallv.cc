#include "mpi/coll/alltoallv.h"

#include <algorithm>
#include <cstring>

#include "mpi/coll/scratch.h"

namespace zmpi::coll {

Status ScatteredAlltoallv(Links& links, const VBlocks& send_in, const VBlocks& recv, int window,
                          int tag) {
  const int p = links.size();
  const int r = links.rank();
  VBlocks send = send_in;
  Scratch copy;
  if (IsInPlace(send_in.base)) {
    if (p == 1) return OkStatus();
    // Copy the span of every block of recv, then send from the copy at the same offsets.
    ptrdiff_t lo = 0, hi = 0;
    bool any = false;
    for (int i = 0; i < p; ++i) {
      if (recv.bytes[i] == 0) continue;
      ptrdiff_t a = recv.offsets[i];
      ptrdiff_t b = a + static_cast<ptrdiff_t>(recv.bytes[i]);
      lo = any ? std::min(lo, a) : a;
      hi = any ? std::max(hi, b) : b;
      any = true;
    }
    copy.Reserve(static_cast<size_t>(hi - lo));
    if (any) std::memcpy(copy.data(), recv.base + lo, static_cast<size_t>(hi - lo));
    send.base = copy.data() - lo;
    send.bytes = recv.bytes;
    send.offsets = recv.offsets;
  }
  // Not in place, the own block is copied while the first window's transfers are under way.
  bool own_pending = !IsInPlace(send_in.base) && recv.bytes[r] > 0;
  if (window < 1) window = 1;
  for (int first = 1; first < p; first += window) {
    int last = std::min(p, first + window);
    for (int i = first; i < last; ++i) {
      int source = (r - i + p) % p;
      if (recv.bytes[source] > 0) {
        ZMPI_RETURN_IF_ERROR(links.Irecv(source, tag, recv.at(source), recv.bytes[source]));
      }
    }
    for (int i = first; i < last; ++i) {
      int dest = (r + i) % p;
      if (send.bytes[dest] > 0) {
        ZMPI_RETURN_IF_ERROR(links.Isend(dest, tag, send.at(dest), send.bytes[dest]));
      }
    }
    if (own_pending) {
      std::memmove(recv.at(r), send.at(r), recv.bytes[r]);
      own_pending = false;
    }
    ZMPI_RETURN_IF_ERROR(links.WaitAll());
  }
  if (own_pending) std::memmove(recv.at(r), send.at(r), recv.bytes[r]);  // p == 1
  return OkStatus();  // in place, the own block never moved
}

}  // namespace zmpi::coll
