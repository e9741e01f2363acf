#include "mpi/coll/allreduce.h"

#include <cstring>
#include <utility>

#include "mpi/coll/power_of_two_fold.h"
#include "mpi/coll/recursive_halving.h"
#include "mpi/coll/scratch.h"

namespace zmpi::coll {
namespace {

// acc = tmp (op) acc if the peer is lower, else acc (op) tmp; for a non-commutative op the
// latter lands in tmp and the two buffers swap roles.
void Combine(bool peer_is_lower, char** acc, char** tmp, size_t count, const Reducer& reducer) {
  if (peer_is_lower || reducer.commutative()) {
    reducer.Apply(*tmp, *acc, count);
  } else {
    reducer.Apply(*acc, *tmp, count);
    std::swap(*acc, *tmp);
  }
}

}  // namespace

Status RecursiveDoublingAllreduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                                  const Reducer& reducer, int tag) {
  const int p = links.size();
  const int r = links.rank();
  const size_t bytes = count * reducer.elem_size();
  if (!IsInPlace(sendbuf) && bytes > 0) std::memcpy(recvbuf, sendbuf, bytes);
  if (p == 1 || bytes == 0) return OkStatus();
  Scratch scratch(bytes);
  char* acc = static_cast<char*>(recvbuf);
  char* tmp = scratch.data();
  PowerOfTwoFold fold(p, r);
  ZMPI_RETURN_IF_ERROR(fold.In(links, acc, tmp, count, reducer, tag));
  if (fold.new_rank() >= 0) {
    for (int mask = 1; mask < fold.pof2(); mask <<= 1) {
      int peer = fold.RealRank(fold.new_rank() ^ mask);
      ZMPI_RETURN_IF_ERROR(links.SendRecv(peer, acc, bytes, peer, tmp, bytes, tag));
      Combine(peer < r, &acc, &tmp, count, reducer);
    }
  }
  ZMPI_RETURN_IF_ERROR(fold.Out(links, acc, static_cast<char*>(recvbuf), bytes, tag));
  if (fold.new_rank() >= 0 && acc != recvbuf) std::memcpy(recvbuf, acc, bytes);
  return OkStatus();
}

Status RabenseifnerAllreduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                             const Reducer& reducer, int tag) {
  const int p = links.size();
  const int r = links.rank();
  const size_t bytes = count * reducer.elem_size();
  if (!IsInPlace(sendbuf) && bytes > 0) std::memcpy(recvbuf, sendbuf, bytes);
  if (p == 1 || bytes == 0) return OkStatus();
  Scratch scratch(bytes);
  char* acc = static_cast<char*>(recvbuf);
  PowerOfTwoFold fold(p, r);
  ZMPI_RETURN_IF_ERROR(fold.In(links, acc, scratch.data(), count, reducer, tag));
  if (fold.new_rank() >= 0) {
    RecursiveHalving halving(fold, count, reducer.elem_size());
    ZMPI_RETURN_IF_ERROR(halving.ReduceScatter(links, acc, scratch.data(), reducer, tag));
    ZMPI_RETURN_IF_ERROR(halving.Allgather(links, acc, tag));
  }
  return fold.Out(links, acc, acc, bytes, tag);
}

}  // namespace zmpi::coll
