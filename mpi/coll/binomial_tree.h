// The binomial tree shared by gather and scatter, in ranks relative to the root (v = 0 is the
// root). Node v with lowest set bit m (m = 2^ceil(log2 p) for the root) has parent v - m and
// children v + c for every power of two c < m with v + c < p; the subtree of v + c covers the
// relative ranks [v + c, v + c + min(c, p - v - c)), so a subtree is one contiguous run.
#ifndef ZMPI_MPI_COLL_BINOMIAL_TREE_H_
#define ZMPI_MPI_COLL_BINOMIAL_TREE_H_

#include <algorithm>

namespace zmpi::coll {

class BinomialTree {
 public:
  BinomialTree(int size, int v) : size_(size), v_(v) {
    low_bit_ = 1;
    while (low_bit_ < size && (v & low_bit_) == 0) low_bit_ <<= 1;
  }
  bool is_root() const { return v_ == 0; }
  // Relative rank of the parent (not for the root).
  int parent() const { return v_ - low_bit_; }
  // Relative ranks this subtree covers: [v, v + subtree_size()).
  int subtree_size() const { return std::min(low_bit_, size_ - v_); }
  // Children are v + c for c = 1, 2, 4, ... while c < child_limit() and v + c < size.
  int child_limit() const { return low_bit_; }
  // Number of relative ranks in the subtree of child v + c.
  int ChildSubtree(int c) const { return std::min(c, size_ - v_ - c); }

 private:
  int size_;
  int v_;
  int low_bit_;
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_BINOMIAL_TREE_H_
