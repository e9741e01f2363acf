#include "mpi/coll/barrier.h"

namespace zmpi::coll {

Status DisseminationBarrier(Links& links, int tag) {
  const int p = links.size();
  const int r = links.rank();
  // Sources r-2^k differ for every round (2^k < p), so one tag serves all rounds.
  for (int k = 1; k < p; k <<= 1) {
    ZMPI_RETURN_IF_ERROR(links.SendRecv((r + k) % p, nullptr, 0, (r - k + p) % p, nullptr, 0, tag));
  }
  return OkStatus();
}

Status CentralBarrier(Links& links, int tag) {
  const int p = links.size();
  if (links.rank() != 0) return links.SendRecv(0, nullptr, 0, 0, nullptr, 0, tag);
  for (int r = 1; r < p; ++r) ZMPI_RETURN_IF_ERROR(links.Irecv(r, tag, nullptr, 0));
  ZMPI_RETURN_IF_ERROR(links.WaitAll());
  for (int r = 1; r < p; ++r) ZMPI_RETURN_IF_ERROR(links.SendSmall(r, tag, nullptr, 0));
  return OkStatus();
}

}  // namespace zmpi::coll
