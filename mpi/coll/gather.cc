#include "mpi/coll/gather.h"

#include <cstring>

#include "mpi/coll/binomial_tree.h"
#include "mpi/coll/scratch.h"

namespace zmpi::coll {
namespace {

// The root receives each child's run straight into recvbuf, except the one run that wraps
// past the last rank, which is staged and copied in two pieces.
Status GatherAtRoot(Links& links, const void* sendbuf, char* out, size_t block, int tag) {
  const int p = links.size();
  const int r = links.rank();
  BinomialTree tree(p, 0);
  if (!IsInPlace(sendbuf) && block > 0) std::memcpy(out + r * block, sendbuf, block);
  Scratch wrap;
  int wrap_first = 0;
  int wrap_len = 0;
  for (int c = 1; c < p; c <<= 1) {
    int first = (r + c) % p;
    int n = tree.ChildSubtree(c);
    char* dest = out + first * block;
    if (first + n > p) {
      wrap.Reserve(n * block);
      wrap_first = first;
      wrap_len = n;
      dest = wrap.data();
    }
    ZMPI_RETURN_IF_ERROR(links.Irecv(first, tag, dest, n * block));
  }
  ZMPI_RETURN_IF_ERROR(links.WaitAll());
  if (wrap_len > 0 && block > 0) {
    size_t head = static_cast<size_t>(p - wrap_first) * block;
    std::memcpy(out + wrap_first * block, wrap.data(), head);
    std::memcpy(out, wrap.data() + head, wrap_len * block - head);
  }
  return OkStatus();
}

}  // namespace

Status BinomialGather(Links& links, const void* sendbuf, void* recvbuf, size_t block, int root,
                      int tag) {
  const int p = links.size();
  const int r = links.rank();
  const int vr = (r - root + p) % p;
  if (vr == 0) return GatherAtRoot(links, sendbuf, static_cast<char*>(recvbuf), block, tag);
  BinomialTree tree(p, vr);
  const int parent = (r + tree.parent() - vr + p) % p;
  if (tree.subtree_size() == 1) return links.Send(parent, tag, sendbuf, block);
  const size_t staged = tree.subtree_size() * block;
  Scratch stage(staged);
  if (block > 0) std::memcpy(stage.data(), sendbuf, block);
  for (int c = 1; c < tree.child_limit() && vr + c < p; c <<= 1) {
    ZMPI_RETURN_IF_ERROR(
        links.Irecv((r + c) % p, tag, stage.data() + c * block, tree.ChildSubtree(c) * block));
  }
  ZMPI_RETURN_IF_ERROR(links.WaitAll());
  return links.Send(parent, tag, stage.data(), staged);
}

Status LinearGather(Links& links, const void* sendbuf, void* recvbuf, size_t block, int root,
                    int tag) {
  const int p = links.size();
  const int r = links.rank();
  if (r != root) return links.Send(root, tag, sendbuf, block);
  char* out = static_cast<char*>(recvbuf);
  if (!IsInPlace(sendbuf) && block > 0) std::memcpy(out + r * block, sendbuf, block);
  for (int i = 0; i < p; ++i) {
    if (i != root) ZMPI_RETURN_IF_ERROR(links.Irecv(i, tag, out + i * block, block));
  }
  return links.WaitAll();
}

}  // namespace zmpi::coll
