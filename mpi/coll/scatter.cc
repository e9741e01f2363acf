#include "mpi/coll/scatter.h"

#include <cstring>

#include "mpi/coll/binomial_tree.h"
#include "mpi/coll/scratch.h"

namespace zmpi::coll {
namespace {

// The root sends each child's run straight from sendbuf, except the one run that wraps past
// the last rank, which is packed first. Larger subtrees go first: they have further to go.
Status ScatterFromRoot(Links& links, const char* in, void* recvbuf, size_t block, int tag) {
  const int p = links.size();
  const int r = links.rank();
  BinomialTree tree(p, 0);
  int top = 1;
  while (top * 2 < p) top <<= 1;
  Scratch wrap;
  for (int c = top; c >= 1; c >>= 1) {
    int first = (r + c) % p;
    int n = tree.ChildSubtree(c);
    const char* src = in + first * block;
    if (first + n > p) {
      wrap.Reserve(n * block);
      size_t head = static_cast<size_t>(p - first) * block;
      if (block > 0) {
        std::memcpy(wrap.data(), src, head);
        std::memcpy(wrap.data() + head, in, n * block - head);
      }
      src = wrap.data();
    }
    ZMPI_RETURN_IF_ERROR(links.Isend(first, tag, src, n * block));
  }
  if (!IsInPlace(recvbuf) && block > 0) std::memcpy(recvbuf, in + r * block, block);
  return links.WaitAll();
}

}  // namespace

Status BinomialScatter(Links& links, const void* sendbuf, void* recvbuf, size_t block, int root,
                       int tag) {
  const int p = links.size();
  const int r = links.rank();
  const int vr = (r - root + p) % p;
  if (vr == 0) {
    if (p == 1) {
      if (!IsInPlace(recvbuf) && block > 0) std::memcpy(recvbuf, sendbuf, block);
      return OkStatus();
    }
    return ScatterFromRoot(links, static_cast<const char*>(sendbuf), recvbuf, block, tag);
  }
  BinomialTree tree(p, vr);
  const int parent = (r + tree.parent() - vr + p) % p;
  if (tree.subtree_size() == 1) return links.Recv(parent, tag, recvbuf, block);
  const size_t staged = tree.subtree_size() * block;
  Scratch stage(staged);
  ZMPI_RETURN_IF_ERROR(links.Recv(parent, tag, stage.data(), staged));
  int c = 1;
  while (c * 2 < tree.child_limit() && vr + c * 2 < p) c <<= 1;
  for (; c >= 1; c >>= 1) {
    if (vr + c >= p) continue;
    ZMPI_RETURN_IF_ERROR(
        links.Isend((r + c) % p, tag, stage.data() + c * block, tree.ChildSubtree(c) * block));
  }
  if (block > 0) std::memcpy(recvbuf, stage.data(), block);
  return links.WaitAll();
}

Status LinearScatter(Links& links, const void* sendbuf, void* recvbuf, size_t block, int root,
                     int tag) {
  const int p = links.size();
  const int r = links.rank();
  if (r != root) return links.Recv(root, tag, recvbuf, block);
  const char* in = static_cast<const char*>(sendbuf);
  for (int i = 0; i < p; ++i) {
    if (i != root) ZMPI_RETURN_IF_ERROR(links.Isend(i, tag, in + i * block, block));
  }
  if (!IsInPlace(recvbuf) && block > 0) std::memcpy(recvbuf, in + r * block, block);
  return links.WaitAll();
}

}  // namespace zmpi::coll
