// Builders of the reductions (builders.h). Buffers swap roles instead of being copied: when
// the new partial value lands in the receive buffer, that buffer becomes the accumulator and
// the old accumulator receives next. Rounds separate every send of a buffer from the next
// local step that writes it.
#include <utility>
#include <vector>

#include "mpi/coll/sched/builders.h"

namespace zmpi::coll::sched {
namespace {

// Ring reduce-scatter, then ring allgather, over `size` chunks of `data`: each rank sends and
// receives 2 (size-1)/size of the data instead of log2(size) times all of it. Each chunk is
// combined once, in ring order, and then copied: commutative operations only, bit-identical
// results on every rank.
void RingAllreduce(Schedule& s, int rank, int size, const Reducer& r, char* data, size_t count) {
  const size_t elem = r.elem_size();
  std::vector<size_t> off(size + 1);
  for (int i = 0; i <= size; ++i) off[i] = count * static_cast<size_t>(i) / size;
  auto len = [&](int c) { return off[c + 1] - off[c]; };
  char* tmp = s.Scratch((count / size + 1) * elem);  // the largest chunk
  const int right = (rank + 1) % size, left = (rank - 1 + size) % size;
  auto chunk = [&](int c) { return ((c % size) + size) % size; };
  for (int k = 0; k < size - 1; ++k) {
    const int out = chunk(rank - k), in = chunk(rank - k - 1);
    s.Send(right, data + off[out] * elem, len(out) * elem);
    s.Recv(left, tmp, len(in) * elem);
    s.Wait();
    s.Reduce(r, tmp, data + off[in] * elem, len(in));
  }
  for (int k = 0; k < size - 1; ++k) {
    const int out = chunk(rank + 1 - k), in = chunk(rank - k);
    s.Send(right, data + off[out] * elem, len(out) * elem);
    s.Recv(left, data + off[in] * elem, len(in) * elem);
    s.Wait();
  }
}

}  // namespace

void BuildAllreduce(Schedule& s, int rank, int size, const Reducer& r, void* data, size_t count) {
  if (size == 1) return;
  const size_t bytes = count * r.elem_size();
  if (r.commutative() && size > 2 && bytes >= kRingAllreduceMin &&
      count >= static_cast<size_t>(size)) {
    RingAllreduce(s, rank, size, r, static_cast<char*>(data), count);
    return;
  }
  char* acc = static_cast<char*>(data);
  char* tmp = s.Scratch(bytes);
  int pof2 = 1;
  while (pof2 * 2 <= size) pof2 *= 2;
  const int rem = size - pof2;
  // Fold: among the first 2*rem ranks, each even one hands its value to the odd one above.
  int newrank;
  if (rank < 2 * rem) {
    if (rank % 2 == 0) {
      s.Send(rank + 1, acc, bytes);
      s.Wait();
      newrank = -1;
    } else {
      s.Recv(rank - 1, tmp, bytes);
      s.Wait();
      s.Reduce(r, tmp, acc, count);
      newrank = rank / 2;
    }
  } else {
    newrank = rank - rem;
  }
  if (newrank >= 0) {
    for (int mask = 1; mask < pof2; mask <<= 1) {
      const int np = newrank ^ mask;
      const int peer = np < rem ? np * 2 + 1 : np + rem;
      s.Send(peer, acc, bytes);
      s.Recv(peer, tmp, bytes);
      s.Wait();
      if (peer < rank) {
        s.Reduce(r, tmp, acc, count);
      } else {
        s.Reduce(r, acc, tmp, count);
        std::swap(acc, tmp);
      }
    }
  }
  if (rank < 2 * rem) {
    if (rank % 2 == 1) {
      s.Send(rank - 1, acc, bytes);
    } else {
      s.Recv(rank + 1, data, bytes);
    }
    s.Wait();
  }
  if (newrank >= 0 && acc != data) s.Copy(acc, data, bytes);
}

void BuildReduce(Schedule& s, int rank, int size, const Reducer& r, void* data, size_t count,
                 int root) {
  if (size == 1) return;
  const size_t bytes = count * r.elem_size();
  // Tree root: `root` itself for commutative ops (ranks relative to it), else rank 0.
  const int top = r.commutative() ? root : 0;
  const int v = (rank - top + size) % size;
  char* acc = static_cast<char*>(data);
  char* tmp = s.Scratch(bytes);
  for (int mask = 1; mask < size; mask <<= 1) {
    if (v & mask) {
      s.Send((v - mask + top) % size, acc, bytes);
      s.Wait();
      break;
    }
    if (v + mask < size) {
      s.Recv((v + mask + top) % size, tmp, bytes);
      s.Wait();
      // The child's subtree holds the higher ranks (relative ranks are absolute when top is 0).
      s.Reduce(r, acc, tmp, count);
      std::swap(acc, tmp);
    }
  }
  if (rank == top && top != root) {
    s.Send(root, acc, bytes);
    s.Wait();
  } else if (rank == root && top != root) {
    s.Recv(top, data, bytes);
    s.Wait();
  } else if (rank == root && acc != data) {
    s.Copy(acc, data, bytes);
  }
}

void BuildScan(Schedule& s, int rank, int size, const Reducer& r, void* data, size_t count,
               bool exclusive) {
  if (size == 1) return;
  const size_t bytes = count * r.elem_size();
  char* result = static_cast<char*>(data);
  char* partial = s.Scratch(bytes);  // the combination of this rank's aligned block
  char* tmp = s.Scratch(bytes);
  s.Copy(data, partial, bytes);
  bool have_result = !exclusive;
  for (int mask = 1; mask < size; mask <<= 1) {
    const int peer = rank ^ mask;
    if (peer >= size) continue;
    s.Send(peer, partial, bytes);
    s.Recv(peer, tmp, bytes);
    s.Wait();
    if (peer < rank) {
      if (have_result) {
        s.Reduce(r, tmp, result, count);
      } else {
        s.Copy(tmp, result, bytes);
        have_result = true;
      }
      s.Reduce(r, tmp, partial, count);
    } else {
      s.Reduce(r, partial, tmp, count);
      std::swap(partial, tmp);
    }
  }
}

}  // namespace zmpi::coll::sched
