#include "mpi/coll/reduce.h"

#include <cstring>

#include "mpi/coll/power_of_two_fold.h"
#include "mpi/coll/recursive_halving.h"
#include "mpi/coll/scratch.h"

namespace zmpi::coll {
namespace {

// The running partial result of one node of the tree, and the buffers it may write to.
// The partial starts as the caller's (read-only) contribution; the first fold moves it into a
// writable buffer: recvbuf at the root, else scratch allocated on first use.
class Partial {
 public:
  Partial(const void* mine, void* recvbuf, size_t bytes)
      : acc_(mine),
        writable_(mine == recvbuf && recvbuf != nullptr),
        recvbuf_(recvbuf),
        bytes_(bytes) {}

  const void* result() const { return acc_; }

  // A writable buffer that does not hold the partial result, for the next child's data.
  char* Spare() {
    char* recv = static_cast<char*>(recvbuf_);
    if (recv != nullptr && recv != acc_) return recv;
    if (scratch_.empty()) scratch_.Reserve((recv != nullptr ? 1 : 2) * bytes_);
    char* s0 = scratch_.data();
    if (s0 != acc_) return s0;
    return recv != nullptr ? recv : s0 + bytes_;
  }

  // partial = partial (op) incoming, where `incoming` came from Spare().
  void Fold(char* incoming, const Reducer& reducer, size_t count) {
    if (writable_ && reducer.commutative()) {
      reducer.Apply(incoming, const_cast<void*>(acc_), count);
      return;
    }
    reducer.Apply(acc_, incoming, count);
    acc_ = incoming;
    writable_ = true;
  }

 private:
  const void* acc_;
  bool writable_;
  void* recvbuf_;
  size_t bytes_;
  Scratch scratch_;
};

}  // namespace

Status BinomialReduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                      const Reducer& reducer, int root, int tag) {
  const int p = links.size();
  const int r = links.rank();
  const size_t bytes = count * reducer.elem_size();
  const void* mine = IsInPlace(sendbuf) ? recvbuf : sendbuf;
  if (p == 1) {
    if (mine != recvbuf && bytes > 0) std::memcpy(recvbuf, mine, bytes);
    return OkStatus();
  }
  // A rotated tree reorders operands, which only commutative ops allow.
  const int top = reducer.commutative() ? root : 0;
  const int vr = (r - top + p) % p;
  Partial partial(mine, r == root ? recvbuf : nullptr, bytes);
  for (int mask = 1; mask < p; mask <<= 1) {
    if (vr & mask) {
      ZMPI_RETURN_IF_ERROR(links.Send((r - mask + p) % p, tag, partial.result(), bytes));
      break;
    }
    if (vr + mask >= p) continue;
    char* incoming = partial.Spare();
    ZMPI_RETURN_IF_ERROR(links.Recv((r + mask) % p, tag, incoming, bytes));
    partial.Fold(incoming, reducer, count);
  }
  if (r == top) {
    if (top != root) return links.Send(root, tag, partial.result(), bytes);
    if (partial.result() != recvbuf && bytes > 0) {
      std::memcpy(recvbuf, partial.result(), bytes);
    }
  } else if (r == root) {
    return links.Recv(top, tag, recvbuf, bytes);
  }
  return OkStatus();
}

Status RabenseifnerReduce(Links& links, const void* sendbuf, void* recvbuf, size_t count,
                          const Reducer& reducer, int root, int tag) {
  const int p = links.size();
  const int r = links.rank();
  const size_t bytes = count * reducer.elem_size();
  if (p == 1 || bytes == 0)
    return BinomialReduce(links, sendbuf, recvbuf, count, reducer, root, tag);
  // Every rank works on a writable copy of its vector: recvbuf at the root, scratch elsewhere.
  Scratch scratch((r == root ? 1 : 2) * bytes);
  char* acc = r == root ? static_cast<char*>(recvbuf) : scratch.data() + bytes;
  char* tmp = scratch.data();
  if (!IsInPlace(sendbuf)) std::memcpy(acc, sendbuf, bytes);
  PowerOfTwoFold fold(p, r);
  ZMPI_RETURN_IF_ERROR(fold.In(links, acc, tmp, count, reducer, tag));
  // The root's stand-in collects the result; if the root sat the main phase out, the
  // stand-in (its odd neighbour) passes the result on.
  const int target = fold.StandIn(root);
  if (fold.new_rank() >= 0) {
    RecursiveHalving halving(fold, count, reducer.elem_size());
    ZMPI_RETURN_IF_ERROR(halving.ReduceScatter(links, acc, tmp, reducer, tag));
    ZMPI_RETURN_IF_ERROR(halving.Gather(links, acc, target, tag));
    if (fold.new_rank() == target && r != root) return links.Send(root, tag, acc, bytes);
  } else if (r == root) {
    return links.Recv(fold.RealRank(target), tag, recvbuf, bytes);
  }
  return OkStatus();
}

}  // namespace zmpi::coll
