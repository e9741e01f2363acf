// Builders of the collectives that move data without combining it (builders.h).
#include "mpi/coll/sched/builders.h"

namespace zmpi::coll::sched {

void BuildBarrier(Schedule& s, int rank, int size) {
  static const char kNothing = 0;
  for (int k = 1; k < size; k <<= 1) {
    s.Send((rank + k) % size, &kNothing, 0);
    s.Recv((rank - k + size) % size, nullptr, 0);
    s.Wait();
  }
}

namespace {

// Linear scatter of `size` slices from the root, then a ring allgather of the slices.
void ScatterRingBcast(Schedule& s, int rank, int size, char* data, size_t bytes, int root) {
  auto off = [&](int i) { return bytes * static_cast<size_t>(i) / size; };
  auto len = [&](int i) { return off(i + 1) - off(i); };
  if (rank == root) {
    for (int i = 0; i < size; ++i) {
      if (i != root) s.Send(i, data + off(i), len(i));
    }
  } else {
    s.Recv(root, data + off(rank), len(rank));
  }
  s.Wait();
  const int right = (rank + 1) % size, left = (rank - 1 + size) % size;
  for (int k = 0; k < size - 1; ++k) {
    const int out = (rank - k + size) % size, in = (rank - k - 1 + size) % size;
    // The root already has every slice: it only passes its ring neighbour's on.
    s.Send(right, data + off(out), right == root ? 0 : len(out));
    s.Recv(left, data + off(in), rank == root ? 0 : len(in));
    s.Wait();
  }
}

}  // namespace

void BuildBcast(Schedule& s, int rank, int size, Span buf, int root) {
  if (size > 2 && buf.plain() && buf.bytes() >= kScatterBcastMin) {
    ScatterRingBcast(s, rank, size, static_cast<char*>(buf.mut()), buf.bytes(), root);
    return;
  }
  const int v = (rank - root + size) % size;
  int mask = 1;
  while (mask < size) {
    if (v & mask) {
      s.Recv((v - mask + root) % size, buf);
      s.Wait();
      break;
    }
    mask <<= 1;
  }
  for (mask >>= 1; mask > 0; mask >>= 1) {
    if (v + mask < size) s.Send((v + mask + root) % size, buf);
  }
  s.Wait();
}

void BuildGatherv(Schedule& s, int rank, int size, Span own, const Span* blocks, int root,
                  bool in_place) {
  if (rank != root) {
    s.Send(root, own);
    s.Wait();
    return;
  }
  for (int i = 0; i < size; ++i) {
    if (i != root) s.Recv(i, blocks[i]);
  }
  if (!in_place) s.Copy(own, blocks[root]);
  s.Wait();
}

void BuildScatterv(Schedule& s, int rank, int size, const Span* blocks, Span own, int root,
                   bool in_place) {
  if (rank != root) {
    s.Recv(root, own);
    s.Wait();
    return;
  }
  for (int i = 0; i < size; ++i) {
    if (i != root) s.Send(i, blocks[i]);
  }
  if (!in_place) s.Copy(blocks[root], own);
  s.Wait();
}

void BuildAllgatherv(Schedule& s, int rank, int size, Span own, const Span* blocks, bool in_place) {
  // Receives first, then sends in rank order starting after this rank, so every rank's
  // first message goes to a different peer.
  for (int k = 1; k < size; ++k) s.Recv((rank - k + size) % size, blocks[(rank - k + size) % size]);
  const Span mine = in_place ? blocks[rank] : own;
  for (int k = 1; k < size; ++k) s.Send((rank + k) % size, mine);
  if (!in_place) s.Copy(own, blocks[rank]);
  s.Wait();
}

void BuildAlltoallw(Schedule& s, int rank, int size, const Span* sends, const Span* recvs) {
  for (int k = 1; k < size; ++k) s.Recv((rank - k + size) % size, recvs[(rank - k + size) % size]);
  for (int k = 1; k < size; ++k) s.Send((rank + k) % size, sends[(rank + k) % size]);
  s.Copy(sends[rank], recvs[rank]);
  s.Wait();
}

}  // namespace zmpi::coll::sched
