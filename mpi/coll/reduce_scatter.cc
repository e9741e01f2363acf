#include "mpi/coll/reduce_scatter.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "mpi/coll/inline_array.h"
#include "mpi/coll/scratch.h"

namespace zmpi::coll {

Status RingReduceScatter(Links& links, const void* sendbuf, void* recvbuf, const size_t* counts,
                         const Reducer& reducer, int tag) {
  const int p = links.size();
  const int r = links.rank();
  const size_t elem = reducer.elem_size();
  const char* in = static_cast<const char*>(sendbuf);
  InlineArray<size_t> start(p + 1);
  start[0] = 0;
  size_t largest = 0;
  for (int i = 0; i < p; ++i) {
    start[i + 1] = start[i] + counts[i] * elem;
    largest = std::max(largest, counts[i]);
  }
  if (p == 1) {
    if (counts[0] > 0) std::memcpy(recvbuf, in, counts[0] * elem);
    return OkStatus();
  }
  Scratch scratch(2 * largest * elem);
  char* outgoing = scratch.data();
  char* incoming = scratch.data() + largest * elem;
  const int right = (r + 1) % p;
  const int left = (r - 1 + p) % p;
  // Block j starts at rank j + 1 and travels right, each rank folding in its own part, until it
  // reaches rank j: in step i this rank sends block r - 1 - i and receives block r - 2 - i.
  const char* send = in + start[left];
  for (int i = 0; i < p - 1; ++i) {
    int sb = (r - 1 - i + 2 * p) % p;
    int rb = (r - 2 - i + 2 * p) % p;
    size_t send_bytes = counts[sb] * elem;
    size_t recv_bytes = counts[rb] * elem;
    char* dest = i == p - 2 ? static_cast<char*>(recvbuf) : incoming;
    ZMPI_RETURN_IF_ERROR(links.SendRecv(right, send, send_bytes, left, dest, recv_bytes, tag));
    reducer.Apply(in + start[rb], dest, counts[rb]);
    if (i < p - 2) {
      std::swap(outgoing, incoming);
      send = outgoing;
    }
  }
  return OkStatus();
}

}  // namespace zmpi::coll
