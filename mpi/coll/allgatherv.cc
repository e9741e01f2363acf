#include "mpi/coll/allgatherv.h"

#include <algorithm>
#include <cstring>

#include "mpi/coll/inline_array.h"
#include "mpi/coll/scratch.h"

namespace zmpi::coll {
namespace {

void PlaceOwn(const void* sendbuf, const VBlocks& recv, int r) {
  if (!IsInPlace(sendbuf) && recv.bytes[r] > 0) std::memmove(recv.at(r), sendbuf, recv.bytes[r]);
}

}  // namespace

// The sends leave from sendbuf, not from this rank's block of recv, and that block is filled
// while they are under way: a peer reading the block straight from sendbuf (a single-copy
// read over shm) neither waits for the local copy nor pulls lines just written by another
// core (2 ranks, 64 KiB: 12.2 -> 7.8 us at load 9-12; docs/collectives.md).
Status DirectAllgatherv(Links& links, const void* sendbuf, const VBlocks& recv, int tag) {
  const int p = links.size();
  const int r = links.rank();
  const void* mine = IsInPlace(sendbuf) ? recv.at(r) : sendbuf;
  for (int k = 1; k < p; ++k) {
    int from = (r - k + p) % p;
    if (recv.bytes[from] > 0) {
      ZMPI_RETURN_IF_ERROR(links.Irecv(from, tag, recv.at(from), recv.bytes[from]));
    }
  }
  if (recv.bytes[r] > 0) {
    for (int k = 1; k < p; ++k) {
      ZMPI_RETURN_IF_ERROR(links.Isend((r + k) % p, tag, mine, recv.bytes[r]));
    }
  }
  PlaceOwn(sendbuf, recv, r);
  return links.WaitAll();
}

Status BruckAllgatherv(Links& links, const void* sendbuf, const VBlocks& recv, int tag) {
  const int p = links.size();
  const int r = links.rank();
  // stage holds the blocks of ranks r, r+1, ... (mod p) back to back; start[i] is where the
  // block of rank r + i begins.
  InlineArray<size_t> start(p + 1);
  start[0] = 0;
  for (int i = 0; i < p; ++i) start[i + 1] = start[i] + recv.bytes[(r + i) % p];
  Scratch stage(start[p]);
  const char* mine = IsInPlace(sendbuf) ? recv.at(r) : static_cast<const char*>(sendbuf);
  if (recv.bytes[r] > 0) std::memcpy(stage.data(), mine, recv.bytes[r]);
  for (int k = 1; k < p; k <<= 1) {
    int n = std::min(k, p - k);
    // The destination r - k expects our first n blocks; the source r + k sends its first n,
    // i.e. the blocks of ranks r + k .. r + k + n - 1 = our indices k .. k + n - 1.
    size_t send_bytes = start[n];
    size_t recv_bytes = start[k + n] - start[k];
    ZMPI_RETURN_IF_ERROR(links.SendRecv((r - k + p) % p, stage.data(), send_bytes, (r + k) % p,
                                        stage.data() + start[k], recv_bytes, tag));
  }
  for (int i = 0; i < p; ++i) {
    int owner = (r + i) % p;
    if (recv.bytes[owner] > 0 && !(i == 0 && mine == recv.at(r))) {
      std::memcpy(recv.at(owner), stage.data() + start[i], recv.bytes[owner]);
    }
  }
  return OkStatus();
}

Status RingAllgatherv(Links& links, const void* sendbuf, const VBlocks& recv, int tag) {
  const int p = links.size();
  const int r = links.rank();
  PlaceOwn(sendbuf, recv, r);
  const int right = (r + 1) % p;
  const int left = (r - 1 + p) % p;
  for (int i = 0; i < p - 1; ++i) {
    int send_block = (r - i + p) % p;
    int recv_block = (r - i - 1 + p) % p;
    ZMPI_RETURN_IF_ERROR(links.SendRecv(right, recv.at(send_block), recv.bytes[send_block], left,
                                        recv.at(recv_block), recv.bytes[recv_block], tag));
  }
  return OkStatus();
}

}  // namespace zmpi::coll
