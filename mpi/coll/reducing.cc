#include "mpi/coll/reducing.h"

#include <cstring>

#include "mpi/coll/coll.h"
#include "mpi/coll/core_links.h"
#include "mpi/coll/gatherv.h"
#include "mpi/coll/inline_array.h"
#include "mpi/coll/reduce_scatter.h"
#include "mpi/coll/reduction.h"
#include "mpi/coll/scan.h"
#include "mpi/coll/scratch.h"
#include "mpi/core/user_op.h"

namespace zmpi::coll {
namespace {

// Reduce-scatter switches from reduce + scatter to the ring here (total vector bytes), or
// at any size on up to this many ranks.
constexpr size_t kRingReduceScatterBytes = 32 * 1024;
constexpr int kRingReduceScatterMaxRanks = 4;
// Scans up to this many ranks take the chain (no rank waits on a higher one), beyond it
// recursive doubling (log2 p steps).
constexpr int kChainScanMaxRanks = 4;

Status ScanAny(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
               const core::Datatype& type, MPI_Op op, bool exclusive) {
  Reduction red;
  ZMPI_RETURN_IF_ERROR(red.Init(op, type));
  const int tag = comm.NextCollTag();
  if (count == 0) return OkStatus();
  const bool in_place = sendbuf == kInPlace;
  Staged send(sendbuf, in_place ? 0 : count, type, red.staged());
  Staged recv(recvbuf, count, type, red.staged(), in_place);
  CoreLinks links(comm);
  const auto algorithm = comm.size() <= kChainScanMaxRanks ? ChainScan : RecursiveDoublingScan;
  ZMPI_RETURN_IF_ERROR(algorithm(links, in_place ? kInPlace : send.data(), recv.data(),
                                 red.Elements(count), red.reducer(), exclusive, tag));
  if (!(exclusive && comm.rank() == 0)) recv.Store();
  return OkStatus();
}

}  // namespace

Status ReduceAny(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
                 const core::Datatype& type, MPI_Op op, int root) {
  Reduction red;
  ZMPI_RETURN_IF_ERROR(red.Init(op, type));
  const bool at_root = comm.rank() == root;
  const bool in_place = sendbuf == kInPlace;
  Staged send(sendbuf, in_place ? 0 : count, type, red.staged());
  Staged recv(at_root ? recvbuf : nullptr, at_root ? count : 0, type, red.staged(),
              at_root && in_place);
  ZMPI_RETURN_IF_ERROR(ReduceWith(comm, in_place ? kInPlace : send.data(),
                                  at_root ? recv.data() : nullptr, red.Elements(count),
                                  red.reducer(), root));
  if (at_root) recv.Store();
  return OkStatus();
}

Status AllreduceAny(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
                    const core::Datatype& type, MPI_Op op) {
  Reduction red;
  ZMPI_RETURN_IF_ERROR(red.Init(op, type));
  const bool in_place = sendbuf == kInPlace;
  Staged send(sendbuf, in_place ? 0 : count, type, red.staged());
  Staged recv(recvbuf, count, type, red.staged(), in_place);
  ZMPI_RETURN_IF_ERROR(AllreduceWith(comm, in_place ? kInPlace : send.data(), recv.data(),
                                     red.Elements(count), red.reducer()));
  recv.Store();
  return OkStatus();
}

Status ReduceLocal(const void* in, void* inout, int64_t count, const core::Datatype& type,
                   MPI_Op op) {
  core::UserOp user;
  if (core::FindUserOp(op, &user)) {
    // The user's function works on the user's layout directly.
    if (count > 0) core::CallUserOp(user, in, inout, count, type.handle, type.extent);
    return OkStatus();
  }
  Reduction red;
  ZMPI_RETURN_IF_ERROR(red.Init(op, type));
  if (count == 0) return OkStatus();
  Staged a(in, count, type, red.staged());
  Staged b(inout, count, type, red.staged(), true);
  red.reducer().Apply(a.data(), b.data(), red.Elements(count));
  b.Store();
  return OkStatus();
}

Status ReduceScatter(core::Comm& comm, const void* sendbuf, void* recvbuf, CountsView recvcounts,
                     const core::Datatype& type, MPI_Op op) {
  Reduction red;
  ZMPI_RETURN_IF_ERROR(red.Init(op, type));
  const int p = comm.size();
  const int r = comm.rank();
  InlineArray<size_t> counts(p);  // in reducer elements
  int64_t total = 0;
  for (int i = 0; i < p; ++i) {
    counts[i] = red.Elements(recvcounts[i]);
    total += recvcounts[i];
  }
  const size_t elem = red.reducer().elem_size();
  const size_t total_bytes = red.Elements(total) * elem;
  const bool in_place = sendbuf == kInPlace;
  // The whole vector, packed; in place a copy, since the result overwrites its start.
  Staged vector(in_place ? recvbuf : sendbuf, total, type, red.staged() || in_place);
  Staged recv(recvbuf, recvcounts[r], type, red.staged(), false);
  if (red.reducer().commutative() &&
      (p <= kRingReduceScatterMaxRanks || total_bytes >= kRingReduceScatterBytes)) {
    const int tag = comm.NextCollTag();
    comm.NextCollTag();  // every call takes two tags, whichever algorithm it runs
    if (total_bytes > 0) {
      CoreLinks links(comm);
      ZMPI_RETURN_IF_ERROR(
          RingReduceScatter(links, vector.data(), recv.data(), counts.data(), red.reducer(), tag));
    }
  } else {
    Scratch result(r == 0 ? total_bytes : 0);
    ZMPI_RETURN_IF_ERROR(ReduceWith(comm, vector.data(), r == 0 ? result.data() : nullptr,
                                    red.Elements(total), red.reducer(), 0));
    const int tag = comm.NextCollTag();
    InlineArray<size_t> bytes(p);
    InlineArray<ptrdiff_t> offsets(p);
    ptrdiff_t at = 0;
    for (int i = 0; i < p; ++i) {
      bytes[i] = counts[i] * elem;
      offsets[i] = at;
      at += static_cast<ptrdiff_t>(bytes[i]);
    }
    if (total_bytes > 0) {
      CoreLinks links(comm);
      VBlocks blocks{result.data(), bytes.data(), offsets.data()};
      ZMPI_RETURN_IF_ERROR(LinearScatterv(links, blocks, recv.data(), bytes[r], 0, tag));
    }
  }
  recv.Store();
  return OkStatus();
}

Status Scan(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
            const core::Datatype& type, MPI_Op op) {
  return ScanAny(comm, sendbuf, recvbuf, count, type, op, false);
}

Status Exscan(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
              const core::Datatype& type, MPI_Op op) {
  return ScanAny(comm, sendbuf, recvbuf, count, type, op, true);
}

}  // namespace zmpi::coll
