#include "mpi/coll/inter/inter_coll.h"

#include <vector>

#include "mpi/coll/core_links.h"
#include "mpi/coll/inter/inter_algos.h"
#include "mpi/coll/reduction.h"
#include "mpi/coll/typed.h"
#include "mpi/coll/vside.h"

namespace zmpi::coll::inter {
namespace {

// The two Links of an intercommunicator collective and its tag. Every call takes one tag of
// the intercommunicator and one of its local communicator, at every rank of both groups
// (MPI_PROC_NULL ranks too), so later calls stay matched.
struct InterLinks {
  explicit InterLinks(core::Comm& comm)
      : tag(comm.NextCollTag()),
        local_tag(comm.local_comm()->NextCollTag()),
        remote(comm),
        local(*comm.local_comm()) {}
  int tag;
  int local_tag;
  CoreLinks remote;
  CoreLinks local;
};

}  // namespace

Status InterBarrier(core::Comm& comm) {
  InterLinks l(comm);
  return Barrier(l.local, l.remote, l.tag, l.local_tag);
}

Status InterBcast(core::Comm& comm, void* buf, int64_t count, const core::Datatype* type,
                  int root) {
  InterLinks l(comm);
  if (root == MPI_PROC_NULL || count == 0) return OkStatus();
  const bool plain = PlainType(type);
  Staged data(buf, count, *type, !plain, root == MPI_ROOT);
  ZMPI_RETURN_IF_ERROR(Bcast(l.local, l.remote, data.data(),
                             static_cast<size_t>(count) * type->size, root, l.tag, l.local_tag));
  if (root != MPI_ROOT) data.Store();
  return OkStatus();
}

Status InterGatherv(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                    const core::Datatype* sendtype, void* recvbuf, CountsView recvcounts,
                    CountsView displs, const core::Datatype* recvtype, int root) {
  InterLinks l(comm);
  if (root == MPI_PROC_NULL) return OkStatus();
  if (root != MPI_ROOT) {
    Staged send(sendbuf, sendcount, *sendtype, !PlainType(sendtype));
    return Gatherv(l.remote, send.data(), static_cast<size_t>(sendcount) * sendtype->size,
                   VBlocks{}, root, l.tag);
  }
  VSide recv;
  recv.Init(recvbuf, recvcounts, displs, *recvtype, comm.size(), false);
  ZMPI_RETURN_IF_ERROR(Gatherv(l.remote, nullptr, 0, recv.blocks(), root, l.tag));
  recv.Store();
  return OkStatus();
}

Status InterScatterv(core::Comm& comm, const void* sendbuf, CountsView sendcounts,
                     CountsView displs, const core::Datatype* sendtype, void* recvbuf,
                     int64_t recvcount, const core::Datatype* recvtype, int root) {
  InterLinks l(comm);
  if (root == MPI_PROC_NULL) return OkStatus();
  if (root != MPI_ROOT) {
    Staged recv(recvbuf, recvcount, *recvtype, !PlainType(recvtype), false);
    ZMPI_RETURN_IF_ERROR(Scatterv(l.remote, VBlocks{}, recv.data(),
                                  static_cast<size_t>(recvcount) * recvtype->size, root, l.tag));
    recv.Store();
    return OkStatus();
  }
  VSide send;
  send.Init(const_cast<void*>(sendbuf), sendcounts, displs, *sendtype, comm.size(), true);
  return Scatterv(l.remote, send.blocks(), nullptr, 0, root, l.tag);
}

Status InterAllgatherv(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                       const core::Datatype& sendtype, void* recvbuf, CountsView recvcounts,
                       CountsView displs, const core::Datatype& recvtype) {
  InterLinks l(comm);
  const int n = comm.size();
  // One packed copy of this rank's block, sent to every remote rank.
  Staged mine(sendbuf, sendcount, sendtype, !PlainType(&sendtype));
  std::vector<size_t> send_bytes(n, static_cast<size_t>(sendcount) * sendtype.size);
  std::vector<ptrdiff_t> send_offsets(n, 0);
  VBlocks send{mine.data(), send_bytes.data(), send_offsets.data()};
  VSide recv;
  recv.Init(recvbuf, recvcounts, displs, recvtype, n, false);
  ZMPI_RETURN_IF_ERROR(Alltoallv(l.remote, comm.local_size(), send, recv.blocks(), l.tag));
  recv.Store();
  return OkStatus();
}

Status InterAlltoallv(core::Comm& comm, const void* sendbuf, CountsView sendcounts,
                      CountsView sdispls, const core::Datatype& sendtype, void* recvbuf,
                      CountsView recvcounts, CountsView rdispls, const core::Datatype& recvtype) {
  InterLinks l(comm);
  const int n = comm.size();
  VSide send, recv;
  send.Init(const_cast<void*>(sendbuf), sendcounts, sdispls, sendtype, n, true);
  recv.Init(recvbuf, recvcounts, rdispls, recvtype, n, false);
  ZMPI_RETURN_IF_ERROR(Alltoallv(l.remote, comm.local_size(), send.blocks(), recv.blocks(), l.tag));
  recv.Store();
  return OkStatus();
}

Status InterAlltoallw(core::Comm& comm, const void* sendbuf, CountsView sendcounts,
                      CountsView sdispls, const MPI_Datatype* sendtypes, void* recvbuf,
                      CountsView recvcounts, CountsView rdispls, const MPI_Datatype* recvtypes) {
  InterLinks l(comm);
  const int n = comm.size();
  VSide send, recv;
  send.InitW(const_cast<void*>(sendbuf), sendcounts, sdispls, sendtypes, n, true);
  recv.InitW(recvbuf, recvcounts, rdispls, recvtypes, n, false);
  ZMPI_RETURN_IF_ERROR(Alltoallv(l.remote, comm.local_size(), send.blocks(), recv.blocks(), l.tag));
  recv.Store();
  return OkStatus();
}

Status InterReduce(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
                   const core::Datatype& type, MPI_Op op, int root) {
  InterLinks l(comm);
  if (root == MPI_PROC_NULL || count == 0) return OkStatus();
  Reduction red;
  ZMPI_RETURN_IF_ERROR(red.Init(op, type));
  const bool at_root = root == MPI_ROOT;
  Staged send(at_root ? nullptr : sendbuf, at_root ? 0 : count, type, red.staged());
  Staged recv(at_root ? recvbuf : nullptr, at_root ? count : 0, type, red.staged(), false);
  ZMPI_RETURN_IF_ERROR(Reduce(l.local, l.remote, send.data(), recv.data(), red.Elements(count),
                              red.reducer(), root, l.tag, l.local_tag));
  if (at_root) recv.Store();
  return OkStatus();
}

Status InterAllreduce(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
                      const core::Datatype& type, MPI_Op op) {
  Reduction red;
  ZMPI_RETURN_IF_ERROR(red.Init(op, type));
  InterLinks l(comm);
  if (count == 0) return OkStatus();
  Staged send(sendbuf, count, type, red.staged());
  Staged recv(recvbuf, count, type, red.staged(), false);
  ZMPI_RETURN_IF_ERROR(Allreduce(l.local, l.remote, send.data(), recv.data(), red.Elements(count),
                                 red.reducer(), l.tag, l.local_tag));
  recv.Store();
  return OkStatus();
}

Status InterReduceScatter(core::Comm& comm, const void* sendbuf, void* recvbuf,
                          CountsView recvcounts, const core::Datatype& type, MPI_Op op) {
  Reduction red;
  ZMPI_RETURN_IF_ERROR(red.Init(op, type));
  InterLinks l(comm);
  const int p = comm.local_size();
  std::vector<size_t> counts(p);
  int64_t total = 0;
  for (int i = 0; i < p; ++i) {
    counts[i] = red.Elements(recvcounts[i]);
    total += recvcounts[i];
  }
  Staged send(sendbuf, total, type, red.staged());
  Staged recv(recvbuf, recvcounts[comm.rank()], type, red.staged(), false);
  ZMPI_RETURN_IF_ERROR(ReduceScatter(l.local, l.remote, send.data(), recv.data(), counts.data(),
                                     red.reducer(), l.tag, l.local_tag));
  recv.Store();
  return OkStatus();
}

}  // namespace zmpi::coll::inter
