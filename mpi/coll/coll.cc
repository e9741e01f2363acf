// The entry points of coll.h: take one tag per call, pick an algorithm, run it over the
// communicator's collective context.
#include "mpi/coll/coll.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "mpi/coll/allgather.h"
#include "mpi/coll/allreduce.h"
#include "mpi/coll/alltoall.h"
#include "mpi/coll/barrier.h"
#include "mpi/coll/bcast.h"
#include "mpi/coll/core_links.h"
#include "mpi/coll/gather.h"
#include "mpi/coll/op_reducer.h"
#include "mpi/coll/reduce.h"
#include "mpi/coll/scatter.h"
#include "mpi/core/op.h"
#include "mpi/core/runtime.h"

namespace zmpi::coll {
namespace {

// Up to this many ranks, barriers, small broadcasts and small allreduces take two steps
// through one rank (central/linear) instead of log2 p rounds in which every rank waits on
// another: as fast with a core per rank, and with ranks sharing cores a waiting rank then
// depends on one other process being scheduled, not on a chain of them.
constexpr int kCentralMaxRanks = 4;
// Switch points between algorithms (bytes). Below them latency rules, above bandwidth.
constexpr size_t kBcastScatterBytes = 128 * 1024;  // and at least 3 ranks
// Broadcasts over shared memory go in pieces of the shm eager limit (one ring slot,
// transport/shm: ZMPI_SHM_SLOT_SIZE) where ranks share cores: larger messages would each wait
// for a rendezvous handshake, i.e. for the receiver to be scheduled. Up to half a ring (64
// slots) per broadcast; beyond that the root would stall on full rings and single-copy reads
// are as fast. With a core per rank the receivers answer at once, and up to kBcastReadMaxBytes
// one single-copy read of the root's buffer beats copying every piece into a ring and out
// again (2 ranks, 64 KiB: 5.4 -> 4.3 us). From ZMPI_SHM_ASSIST_MIN the waiting root copies
// half of each read (transport/shm/copy_assist.h), so the read wins at 512 KiB too: 2 ranks,
// 13 us against 32-48 in pieces (Open MPI 24-83), where one core reading alone lost to the
// pieces (34.5 against 32.2 us).
constexpr size_t kBcastChunkBytes = 16 * 1024;
constexpr size_t kBcastChunkedMaxBytes = 512 * 1024;  // and at most kCentralMaxRanks ranks
constexpr size_t kBcastReadMaxBytes = 512 * 1024;     // and a core per rank
constexpr size_t kAllreduceExchangeBytes = 2 * 1024;  // and 3..kCentralMaxRanks ranks
constexpr size_t kAllreduceCentralBytes = 8 * 1024;   // and 3..kCentralMaxRanks ranks
constexpr size_t kAllreduceHalvingBytes = 32 * 1024;  // and count >= ranks
constexpr int kDirectMaxRanks = 4;                    // direct allreduce of large vectors
constexpr int kReduceTreeMaxRanks = 4;                // reduce by binomial tree at any size
constexpr size_t kReduceHalvingBytes = 64 * 1024;     // and count >= ranks, more ranks than that
constexpr size_t kLinearBlockBytes = 64 * 1024;       // gather/scatter blocks
constexpr size_t kBruckTotalBytes = 64 * 1024;        // allgather result, non-power-of-two

bool IsPowerOfTwo(int n) { return (n & (n - 1)) == 0; }

// Whether every rank of `comm` runs on this host. There every byte moved costs CPU time of
// the same few cores (a copy, or a kernel copy over loopback), so moving fewer bytes in total
// beats spreading the root's sends over the network.
bool OnOneHost(const core::Comm& comm) {
  const std::vector<int>& local = core::Runtime::Get()->bootstrap().local_ranks();
  for (int w : comm.world_ranks()) {
    if (std::find(local.begin(), local.end(), w) == local.end()) return false;
  }
  return true;
}

// Whether every other member of `comm` is reached through the shm transport, whose ring slot
// the chunked broadcast is cut to fit. (Ranks on one host may also talk over libfabric, e.g.
// ZMPI_TRANSPORT=ofi: there 16 KiB pieces only multiply the per-message cost.)
bool OverSharedMemory(const core::Comm& comm) {
  const core::Engine& engine = core::Runtime::Get()->engine();
  const int me = comm.WorldRank(comm.rank());
  for (int w : comm.world_ranks()) {
    if (w != me && std::strcmp(engine.TransportOf(w), "shm") != 0) return false;
  }
  return true;
}

}  // namespace

Status Barrier(core::Comm& comm) {
  int tag = comm.NextCollTag();
  if (comm.size() == 1) return OkStatus();
  if (comm.size() == 2) {  // one message each way at once, without the algorithm layer
    int peer = 1 - comm.rank();
    return core::CollSendRecv(comm, peer, nullptr, 0, peer, nullptr, 0, tag);
  }
  CoreLinks links(comm);
  if (comm.size() <= kCentralMaxRanks) return CentralBarrier(links, tag);
  return DisseminationBarrier(links, tag);
}

Status Bcast(core::Comm& comm, void* buf, size_t bytes, int root) {
  int tag = comm.NextCollTag();
  if (comm.size() == 1 || bytes == 0) return OkStatus();
  CoreLinks links(comm);
  const int p = comm.size();
  if (p <= kCentralMaxRanks && bytes > kBcastChunkBytes && bytes <= kBcastChunkedMaxBytes &&
      (bytes > kBcastReadMaxBytes || core::Runtime::Get()->oversubscribed()) &&
      OverSharedMemory(comm)) {
    return ChunkedLinearBcast(links, buf, bytes, root, kBcastChunkBytes, tag);
  }
  if (p <= kCentralMaxRanks && (bytes < kBcastScatterBytes || OnOneHost(comm))) {
    return LinearBcast(links, buf, bytes, root, tag);
  }
  if (bytes >= kBcastScatterBytes && p >= 3) {
    return ScatterAllgatherBcast(links, buf, bytes, root, tag);
  }
  return BinomialBcast(links, buf, bytes, root, tag);
}

Status Reduce(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t count,
              const core::Datatype& type, MPI_Op op, int root) {
  ZMPI_RETURN_IF_ERROR(core::CheckOpType(op, type));
  return ReduceWith(comm, sendbuf, recvbuf, count, OpReducer(op, type), root);
}

Status ReduceWith(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t count,
                  const Reducer& reducer, int root) {
  int tag = comm.NextCollTag();
  if (count == 0) return OkStatus();
  CoreLinks links(comm);
  // On few ranks the tree wins at every size: the root receives whole vectors straight into
  // recvbuf and folds them (2 ranks: one message and one pass), where halving first copies
  // every rank's vector and then waits on log2 p rounds and a gather (docs/collectives.md).
  const int p = comm.size();
  if (p > kReduceTreeMaxRanks && count * reducer.elem_size() >= kReduceHalvingBytes &&
      count >= static_cast<size_t>(p)) {
    return RabenseifnerReduce(links, sendbuf, recvbuf, count, reducer, root, tag);
  }
  return BinomialReduce(links, sendbuf, recvbuf, count, reducer, root, tag);
}

Status Allreduce(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t count,
                 const core::Datatype& type, MPI_Op op) {
  ZMPI_RETURN_IF_ERROR(core::CheckOpType(op, type));
  return AllreduceWith(comm, sendbuf, recvbuf, count, OpReducer(op, type));
}

Status AllreduceWith(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t count,
                     const Reducer& reducer) {
  int tag = comm.NextCollTag();
  if (count == 0) return OkStatus();
  CoreLinks links(comm);
  const int p = comm.size();
  const size_t bytes = count * reducer.elem_size();
  if (bytes < kAllreduceHalvingBytes || count < static_cast<size_t>(p)) {
    // Two ranks: one exchange. Three or four: tiny vectors go to every rank at once (one
    // step, each rank waits only for the others' sends), small ones take two steps through
    // rank 0 instead of a fold (three ranks) or two rounds in which every rank waits on
    // another.
    if (p > 2 && p <= kCentralMaxRanks && bytes <= kAllreduceExchangeBytes) {
      return ExchangeAllreduce(links, sendbuf, recvbuf, count, reducer, tag);
    }
    if (p > 2 && p <= kCentralMaxRanks && bytes <= kAllreduceCentralBytes) {
      return CentralAllreduce(links, sendbuf, recvbuf, count, reducer, tag);
    }
    return RecursiveDoublingAllreduce(links, sendbuf, recvbuf, count, reducer, tag);
  }
  if (p <= kDirectMaxRanks) return DirectAllreduce(links, sendbuf, recvbuf, count, reducer, tag);
  return RabenseifnerAllreduce(links, sendbuf, recvbuf, count, reducer, tag);
}

Status Gather(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t block, int root) {
  int tag = comm.NextCollTag();
  if (block == 0) return OkStatus();
  CoreLinks links(comm);
  if (block >= kLinearBlockBytes) return LinearGather(links, sendbuf, recvbuf, block, root, tag);
  return BinomialGather(links, sendbuf, recvbuf, block, root, tag);
}

Status Scatter(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t block, int root) {
  int tag = comm.NextCollTag();
  if (block == 0) return OkStatus();
  CoreLinks links(comm);
  if (block >= kLinearBlockBytes) {
    return LinearScatter(links, sendbuf, recvbuf, block, root, tag);
  }
  return BinomialScatter(links, sendbuf, recvbuf, block, root, tag);
}

Status Allgather(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t block) {
  int tag = comm.NextCollTag();
  if (block == 0) return OkStatus();
  CoreLinks links(comm);
  if (IsPowerOfTwo(comm.size())) {
    return RecursiveDoublingAllgather(links, sendbuf, recvbuf, block, tag);
  }
  if (block * comm.size() <= kBruckTotalBytes) {
    return BruckAllgather(links, sendbuf, recvbuf, block, tag);
  }
  return RingAllgather(links, sendbuf, recvbuf, block, tag);
}

Status Alltoall(core::Comm& comm, const void* sendbuf, void* recvbuf, size_t block) {
  int tag = comm.NextCollTag();
  if (block == 0) return OkStatus();
  CoreLinks links(comm);
  return PairwiseAlltoall(links, sendbuf, recvbuf, block, tag);
}

}  // namespace zmpi::coll
