// The neighborhood collective entry points (MPI_Neighbor_*, MPI_Ineighbor_*,
// MPI_Neighbor_*_init), once each as templates over the count type (int, or MPI_Count for the
// _c forms) and the displacement type (int, or MPI_Aint): argument checks in the standard's
// order, then one call into mpi/coll/sched/neighbor.h. neighbor.cc instantiates them.
//
// Checks: the communicator (MPI_ERR_COMM), its topology (MPI_ERR_TOPOLOGY when it has none,
// e.g. an intercommunicator), then each side's buffer, counts, displacements and types, the
// counts and displacements arrays being as long as the in- (receive) or out-degree (send).
// MPI_IN_PLACE is not an option of the neighborhood collectives: MPI_ERR_BUFFER on either
// buffer. The I- and _init forms check their request (and info) last.
#ifndef ZMPI_MPI_ABI_NEIGHBOR_IMPL_H_
#define ZMPI_MPI_ABI_NEIGHBOR_IMPL_H_

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "mpi/abi/coll_args.h"
#include "mpi/abi/coll_nb_impl.h"
#include "mpi/abi/entry.h"
#include "mpi/coll/sched/neighbor.h"
#include "mpi/core/p2p.h"
#include "mpi/core/request.h"
#include "mpi/topo/neighbors.h"

namespace zmpi::abi::neighbor {

using core::Comm;
using core::Datatype;
using I64 = std::vector<int64_t>;
using Types = std::vector<const Datatype*>;

// Blocking (MPI_Neighbor_*), non-blocking (MPI_Ineighbor_*) or persistent (*_init).
enum class Form { kBlocking, kNonblocking, kPersistent };

// How an alltoall-like call lays out its blocks: alltoall (one count and type, blocks back to
// back), alltoallv (counts, displacements in extents of one type), alltoallw (counts, byte
// displacements, a type per block).
enum class Shape { kUniform, kVector, kPerBlock };

inline Status CheckNotInPlace(const void* buf, const char* which) {
  if (buf != MPI_IN_PLACE) return OkStatus();
  return Error(Code::kBuffer, "MPI_IN_PLACE is not allowed as the %s of a neighborhood collective",
               which);
}

inline Status CheckTail(Form form, MPI_Info info, MPI_Request* request) {
  if (form == Form::kBlocking) return OkStatus();
  return nbc::CheckTail(form == Form::kPersistent, info, request);
}

// Hands out the request (I- and _init forms) or waits for it (blocking forms).
inline int Finish(Comm* c, const char* fn, Form form, StatusOr<core::Request*> r,
                  MPI_Request* request) {
  if (!r.ok()) return Report(c, fn, r.status());
  if (form == Form::kBlocking) return Report(c, fn, core::Wait(*r, nullptr));
  *request = core::RequestPool::ToHandle(*r);
  return MPI_SUCCESS;
}

// One side of an alltoall-like call over `n` neighbors (`types[0]` is the one type of the
// uniform and v-forms). Fills counts, byte displacements and a type per block.
template <typename Count, typename Displ>
Status CheckSide(Shape shape, const void* buf, const char* which, Count count, const Count* counts,
                 const Displ* displs, const MPI_Datatype* types, int n, I64* co, I64* di,
                 Types* ty) {
  ZMPI_RETURN_IF_ERROR(CheckNotInPlace(buf, which));
  if (shape == Shape::kPerBlock) {
    ZMPI_RETURN_IF_ERROR(CheckWBlocks(buf, counts, displs, types, n));
    co->assign(counts, counts + n);
    di->assign(displs, displs + n);
    ty->resize(n);
    for (int i = 0; i < n; ++i) ZMPI_RETURN_IF_ERROR(CheckType(types[i], &(*ty)[i]));
    return OkStatus();
  }
  const Datatype* t = nullptr;
  if (shape == Shape::kUniform) {
    ZMPI_RETURN_IF_ERROR(nbc::CheckData(buf, count, types[0], &t));
    nbc::Uniform(count, n, co, di);
  } else {
    ZMPI_RETURN_IF_ERROR(nbc::CheckV(buf, counts, displs, n, types[0], &t, co, di));
  }
  ty->assign(n, t);
  for (int64_t& d : *di) d *= static_cast<int64_t>(t->extent);
  return OkStatus();
}

#define ZMPI_NEIGHBOR_CHECK(expr) ZMPI_CHECK_ARG(c, fn, (expr))

// Neighbor_allgather (uniform `recvcount`) and Neighbor_allgatherv (`vform`: `recvcounts`
// and `displs` in extents of recvtype, one per in-neighbor).
template <typename Count, typename Displ>
int Allgatherv(const char* fn, Form form, bool vform, const void* sendbuf, Count sendcount,
               MPI_Datatype sendtype, void* recvbuf, Count recvcount, const Count* recvcounts,
               const Displ* displs, MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
               MPI_Request* request) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, CheckComm(comm, &c));
  StatusOr<topo::NeighborList> nbrs = topo::NeighborsOf(c->topology(), c->rank());
  ZMPI_NEIGHBOR_CHECK(nbrs.status());
  const Datatype *st = nullptr, *rt = nullptr;
  I64 counts, offsets;
  ZMPI_NEIGHBOR_CHECK(CheckNotInPlace(sendbuf, "send buffer"));
  ZMPI_NEIGHBOR_CHECK(nbc::CheckData(sendbuf, sendcount, sendtype, &st));
  ZMPI_NEIGHBOR_CHECK(CheckNotInPlace(recvbuf, "receive buffer"));
  const int in = nbrs->indegree();
  if (!vform) {
    ZMPI_NEIGHBOR_CHECK(nbc::CheckData(recvbuf, recvcount, recvtype, &rt));
    nbc::Uniform(recvcount, in, &counts, &offsets);
  } else {
    ZMPI_NEIGHBOR_CHECK(
        nbc::CheckV(recvbuf, recvcounts, displs, in, recvtype, &rt, &counts, &offsets));
  }
  ZMPI_NEIGHBOR_CHECK(CheckTail(form, info, request));
  return Finish(
      c, fn, form,
      coll::IneighborAllgatherv(*c, *nbrs, sendbuf, sendcount, *st, recvbuf, counts.data(),
                                offsets.data(), *rt, form == Form::kPersistent),
      request);
}

// Neighbor_alltoall, _alltoallv and _alltoallw, as `shape` says. Send arrays have one entry
// per out-neighbor, receive arrays one per in-neighbor.
template <typename Count, typename Displ>
int Alltoallw(const char* fn, Form form, Shape shape, const void* sendbuf, Count sendcount,
              const Count* sendcounts, const Displ* sdispls, const MPI_Datatype* sendtypes,
              void* recvbuf, Count recvcount, const Count* recvcounts, const Displ* rdispls,
              const MPI_Datatype* recvtypes, MPI_Comm comm, MPI_Info info, MPI_Request* request) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, CheckComm(comm, &c));
  StatusOr<topo::NeighborList> nbrs = topo::NeighborsOf(c->topology(), c->rank());
  ZMPI_NEIGHBOR_CHECK(nbrs.status());
  I64 scounts, sdisp, rcounts, rdisp;
  Types st, rt;
  ZMPI_NEIGHBOR_CHECK(CheckSide(shape, sendbuf, "send buffer", sendcount, sendcounts, sdispls,
                                sendtypes, nbrs->outdegree(), &scounts, &sdisp, &st));
  ZMPI_NEIGHBOR_CHECK(CheckSide(shape, recvbuf, "receive buffer", recvcount, recvcounts, rdispls,
                                recvtypes, nbrs->indegree(), &rcounts, &rdisp, &rt));
  ZMPI_NEIGHBOR_CHECK(CheckTail(form, info, request));
  return Finish(
      c, fn, form,
      coll::IneighborAlltoallw(*c, *nbrs, sendbuf, scounts.data(), sdisp.data(), st.data(), recvbuf,
                               rcounts.data(), rdisp.data(), rt.data(), form == Form::kPersistent),
      request);
}

#undef ZMPI_NEIGHBOR_CHECK

}  // namespace zmpi::abi::neighbor

#endif  // ZMPI_MPI_ABI_NEIGHBOR_IMPL_H_
