#include "mpi/coll/vcoll.h"

#include "mpi/coll/allgatherv.h"
#include "mpi/coll/alltoallv.h"
#include "mpi/coll/coll.h"
#include "mpi/coll/core_links.h"
#include "mpi/coll/gatherv.h"
#include "mpi/coll/reduction.h"
#include "mpi/coll/typed.h"
#include "mpi/coll/vside.h"

namespace zmpi::coll {
namespace {

constexpr int kDirectAllgathervMaxRanks = 4;
constexpr size_t kBruckAllgathervBytes = 64 * 1024;  // the whole result
// Alltoallv/w: peers with transfers in flight at once (receives and sends).
constexpr int kAlltoallvWindow = 32;

}  // namespace

Status Gatherv(core::Comm& comm, const void* sendbuf, int64_t sendcount,
               const core::Datatype* sendtype, void* recvbuf, CountsView recvcounts,
               CountsView displs, const core::Datatype* recvtype, int root) {
  const int tag = comm.NextCollTag();
  const bool in_place = sendbuf == kInPlace;
  const bool at_root = comm.rank() == root;
  const int64_t n = in_place ? 0 : sendcount;
  const core::Datatype& st = in_place ? *recvtype : *sendtype;
  Staged send(sendbuf, n, st, !PlainType(&st));
  const size_t send_bytes = static_cast<size_t>(n) * st.size;
  CoreLinks links(comm);
  if (!at_root) return LinearGatherv(links, send.data(), send_bytes, VBlocks{}, root, tag);
  VSide recv;
  recv.Init(recvbuf, recvcounts, displs, *recvtype, comm.size(), in_place);
  ZMPI_RETURN_IF_ERROR(LinearGatherv(links, in_place ? kInPlace : send.data(), send_bytes,
                                     recv.blocks(), root, tag));
  recv.Store();
  return OkStatus();
}

Status Scatterv(core::Comm& comm, const void* sendbuf, CountsView sendcounts, CountsView displs,
                const core::Datatype* sendtype, void* recvbuf, int64_t recvcount,
                const core::Datatype* recvtype, int root) {
  const int tag = comm.NextCollTag();
  const bool in_place = recvbuf == kInPlace;
  const bool at_root = comm.rank() == root;
  CoreLinks links(comm);
  if (!at_root) {
    Staged recv(recvbuf, recvcount, *recvtype, !PlainType(recvtype), false);
    ZMPI_RETURN_IF_ERROR(LinearScatterv(
        links, VBlocks{}, recv.data(), static_cast<size_t>(recvcount) * recvtype->size, root, tag));
    recv.Store();
    return OkStatus();
  }
  VSide send;
  send.Init(const_cast<void*>(sendbuf), sendcounts, displs, *sendtype, comm.size(), true);
  if (in_place) return LinearScatterv(links, send.blocks(), recvbuf, 0, root, tag);
  Staged recv(recvbuf, recvcount, *recvtype, !PlainType(recvtype), false);
  ZMPI_RETURN_IF_ERROR(LinearScatterv(links, send.blocks(), recv.data(),
                                      static_cast<size_t>(recvcount) * recvtype->size, root, tag));
  recv.Store();
  return OkStatus();
}

Status Allgatherv(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                  const core::Datatype* sendtype, void* recvbuf, CountsView recvcounts,
                  CountsView displs, const core::Datatype& recvtype) {
  const int tag = comm.NextCollTag();
  const bool in_place = sendbuf == kInPlace;
  const int p = comm.size();
  Staged send(sendbuf, in_place ? 0 : sendcount, in_place ? recvtype : *sendtype,
              !in_place && !PlainType(sendtype));
  VSide recv;
  recv.Init(recvbuf, recvcounts, displs, recvtype, p, in_place);
  size_t total = 0;
  for (int i = 0; i < p; ++i) total += recv.bytes()[i];
  if (total > 0) {
    CoreLinks links(comm);
    const void* mine = in_place ? kInPlace : send.data();
    if (p <= kDirectAllgathervMaxRanks) {
      ZMPI_RETURN_IF_ERROR(DirectAllgatherv(links, mine, recv.blocks(), tag));
    } else if (total <= kBruckAllgathervBytes) {
      ZMPI_RETURN_IF_ERROR(BruckAllgatherv(links, mine, recv.blocks(), tag));
    } else {
      ZMPI_RETURN_IF_ERROR(RingAllgatherv(links, mine, recv.blocks(), tag));
    }
  }
  recv.Store();
  return OkStatus();
}

Status Alltoallv(core::Comm& comm, const void* sendbuf, CountsView sendcounts, CountsView sdispls,
                 const core::Datatype* sendtype, void* recvbuf, CountsView recvcounts,
                 CountsView rdispls, const core::Datatype& recvtype) {
  const int tag = comm.NextCollTag();
  const bool in_place = sendbuf == kInPlace;
  const int p = comm.size();
  VSide send;
  if (!in_place) send.Init(const_cast<void*>(sendbuf), sendcounts, sdispls, *sendtype, p, true);
  VSide recv;
  recv.Init(recvbuf, recvcounts, rdispls, recvtype, p, in_place);
  VBlocks send_blocks =
      in_place ? VBlocks{static_cast<char*>(const_cast<void*>(kInPlace))} : send.blocks();
  CoreLinks links(comm);
  ZMPI_RETURN_IF_ERROR(
      ScatteredAlltoallv(links, send_blocks, recv.blocks(), kAlltoallvWindow, tag));
  recv.Store();
  return OkStatus();
}

Status Alltoallw(core::Comm& comm, const void* sendbuf, CountsView sendcounts, CountsView sdispls,
                 const MPI_Datatype* sendtypes, void* recvbuf, CountsView recvcounts,
                 CountsView rdispls, const MPI_Datatype* recvtypes) {
  const int tag = comm.NextCollTag();
  const bool in_place = sendbuf == kInPlace;
  const int p = comm.size();
  VSide send;
  if (!in_place) send.InitW(const_cast<void*>(sendbuf), sendcounts, sdispls, sendtypes, p, true);
  VSide recv;
  recv.InitW(recvbuf, recvcounts, rdispls, recvtypes, p, in_place);
  VBlocks send_blocks =
      in_place ? VBlocks{static_cast<char*>(const_cast<void*>(kInPlace))} : send.blocks();
  CoreLinks links(comm);
  ZMPI_RETURN_IF_ERROR(
      ScatteredAlltoallv(links, send_blocks, recv.blocks(), kAlltoallvWindow, tag));
  recv.Store();
  return OkStatus();
}

}  // namespace zmpi::coll
