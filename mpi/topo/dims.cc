#include "mpi/topo/dims.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace zmpi::topo {
namespace {

// Largest r with r^k <= x (x >= 1, k >= 1).
int64_t IntRoot(int64_t x, int k) {
  auto pow_at_most = [&](int64_t r) {  // r^k <= x, without overflow
    int64_t p = 1;
    for (int i = 0; i < k; ++i) {
      if (p > x / r) return false;
      p *= r;
    }
    return true;
  };
  int64_t r = static_cast<int64_t>(std::pow(static_cast<double>(x), 1.0 / k));
  r = std::max<int64_t>(r, 1);
  while (r > 1 && !pow_at_most(r)) --r;
  while (pow_at_most(r + 1)) ++r;
  return r;
}

// Depth-first search over the non-increasing factorizations of `product` into `slots`
// factors, in lexicographic order (smallest first element first), keeping the first one of
// the smallest spread (largest minus smallest factor), ties going to TailsCloser. A branch stops
// as soon as it cannot reach the best spread: its smallest factor is at most the integer root of
// what is left.
class BalancedSearch {
 public:
  BalancedSearch(int64_t product, int slots) : product_(product), slots_(slots) {
    for (int64_t d = 1; d * d <= product; ++d) {
      if (product % d != 0) continue;
      divisors_.push_back(d);
      if (d != product / d) divisors_.push_back(product / d);
    }
    std::sort(divisors_.begin(), divisors_.end());
  }

  std::vector<int64_t> Run() {
    Extend(product_, slots_, product_);
    return best_;
  }

 private:
  void Extend(int64_t rest, int slots_left, int64_t cap) {
    if (slots_left == 1) {
      if (rest > cap) return;
      int64_t first = current_.empty() ? rest : current_.front();
      if (first - rest > best_spread_) return;
      current_.push_back(rest);
      if (first - rest < best_spread_ || TailsCloser(current_, best_)) {
        best_spread_ = first - rest;
        best_ = current_;
      }
      current_.pop_back();
      return;
    }
    const int64_t floor_root = IntRoot(rest, slots_left);
    for (int64_t d : divisors_) {
      if (d > cap || d > rest) break;
      if (rest % d != 0) continue;
      // d is the largest of the factors still to choose, so d^slots_left >= rest.
      if (d < floor_root || !AtLeastRoot(d, rest, slots_left)) continue;
      const int64_t first = current_.empty() ? d : current_.front();
      // Both terms grow worse as d grows: no larger d can do better either.
      // (Equal spreads may still win on their tails: see TailsCloser.)
      if (first - IntRoot(rest / d, slots_left - 1) > best_spread_) break;
      current_.push_back(d);
      Extend(rest / d, slots_left - 1, d);
      current_.pop_back();
    }
  }

  // Between two factorizations of the same spread: whether a's tails are closer, i.e. a is
  // smaller in (a[0] - a[n-1], a[1] - a[n-1], ...) compared lexicographically. After the whole
  // spread, the spread of the factors without the largest one decides, and so on; this is
  // MPICH's choice (its test suite's topo/dims5 expects it), e.g. 5040 in 3-D is 21 x 16 x 15
  // rather than 20 x 18 x 14.
  static bool TailsCloser(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
    const int64_t a_last = a.back(), b_last = b.back();
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] - a_last != b[i] - b_last) return a[i] - a_last < b[i] - b_last;
    }
    return false;
  }

  // d^k >= x, without overflow.
  static bool AtLeastRoot(int64_t d, int64_t x, int k) {
    int64_t p = 1;
    for (int i = 0; i < k; ++i) {
      if (p > x / d) return true;  // p * d > x
      p *= d;
    }
    return p >= x;
  }

  const int64_t product_;
  const int slots_;
  std::vector<int64_t> divisors_;
  std::vector<int64_t> current_, best_;
  int64_t best_spread_ = std::numeric_limits<int64_t>::max();
};

}  // namespace

Status DimsCreate(int nnodes, int ndims, int* dims) {
  if (nnodes <= 0) return Error(Code::kArg, "nnodes %d is not positive", nnodes);
  if (ndims < 0) return Error(Code::kArg, "ndims %d is negative", ndims);
  if (ndims > 0 && dims == nullptr) return Error(Code::kArg, "dims is NULL");
  int64_t fixed = 1;
  int free_slots = 0;
  for (int i = 0; i < ndims; ++i) {
    if (dims[i] < 0) return Error(Code::kDims, "dims[%d] = %d is negative", i, dims[i]);
    if (dims[i] == 0) {
      ++free_slots;
    } else {
      fixed *= dims[i];
      if (fixed > nnodes) break;  // cannot divide nnodes; also keeps the product in range
    }
  }
  if (fixed > nnodes || nnodes % fixed != 0) {
    return Error(Code::kDims, "the given dimensions do not divide %d processes", nnodes);
  }
  if (free_slots == 0) {
    if (fixed != nnodes) {
      return Error(Code::kDims, "the given dimensions make %lld processes, not %d",
                   static_cast<long long>(fixed), nnodes);
    }
    return OkStatus();
  }
  std::vector<int64_t> factors = BalancedSearch(nnodes / fixed, free_slots).Run();
  size_t next = 0;
  for (int i = 0; i < ndims; ++i) {
    if (dims[i] == 0) dims[i] = static_cast<int>(factors[next++]);
  }
  return OkStatus();
}

}  // namespace zmpi::topo
