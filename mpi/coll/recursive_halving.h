// RecursiveHalving: the reduce-scatter of Rabenseifner's algorithms over the power-of-two
// group of a PowerOfTwoFold, and the two ways back (allgather to everybody, gather to one).
//
// The vector is cut into pof2 near-equal blocks. In the step of bit m (m = 1, 2, 4, ...) a
// rank and its partner (new rank ^ m) hold the same block range; each keeps the half chosen
// by bit m of its new rank, sends the other half and folds in the partner's copy of the kept
// half (lower ranks on the left). Afterwards each rank holds one fully reduced block; the
// ranges of every step are remembered so the way back retraces them in reverse.
#ifndef ZMPI_MPI_COLL_RECURSIVE_HALVING_H_
#define ZMPI_MPI_COLL_RECURSIVE_HALVING_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"
#include "mpi/coll/power_of_two_fold.h"
#include "mpi/coll/reducer.h"

namespace zmpi::coll {

class RecursiveHalving {
 public:
  // For a rank with fold.new_rank() >= 0; `count` elements of `elem` bytes.
  RecursiveHalving(const PowerOfTwoFold& fold, size_t count, size_t elem);

  // acc: this rank's whole vector (in and out); tmp: room for one vector.
  Status ReduceScatter(Links& links, char* acc, char* tmp, const Reducer& reducer, int tag);
  // Afterwards every group member holds the whole reduced vector in acc.
  Status Allgather(Links& links, char* acc, int tag);
  // Afterwards new rank `target` holds the whole reduced vector in acc.
  Status Gather(Links& links, char* acc, int target, int tag);

 private:
  // First element of block b.
  size_t Start(int b) const;
  // The other half of step s's range, given that this rank holds [blo_, bhi_).
  void Sibling(int s, int* lo, int* hi) const;

  const PowerOfTwoFold& fold_;
  const size_t count_;
  const size_t elem_;
  int steps_ = 0;
  int lo_[32];  // block range before step s
  int hi_[32];
  int blo_ = 0;  // block range held now
  int bhi_;
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_RECURSIVE_HALVING_H_
