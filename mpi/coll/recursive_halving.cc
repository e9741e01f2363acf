#include "mpi/coll/recursive_halving.h"

#include <cstring>

namespace zmpi::coll {

RecursiveHalving::RecursiveHalving(const PowerOfTwoFold& fold, size_t count, size_t elem)
    : fold_(fold), count_(count), elem_(elem), bhi_(fold.pof2()) {}

size_t RecursiveHalving::Start(int b) const {
  size_t n = static_cast<size_t>(fold_.pof2());
  size_t bb = static_cast<size_t>(b);
  return bb * (count_ / n) + bb * (count_ % n) / n;
}

void RecursiveHalving::Sibling(int s, int* lo, int* hi) const {
  bool lower = blo_ == lo_[s];
  *lo = lower ? bhi_ : lo_[s];
  *hi = lower ? hi_[s] : blo_;
}

Status RecursiveHalving::ReduceScatter(Links& links, char* acc, char* tmp, const Reducer& reducer,
                                       int tag) {
  const int me = fold_.new_rank();
  const int r = links.rank();
  for (int mask = 1; mask < fold_.pof2(); mask <<= 1, ++steps_) {
    int peer = fold_.RealRank(me ^ mask);
    int mid = blo_ + (bhi_ - blo_) / 2;
    bool upper = (me & mask) != 0;
    int keep_lo = upper ? mid : blo_;
    int keep_hi = upper ? bhi_ : mid;
    int give_lo = upper ? blo_ : mid;
    int give_hi = upper ? mid : bhi_;
    lo_[steps_] = blo_;
    hi_[steps_] = bhi_;
    char* keep = acc + Start(keep_lo) * elem_;
    char* incoming = tmp + Start(keep_lo) * elem_;
    size_t kn = Start(keep_hi) - Start(keep_lo);
    size_t gn = Start(give_hi) - Start(give_lo);
    ZMPI_RETURN_IF_ERROR(links.SendRecv(peer, acc + Start(give_lo) * elem_, gn * elem_, peer,
                                        incoming, kn * elem_, tag));
    if (peer < r || reducer.commutative()) {
      reducer.Apply(incoming, keep, kn);
    } else {
      reducer.Apply(keep, incoming, kn);
      if (kn > 0) std::memcpy(keep, incoming, kn * elem_);
    }
    blo_ = keep_lo;
    bhi_ = keep_hi;
  }
  return OkStatus();
}

Status RecursiveHalving::Allgather(Links& links, char* acc, int tag) {
  const int me = fold_.new_rank();
  for (int s = steps_ - 1; s >= 0; --s) {
    int peer = fold_.RealRank(me ^ (1 << s));
    int other_lo, other_hi;
    Sibling(s, &other_lo, &other_hi);
    size_t m0 = Start(blo_);
    size_t o0 = Start(other_lo);
    ZMPI_RETURN_IF_ERROR(links.SendRecv(peer, acc + m0 * elem_, (Start(bhi_) - m0) * elem_, peer,
                                        acc + o0 * elem_, (Start(other_hi) - o0) * elem_, tag));
    blo_ = lo_[s];
    bhi_ = hi_[s];
  }
  return OkStatus();
}

Status RecursiveHalving::Gather(Links& links, char* acc, int target, int tag) {
  const int me = fold_.new_rank();
  // Retrace the steps; in each, the partner whose bit differs from the target's hands its
  // range over and is done.
  for (int s = steps_ - 1; s >= 0; --s) {
    int bit = 1 << s;
    int peer = fold_.RealRank(me ^ bit);
    size_t m0 = Start(blo_);
    if ((me & bit) != (target & bit)) {
      return links.Send(peer, tag, acc + m0 * elem_, (Start(bhi_) - m0) * elem_);
    }
    int other_lo, other_hi;
    Sibling(s, &other_lo, &other_hi);
    size_t o0 = Start(other_lo);
    ZMPI_RETURN_IF_ERROR(links.Recv(peer, tag, acc + o0 * elem_, (Start(other_hi) - o0) * elem_));
    blo_ = lo_[s];
    bhi_ = hi_[s];
  }
  return OkStatus();
}

}  // namespace zmpi::coll
