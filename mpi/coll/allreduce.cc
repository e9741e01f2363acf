#include "mpi/coll/allreduce.h"

#include <cstring>
#include <utility>

#include "mpi/coll/scratch.h"

namespace zmpi::coll {
namespace {

// The power-of-two fold shared by both algorithms.
class Fold {
 public:
  explicit Fold(int p, int r) : r_(r) {
    pof2_ = 1;
    while (pof2_ * 2 <= p) pof2_ *= 2;
    rem_ = p - pof2_;
    if (r < 2 * rem_) {
      new_rank_ = (r % 2 == 0) ? -1 : r / 2;
    } else {
      new_rank_ = r - rem_;
    }
  }
  int pof2() const { return pof2_; }
  // Rank in the power-of-two group, or -1 for ranks that sit the main phase out.
  int new_rank() const { return new_rank_; }
  int RealRank(int new_rank) const { return new_rank < rem_ ? new_rank * 2 + 1 : new_rank + rem_; }

  // Before the main phase: even ranks below 2*rem send, odd ones fold it in (on the left).
  Status In(Links& links, char* acc, char* tmp, size_t count, const Reducer& reducer,
            int tag) const {
    if (r_ >= 2 * rem_) return OkStatus();
    size_t bytes = count * reducer.elem_size();
    if (new_rank_ < 0) return links.Send(r_ + 1, tag, acc, bytes);
    ZMPI_RETURN_IF_ERROR(links.Recv(r_ - 1, tag, tmp, bytes));
    reducer.Apply(tmp, acc, count);
    return OkStatus();
  }
  // After it: odd ranks below 2*rem hand the result back.
  Status Out(Links& links, const char* acc, char* recvbuf, size_t bytes, int tag) const {
    if (r_ >= 2 * rem_) return OkStatus();
    if (new_rank_ < 0) return links.Recv(r_ + 1, tag, recvbuf, bytes);
    return links.Send(r_ - 1, tag, acc, bytes);
  }

 private:
  int r_;
  int pof2_;
  int rem_;
  int new_rank_;
};

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

// First element of block b when `count` elements are cut into `blocks` near-equal blocks.
size_t BlockStart(size_t count, int blocks, int b) {
  size_t n = static_cast<size_t>(blocks);
  size_t bb = static_cast<size_t>(b);
  return bb * (count / n) + bb * (count % n) / n;
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
  Fold fold(p, r);
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
  const size_t elem = reducer.elem_size();
  const size_t bytes = count * elem;
  if (!IsInPlace(sendbuf) && bytes > 0) std::memcpy(recvbuf, sendbuf, bytes);
  if (p == 1 || bytes == 0) return OkStatus();
  Scratch scratch(bytes);
  char* acc = static_cast<char*>(recvbuf);
  char* tmp = scratch.data();
  Fold fold(p, r);
  ZMPI_RETURN_IF_ERROR(fold.In(links, acc, tmp, count, reducer, tag));
  const int me = fold.new_rank();
  if (me >= 0) {
    const int pof2 = fold.pof2();
    auto start = [&](int b) { return BlockStart(count, pof2, b); };
    // Reduce-scatter by recursive halving: in the step of bit `mask` a rank keeps the half
    // of its block range chosen by that bit. lo/hi remember each step's range for the
    // allgather, which undoes the steps in reverse.
    int lo[32];
    int hi[32];
    int steps = 0;
    int blo = 0;
    int bhi = pof2;
    for (int mask = 1; mask < pof2; mask <<= 1, ++steps) {
      int peer = fold.RealRank(me ^ mask);
      int mid = blo + (bhi - blo) / 2;
      bool upper = (me & mask) != 0;
      int keep_lo = upper ? mid : blo;
      int keep_hi = upper ? bhi : mid;
      int give_lo = upper ? blo : mid;
      int give_hi = upper ? mid : bhi;
      lo[steps] = blo;
      hi[steps] = bhi;
      size_t k0 = start(keep_lo);
      size_t kn = start(keep_hi) - k0;
      size_t g0 = start(give_lo);
      size_t gn = start(give_hi) - g0;
      ZMPI_RETURN_IF_ERROR(
          links.SendRecv(peer, acc + g0 * elem, gn * elem, peer, tmp + k0 * elem, kn * elem, tag));
      if (peer < r || reducer.commutative()) {
        reducer.Apply(tmp + k0 * elem, acc + k0 * elem, kn);
      } else {
        reducer.Apply(acc + k0 * elem, tmp + k0 * elem, kn);
        if (kn > 0) std::memcpy(acc + k0 * elem, tmp + k0 * elem, kn * elem);
      }
      blo = keep_lo;
      bhi = keep_hi;
    }
    // Allgather by recursive doubling: the peer of each step holds the other half.
    for (int s = steps - 1; s >= 0; --s) {
      int peer = fold.RealRank(me ^ (1 << s));
      int other_lo = (blo == lo[s]) ? bhi : lo[s];
      int other_hi = (blo == lo[s]) ? hi[s] : blo;
      size_t m0 = start(blo);
      size_t mn = start(bhi) - m0;
      size_t o0 = start(other_lo);
      size_t on = start(other_hi) - o0;
      ZMPI_RETURN_IF_ERROR(
          links.SendRecv(peer, acc + m0 * elem, mn * elem, peer, acc + o0 * elem, on * elem, tag));
      blo = lo[s];
      bhi = hi[s];
    }
  }
  return fold.Out(links, acc, static_cast<char*>(recvbuf), bytes, tag);
}

}  // namespace zmpi::coll
