#include "mpi/coll/direct_reduce_scatter.h"

#include <cstring>

#include "mpi/coll/scratch.h"

namespace zmpi::coll {

Status DirectReduceScatter(Links& links, const char* mine, char* own, size_t count,
                           const Reducer& reducer, int tag) {
  const int p = links.size();
  const int r = links.rank();
  const size_t elem = reducer.elem_size();
  const size_t lo = BlockStart(count, p, r);
  const size_t n = BlockStart(count, p, r + 1) - lo;
  const char* mine_own = mine + lo * elem;
  // A commutative op with `own` apart from `mine` folds this rank's block in from mine: the
  // next rank's copy lands straight in own, which saves copying the block there first
  // (2 ranks, 1 MiB: a 512 KiB memcpy out of ~180 us).
  const int landed = reducer.commutative() && own != mine_own ? (r + 1) % p : r;
  if (landed == r && own != mine_own && n > 0) std::memcpy(own, mine_own, n * elem);

  // Every rank's copy of block r lands in scratch (rank j's at slot j), but `landed`'s lands
  // in own; block j of this rank's vector goes to rank j.
  Scratch scratch(static_cast<size_t>(p) * n * elem);
  auto copy_of = [&](int j) { return j == landed ? own : scratch.data() + j * n * elem; };
  for (int i = 1; i < p; ++i) {
    int from = (r - i + p) % p;
    ZMPI_RETURN_IF_ERROR(links.Irecv(from, tag, copy_of(from), n * elem));
  }
  for (int i = 1; i < p; ++i) {
    int to = (r + i) % p;
    size_t to_lo = BlockStart(count, p, to);
    size_t to_n = BlockStart(count, p, to + 1) - to_lo;
    ZMPI_RETURN_IF_ERROR(links.Isend(to, tag, mine + to_lo * elem, to_n * elem));
  }
  ZMPI_RETURN_IF_ERROR(links.WaitAll());
  if (reducer.commutative()) {
    if (landed != r) reducer.Apply(mine_own, own, n);
    for (int j = 0; j < p; ++j) {
      if (j != r && j != landed) reducer.Apply(copy_of(j), own, n);
    }
    return OkStatus();
  }
  char* acc = copy_of(0);
  for (int j = 1; j < p; ++j) {
    reducer.Apply(acc, copy_of(j), n);  // copy_of(j) = acc (op) copy_of(j)
    acc = copy_of(j);
  }
  if (acc != own && n > 0) std::memcpy(own, acc, n * elem);
  return OkStatus();
}

}  // namespace zmpi::coll
