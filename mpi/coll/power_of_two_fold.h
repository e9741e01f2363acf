// PowerOfTwoFold: shrinks any group to a power of two before a recursive-doubling or -halving
// phase, and hands results back afterwards. With p = pof2 + rem, of the first 2*rem ranks each
// even rank gives its vector to the odd rank above it (which folds it in on the left, keeping
// rank order) and sits the main phase out; the others are renumbered 0..pof2-1 in rank order.
#ifndef ZMPI_MPI_COLL_POWER_OF_TWO_FOLD_H_
#define ZMPI_MPI_COLL_POWER_OF_TWO_FOLD_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/coll/links.h"
#include "mpi/coll/reducer.h"

namespace zmpi::coll {

class PowerOfTwoFold {
 public:
  PowerOfTwoFold(int size, int rank);

  int pof2() const { return pof2_; }
  // Rank in the power-of-two group, or -1 for a rank that sits the main phase out.
  int new_rank() const { return new_rank_; }
  // Rank in the group of new rank `n`.
  int RealRank(int n) const { return n < rem_ ? n * 2 + 1 : n + rem_; }
  // New rank that stands in for `rank` (its own, or its odd neighbour's if it sits out).
  int StandIn(int rank) const { return rank < 2 * rem_ ? rank / 2 : rank - rem_; }

  // Before the main phase: `acc` holds this rank's vector; `tmp` has room for one too.
  Status In(Links& links, char* acc, char* tmp, size_t count, const Reducer& reducer,
            int tag) const;
  // After it (allreduce): ranks that sat out receive the result into `out`.
  Status Out(Links& links, const char* acc, char* out, size_t bytes, int tag) const;

 private:
  int rank_;
  int pof2_;
  int rem_;
  int new_rank_;
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_POWER_OF_TWO_FOLD_H_
