#include "mpi/coll/inter/inter_algos.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "mpi/coll/barrier.h"
#include "mpi/coll/bcast.h"
#include "mpi/coll/gatherv.h"
#include "mpi/coll/reduce.h"
#include "mpi/coll/scratch.h"

namespace zmpi::coll::inter {
namespace {

bool IsRoot(int root) { return root == MPI_ROOT; }
bool IsIdle(int root) { return root == MPI_PROC_NULL; }

// The reduction of this group's vectors at local rank 0 (`out`, which needs room there).
Status LocalReduce(Links& local, const void* sendbuf, void* out, size_t count,
                   const Reducer& reducer, int tag) {
  return BinomialReduce(local, sendbuf, out, count, reducer, 0, tag);
}

}  // namespace

Status Barrier(Links& local, Links& remote, int tag, int local_tag) {
  if (local.size() > 1) ZMPI_RETURN_IF_ERROR(DisseminationBarrier(local, local_tag));
  if (local.rank() == 0) {
    ZMPI_RETURN_IF_ERROR(remote.SendRecv(0, nullptr, 0, 0, nullptr, 0, tag));
  }
  if (local.size() == 1) return OkStatus();
  char token = 0;
  return BinomialBcast(local, &token, 1, 0, local_tag);
}

Status Bcast(Links& local, Links& remote, void* buf, size_t bytes, int root, int tag,
             int local_tag) {
  if (IsIdle(root) || bytes == 0) return OkStatus();
  if (IsRoot(root)) return remote.Send(0, tag, buf, bytes);
  if (local.rank() == 0) ZMPI_RETURN_IF_ERROR(remote.Recv(root, tag, buf, bytes));
  if (local.size() == 1) return OkStatus();
  return BinomialBcast(local, buf, bytes, 0, local_tag);
}

Status Gatherv(Links& remote, const void* sendbuf, size_t sendbytes, const VBlocks& recv, int root,
               int tag) {
  if (IsIdle(root)) return OkStatus();
  if (!IsRoot(root))
    return sendbytes == 0 ? OkStatus() : remote.Send(root, tag, sendbuf, sendbytes);
  for (int i = 0; i < remote.size(); ++i) {
    if (recv.bytes[i] > 0) ZMPI_RETURN_IF_ERROR(remote.Irecv(i, tag, recv.at(i), recv.bytes[i]));
  }
  return remote.WaitAll();
}

Status Scatterv(Links& remote, const VBlocks& send, void* recvbuf, size_t recvbytes, int root,
                int tag) {
  if (IsIdle(root)) return OkStatus();
  if (!IsRoot(root))
    return recvbytes == 0 ? OkStatus() : remote.Recv(root, tag, recvbuf, recvbytes);
  for (int i = 0; i < remote.size(); ++i) {
    if (send.bytes[i] > 0) ZMPI_RETURN_IF_ERROR(remote.Isend(i, tag, send.at(i), send.bytes[i]));
  }
  return remote.WaitAll();
}

Status Alltoallv(Links& remote, int local_size, const VBlocks& send, const VBlocks& recv, int tag) {
  const int r = remote.rank();
  const int n = remote.size();
  // Both groups run m = max(local, remote size) steps: in step i, rank r sends to (r + i) mod m
  // and receives from (r - i) mod m, skipping ranks the other group lacks. Rank d of the other
  // group receives from r in the very step r sends to d, since (d - i) mod m = r. Steps go in
  // windows of kWindow, all started at once and then waited for.
  constexpr int kWindow = 32;
  const int m = std::max(n, local_size);
  for (int first = 0; first < m; first += kWindow) {
    const int last = std::min(m, first + kWindow);
    for (int i = first; i < last; ++i) {
      int src = (r - i + m) % m;
      if (src < n && recv.bytes[src] > 0) {
        ZMPI_RETURN_IF_ERROR(remote.Irecv(src, tag, recv.at(src), recv.bytes[src]));
      }
    }
    for (int i = first; i < last; ++i) {
      int dst = (r + i) % m;
      if (dst < n && send.bytes[dst] > 0) {
        ZMPI_RETURN_IF_ERROR(remote.Isend(dst, tag, send.at(dst), send.bytes[dst]));
      }
    }
    ZMPI_RETURN_IF_ERROR(remote.WaitAll());
  }
  return OkStatus();
}

Status Reduce(Links& local, Links& remote, const void* sendbuf, void* recvbuf, size_t count,
              const Reducer& reducer, int root, int tag, int local_tag) {
  const size_t bytes = count * reducer.elem_size();
  if (IsIdle(root) || bytes == 0) return OkStatus();
  if (IsRoot(root)) return remote.Recv(0, tag, recvbuf, bytes);
  Scratch result(local.rank() == 0 ? bytes : 0);
  ZMPI_RETURN_IF_ERROR(LocalReduce(local, sendbuf, result.data(), count, reducer, local_tag));
  if (local.rank() == 0) return remote.Send(root, tag, result.data(), bytes);
  return OkStatus();
}

Status Allreduce(Links& local, Links& remote, const void* sendbuf, void* recvbuf, size_t count,
                 const Reducer& reducer, int tag, int local_tag) {
  const size_t bytes = count * reducer.elem_size();
  if (bytes == 0) return OkStatus();
  Scratch mine(local.rank() == 0 ? bytes : 0);
  ZMPI_RETURN_IF_ERROR(LocalReduce(local, sendbuf, mine.data(), count, reducer, local_tag));
  if (local.rank() == 0) {
    ZMPI_RETURN_IF_ERROR(remote.SendRecv(0, mine.data(), bytes, 0, recvbuf, bytes, tag));
  }
  if (local.size() == 1) return OkStatus();
  return BinomialBcast(local, recvbuf, bytes, 0, local_tag);
}

Status ReduceScatter(Links& local, Links& remote, const void* sendbuf, void* recvbuf,
                     const size_t* counts, const Reducer& reducer, int tag, int local_tag) {
  const int p = local.size();
  const size_t elem = reducer.elem_size();
  std::vector<size_t> bytes(p);
  std::vector<ptrdiff_t> offsets(p);
  size_t total = 0;
  for (int i = 0; i < p; ++i) {
    bytes[i] = counts[i] * elem;
    offsets[i] = static_cast<ptrdiff_t>(total);
    total += bytes[i];
  }
  if (total == 0) return OkStatus();
  const bool leader = local.rank() == 0;
  Scratch scratch(leader ? 2 * total : 0);
  char* mine = scratch.data();
  char* theirs = scratch.data() + (leader ? total : 0);
  ZMPI_RETURN_IF_ERROR(LocalReduce(local, sendbuf, mine, total / elem, reducer, local_tag));
  if (leader) ZMPI_RETURN_IF_ERROR(remote.SendRecv(0, mine, total, 0, theirs, total, tag));
  VBlocks blocks{theirs, bytes.data(), offsets.data()};
  return LinearScatterv(local, blocks, recvbuf, bytes[local.rank()], 0, local_tag);
}

}  // namespace zmpi::coll::inter
