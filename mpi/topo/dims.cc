#include "mpi/topo/dims.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace zmpi::topo {
namespace {

// The prime factors of n (n >= 1) in increasing order, each with its multiplicity.
std::vector<std::pair<int64_t, int>> Factor(int64_t n) {
  std::vector<std::pair<int64_t, int>> f;
  for (int64_t p = 2; p * p <= n; ++p) {
    if (n % p != 0) continue;
    int c = 0;
    while (n % p == 0) {
      n /= p;
      ++c;
    }
    f.push_back({p, c});
  }
  if (n > 1) f.push_back({n, 1});
  return f;
}

// The search of the general case (see Balance): factorizations of `product` into `slots`
// factors (slots >= 2), built from the smallest factor up, each factor a divisor d of the
// product with 1 < d < product, the last two chosen as the most balanced pair of what is left.
// Depth-first in increasing order of the smallest factor, then the next one, ...; a complete
// candidate replaces the best when its spread is at most the best's, so among equal spreads
// the last one in that order wins. Branches stop when they cannot reach the best spread or
// cannot be completed.
class Balancer {
 public:
  Balancer(int64_t product, int slots) : slots_(slots) {
    for (int64_t d = 2; d * d <= product; ++d) {
      if (product % d != 0) continue;
      divisors_.push_back(d);
      if (d != product / d) divisors_.push_back(product / d);
    }
    std::sort(divisors_.begin(), divisors_.end());
    current_.resize(static_cast<size_t>(slots));
    Fill(product, slots, 0);
  }
  bool found() const { return found_; }
  // Largest first.
  const std::vector<int64_t>& best() const { return best_; }

 private:
  // Chooses current_[slots_left - 1] (the factors below it are set) from divisors_[from..].
  void Fill(int64_t rest, int slots_left, size_t from) {
    const int64_t smallest = slots_left == slots_ ? 0 : current_[static_cast<size_t>(slots_) - 1];
    if (slots_left == 2) {
      // The most balanced pair (q, f), q >= f: f the largest candidate with f * f <= rest.
      int64_t f = 0;
      for (size_t k = from; k < divisors_.size(); ++k) {
        const int64_t d = divisors_[k];
        if (d > rest / d) break;
        if (rest % d == 0) f = d;
      }
      if (f == 0) return;
      const int64_t q = rest / f;
      const int64_t spread = q - (smallest == 0 ? f : smallest);
      if (found_ && spread > best_spread_) return;
      current_[0] = q;
      current_[1] = f;
      best_ = current_;
      best_spread_ = spread;
      found_ = true;
      return;
    }
    for (size_t k = from; k < divisors_.size(); ++k) {
      const int64_t d = divisors_[k];
      const int64_t low = smallest == 0 ? d : smallest;
      // Every factor still to choose is at least d.
      if (found_ && d - low > best_spread_) break;
      if (!PowerAtMost(d, slots_left, rest)) break;
      if (rest % d != 0) continue;
      current_[static_cast<size_t>(slots_left) - 1] = d;
      Fill(rest / d, slots_left - 1, k);
    }
  }

  // d^k <= x, without overflow.
  static bool PowerAtMost(int64_t d, int k, int64_t x) {
    int64_t p = 1;
    for (int i = 0; i < k; ++i) {
      if (p > x / d) return false;
      p *= d;
    }
    return true;
  }

  const int slots_;
  std::vector<int64_t> divisors_;
  std::vector<int64_t> current_, best_;  // largest first
  int64_t best_spread_ = 0;
  bool found_ = false;
};

// MPICH's choice (its test suite's topo/dims5 lists 75000 answers; the idea is described in
// J. L. Traeff and F. D. Luebbe, "Specification Guideline Violations by MPI_Dims_create",
// EuroMPI'15, which MPICH follows), in this order:
//  1. A prime factor p that occurs once with p * p greater than what is left is set apart as
//     the next largest factor, from the largest prime down, stopping at the first that is not
//     such a prime, never the smallest prime and always leaving one slot.
//  2. If the prime factors left (with multiplicity) fit the slots left: those primes, largest
//     first, then ones. If one slot is left: what is left. If one prime p is left: its powers
//     dealt round-robin (2^5 in 3 slots: 4 x 4 x 2). If every multiplicity is a multiple of the
//     slots left: all factors equal.
//  3. Otherwise the Balancer's search over what is left: the smallest spread (largest minus
//     smallest factor), among equal spreads the largest smallest factor, then the largest
//     second smallest, and so on (5040 in 3-D: 21 x 16 x 15, not 20 x 18 x 14).
std::vector<int64_t> Balance(int64_t n, int slots) {
  std::vector<int64_t> out;
  std::vector<std::pair<int64_t, int>> f = Factor(n);
  int primes = 0;
  for (const auto& [p, c] : f) primes += c;
  while (f.size() > 1 && static_cast<int>(out.size()) < slots - 1) {
    const int64_t p = f.back().first;
    if (f.back().second != 1 || p <= n / p) break;
    out.push_back(p);
    n /= p;
    f.pop_back();
    --primes;
  }
  const int left = slots - static_cast<int>(out.size());
  if (primes <= left) {
    for (size_t i = f.size(); i-- > 0;) {
      for (int c = 0; c < f[i].second; ++c) out.push_back(f[i].first);
    }
    out.resize(static_cast<size_t>(slots), 1);
    return out;
  }
  if (left == 1) {
    out.push_back(n);
    return out;
  }
  if (f.size() == 1) {
    std::vector<int64_t> dealt(static_cast<size_t>(left), 1);
    for (int c = 0; c < f[0].second; ++c) dealt[static_cast<size_t>(c % left)] *= f[0].first;
    out.insert(out.end(), dealt.begin(), dealt.end());
    return out;
  }
  bool even = true;
  for (const auto& [p, c] : f) even = even && c % left == 0;
  if (even) {
    int64_t v = 1;
    for (const auto& [p, c] : f) {
      for (int i = 0; i < c / left; ++i) v *= p;
    }
    out.resize(static_cast<size_t>(slots), v);
    return out;
  }
  // More primes than slots, so a factorization into divisors 1 < d < n exists and the
  // search finds one.
  Balancer search(n, left);
  out.insert(out.end(), search.best().begin(), search.best().end());
  return out;
}

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
  std::vector<int64_t> factors = Balance(nnodes / fixed, free_slots);
  size_t next = 0;
  for (int i = 0; i < ndims; ++i) {
    if (dims[i] == 0) dims[i] = static_cast<int>(factors[next++]);
  }
  return OkStatus();
}

}  // namespace zmpi::topo
