// The non-blocking (MPI_I*) and persistent (MPI_*_init) collective entry points, once each as
// templates over the count type (int, or MPI_Count for the _c forms) and the displacement type
// (int, or MPI_Aint): argument checks in the standard's order, then one call into
// mpi/coll/sched/nbc.h. coll_nb.cc and coll_init.cc instantiate them. `persistent` picks the
// _init form (which also checks its info argument).
#ifndef ZMPI_MPI_ABI_COLL_NB_IMPL_H_
#define ZMPI_MPI_ABI_COLL_NB_IMPL_H_

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "mpi/abi/coll_args.h"
#include "mpi/abi/entry.h"
#include "mpi/abi/p2p_args.h"
#include "mpi/coll/sched/nbc.h"
#include "mpi/core/objects.h"
#include "mpi/core/request.h"

namespace zmpi::abi::nbc {

using core::Comm;
using core::Datatype;
using I64 = std::vector<int64_t>;

// What every form checks first: the communicator. `inter_ok`: the form has an
// intercommunicator version (the scans and reduce-scatters refuse one with MPI_ERR_COMM).
inline Status CheckCommOf(MPI_Comm comm, Comm** c, bool inter_ok = true) {
  return inter_ok ? CheckComm(comm, c) : CheckIntraComm(comm, c);
}

// A root: a rank of the communicator; on an intercommunicator MPI_ROOT, MPI_PROC_NULL or a
// rank of the remote group.
inline Status CheckRootOf(const Comm& c, int root) {
  if (!c.is_inter()) return CheckRoot(c, root);
  if (root == MPI_ROOT || root == MPI_PROC_NULL || (root >= 0 && root < c.size())) {
    return OkStatus();
  }
  return Error(Code::kRoot, "invalid root %d on an intercommunicator", root);
}

// MPI_IN_PLACE has no meaning on an intercommunicator.
inline Status CheckNotInPlace(const Comm& c, const void* buf) {
  return c.is_inter() && buf == MPI_IN_PLACE
             ? Error(Code::kBuffer, "MPI_IN_PLACE on an intercommunicator")
             : OkStatus();
}

// Whether this rank is the root of a rooted operation, and whether it contributes data.
inline bool IsRoot(const Comm& c, int root) {
  return c.is_inter() ? root == MPI_ROOT : c.rank() == root;
}
inline bool IsContributor(const Comm& c, int root) { return c.is_inter() ? root >= 0 : true; }

// The arguments every form checks last: the info of an _init form, the request pointer.
inline Status CheckTail(bool persistent, MPI_Info info, MPI_Request* request) {
  if (persistent && info != MPI_INFO_NULL && core::Objects::Get().FindInfo(info) == nullptr) {
    return Error(Code::kInfo, "invalid info handle 0x%x", info);
  }
  return CheckPointer(request, "request");
}

// A (buffer, count, datatype) triple of either count type (coll_args.h's CheckBlock).
template <typename Count>
Status CheckData(const void* buf, Count count, MPI_Datatype datatype, const Datatype** type) {
  size_t bytes = 0;
  return CheckBlock(buf, count, datatype, &bytes, type);
}

// A v-form's per-rank blocks (coll_args.h's CheckVBlocks), as int64_t counts and
// displacements (`displs` may be null where the call has none).
template <typename Count, typename Displ>
Status CheckV(const void* buf, const Count* counts, const Displ* displs, int n,
              MPI_Datatype datatype, const Datatype** type, I64* co, I64* di) {
  ZMPI_RETURN_IF_ERROR(
      CheckVBlocks(buf, counts, displs, displs != nullptr || di != nullptr, n, datatype, type));
  co->assign(counts, counts + n);
  if (di != nullptr) di->assign(displs, displs + n);
  return OkStatus();
}

// Uniform blocks: counts all `count`, displacements i * count.
inline void Uniform(int64_t count, int n, I64* counts, I64* displs) {
  counts->assign(n, count);
  displs->resize(n);
  for (int i = 0; i < n; ++i) (*displs)[i] = i * count;
}

inline int Done(Comm* c, const char* fn, StatusOr<core::Request*> r, MPI_Request* request) {
  if (!r.ok()) return Report(c, fn, r.status());
  *request = core::RequestPool::ToHandle(*r);
  return MPI_SUCCESS;
}

// Everything a reduction checks after the communicator: its (send, receive) buffers of
// `count` elements of `datatype`, aliasing, the op; *base gets the op's predefined type.
template <typename Count>
Status CheckReduction(const void* sendbuf, void* recvbuf, Count count, MPI_Datatype datatype,
                      MPI_Op op, bool recv_used, const Datatype** type, const Datatype** base) {
  ZMPI_RETURN_IF_ERROR(CheckData(sendbuf, count, datatype, type));
  if (recv_used) {
    ZMPI_RETURN_IF_ERROR(CheckBufferFor(recvbuf, count, *type));
    ZMPI_RETURN_IF_ERROR(
        CheckAliasing(sendbuf, recvbuf, static_cast<size_t>(count) * (*type)->size));
  }
  return CheckOp(op, **type, base);
}

#define ZMPI_NBC_CHECK(expr) ZMPI_CHECK_ARG(c, fn, (expr))

inline int Barrier(const char* fn, bool persistent, MPI_Comm comm, MPI_Info info,
                   MPI_Request* request) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, CheckCommOf(comm, &c));
  ZMPI_NBC_CHECK(CheckTail(persistent, info, request));
  return Done(c, fn, coll::Ibarrier(*c, persistent), request);
}

template <typename Count>
int Bcast(const char* fn, bool persistent, void* buffer, Count count, MPI_Datatype datatype,
          int root, MPI_Comm comm, MPI_Info info, MPI_Request* request) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, CheckCommOf(comm, &c));
  ZMPI_NBC_CHECK(CheckData(buffer, count, datatype, &t));
  ZMPI_NBC_CHECK(CheckRootOf(*c, root));
  ZMPI_NBC_CHECK(CheckNotInPlace(*c, buffer));
  ZMPI_NBC_CHECK(CheckTail(persistent, info, request));
  return Done(c, fn, coll::Ibcast(*c, buffer, count, *t, root, persistent), request);
}

// Gather (uniform `recvcount`) and Gatherv (`vform`: `recvcounts` and `displs`).
template <typename Count, typename Displ>
int Gatherv(const char* fn, bool persistent, bool vform, const void* sendbuf, Count sendcount,
            MPI_Datatype sendtype, void* recvbuf, Count recvcount, const Count* recvcounts,
            const Displ* displs, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Info info,
            MPI_Request* request) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  const Datatype *st = nullptr, *rt = nullptr;
  I64 counts, offsets;
  ZMPI_CHECK_ARG(nullptr, fn, CheckCommOf(comm, &c));
  ZMPI_NBC_CHECK(CheckRootOf(*c, root));
  ZMPI_NBC_CHECK(CheckNotInPlace(*c, sendbuf));
  const bool at_root = IsRoot(*c, root);
  if (!at_root && sendbuf == MPI_IN_PLACE) {
    ZMPI_NBC_CHECK(Error(Code::kBuffer, "MPI_IN_PLACE is only valid at the root"));
  }
  if (!(at_root && sendbuf == MPI_IN_PLACE) && IsContributor(*c, root)) {
    ZMPI_NBC_CHECK(CheckData(sendbuf, sendcount, sendtype, &st));
  }
  if (at_root) {
    const int n = c->size();
    if (!vform) {
      ZMPI_NBC_CHECK(CheckData(recvbuf, recvcount, recvtype, &rt));
      Uniform(recvcount, n, &counts, &offsets);
    } else {
      ZMPI_NBC_CHECK(CheckV(recvbuf, recvcounts, displs, n, recvtype, &rt, &counts, &offsets));
    }
  }
  ZMPI_NBC_CHECK(CheckTail(persistent, info, request));
  return Done(c, fn,
              coll::Igatherv(*c, sendbuf, sendcount, st, recvbuf, counts.data(), offsets.data(), rt,
                             root, persistent),
              request);
}

template <typename Count, typename Displ>
int Scatterv(const char* fn, bool persistent, bool vform, const void* sendbuf, Count sendcount,
             const Count* sendcounts, const Displ* displs, MPI_Datatype sendtype, void* recvbuf,
             Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm, MPI_Info info,
             MPI_Request* request) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  const Datatype *st = nullptr, *rt = nullptr;
  I64 counts, offsets;
  ZMPI_CHECK_ARG(nullptr, fn, CheckCommOf(comm, &c));
  ZMPI_NBC_CHECK(CheckRootOf(*c, root));
  ZMPI_NBC_CHECK(CheckNotInPlace(*c, recvbuf));
  const bool at_root = IsRoot(*c, root);
  if (at_root) {
    const int n = c->size();
    if (!vform) {
      ZMPI_NBC_CHECK(CheckData(sendbuf, sendcount, sendtype, &st));
      Uniform(sendcount, n, &counts, &offsets);
    } else {
      ZMPI_NBC_CHECK(CheckV(sendbuf, sendcounts, displs, n, sendtype, &st, &counts, &offsets));
    }
  } else if (recvbuf == MPI_IN_PLACE) {
    ZMPI_NBC_CHECK(Error(Code::kBuffer, "MPI_IN_PLACE is only valid at the root"));
  }
  if (!(at_root && recvbuf == MPI_IN_PLACE) && IsContributor(*c, root)) {
    ZMPI_NBC_CHECK(CheckData(recvbuf, recvcount, recvtype, &rt));
  }
  ZMPI_NBC_CHECK(CheckTail(persistent, info, request));
  return Done(c, fn,
              coll::Iscatterv(*c, sendbuf, counts.data(), offsets.data(), st, recvbuf, recvcount,
                              rt, root, persistent),
              request);
}

// Allgather and Allgatherv (`vform`), as Gatherv.
template <typename Count, typename Displ>
int Allgatherv(const char* fn, bool persistent, bool vform, const void* sendbuf, Count sendcount,
               MPI_Datatype sendtype, void* recvbuf, Count recvcount, const Count* recvcounts,
               const Displ* displs, MPI_Datatype recvtype, MPI_Comm comm, MPI_Info info,
               MPI_Request* request) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  const Datatype *st = nullptr, *rt = nullptr;
  I64 counts, offsets;
  ZMPI_CHECK_ARG(nullptr, fn, CheckCommOf(comm, &c));
  ZMPI_NBC_CHECK(CheckNotInPlace(*c, sendbuf));
  if (sendbuf != MPI_IN_PLACE) ZMPI_NBC_CHECK(CheckData(sendbuf, sendcount, sendtype, &st));
  const int n = c->size();
  if (!vform) {
    ZMPI_NBC_CHECK(CheckData(recvbuf, recvcount, recvtype, &rt));
    Uniform(recvcount, n, &counts, &offsets);
  } else {
    ZMPI_NBC_CHECK(CheckV(recvbuf, recvcounts, displs, n, recvtype, &rt, &counts, &offsets));
  }
  ZMPI_NBC_CHECK(CheckTail(persistent, info, request));
  return Done(c, fn,
              coll::Iallgatherv(*c, sendbuf, sendcount, st, recvbuf, counts.data(), offsets.data(),
                                *rt, persistent),
              request);
}

// Alltoall, Alltoallv (displacements in extents) and Alltoallw (bytes, a type per peer).
// `kind`: 0 alltoall (uniform counts), 1 alltoallv, 2 alltoallw.
template <typename Count, typename Displ>
int Alltoallw(const char* fn, bool persistent, int kind, const void* sendbuf, Count sendcount,
              const Count* sendcounts, const Displ* sdispls, const MPI_Datatype* sendtypes,
              void* recvbuf, Count recvcount, const Count* recvcounts, const Displ* rdispls,
              const MPI_Datatype* recvtypes, MPI_Comm comm, MPI_Info info, MPI_Request* request) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, CheckCommOf(comm, &c));
  ZMPI_NBC_CHECK(CheckNotInPlace(*c, sendbuf));
  const int n = c->size();
  const bool in_place = sendbuf == MPI_IN_PLACE;
  I64 scounts(n), sdisp(n), rcounts(n), rdisp(n);
  std::vector<const Datatype*> st(n), rt(n);
  // One side's arguments; per-peer types for alltoallw, else one type.
  auto side = [&](const void* buf, Count count, const Count* counts, const Displ* displs,
                  const MPI_Datatype* types, I64* co, I64* di,
                  std::vector<const Datatype*>* ty) -> Status {
    if (kind == 0) {
      const Datatype* t = nullptr;
      ZMPI_RETURN_IF_ERROR(CheckData(buf, count, types[0], &t));
      Uniform(count, n, co, di);
      ty->assign(n, t);
    } else {
      if (kind == 1) {
        const Datatype* t = nullptr;
        ZMPI_RETURN_IF_ERROR(CheckV(buf, counts, displs, n, types[0], &t, co, di));
        ty->assign(n, t);
      } else {
        ZMPI_RETURN_IF_ERROR(CheckWBlocks(buf, counts, displs, types, n));
        co->assign(counts, counts + n);
        di->assign(displs, displs + n);
        for (int i = 0; i < n; ++i) ZMPI_RETURN_IF_ERROR(CheckType(types[i], &(*ty)[i]));
      }
    }
    if (kind != 2) {  // displacements in extents
      for (int i = 0; i < n; ++i) (*di)[i] *= static_cast<int64_t>((*ty)[i]->extent);
    }
    return OkStatus();
  };
  if (!in_place) {
    ZMPI_NBC_CHECK(side(sendbuf, sendcount, sendcounts, sdispls, sendtypes, &scounts, &sdisp, &st));
  }
  ZMPI_NBC_CHECK(side(recvbuf, recvcount, recvcounts, rdispls, recvtypes, &rcounts, &rdisp, &rt));
  ZMPI_NBC_CHECK(CheckTail(persistent, info, request));
  return Done(c, fn,
              coll::Ialltoallw(*c, sendbuf, scounts.data(), sdisp.data(), st.data(), recvbuf,
                               rcounts.data(), rdisp.data(), rt.data(), persistent),
              request);
}

template <typename Count>
int Reduce(const char* fn, bool persistent, const void* sendbuf, void* recvbuf, Count count,
           MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm, MPI_Info info,
           MPI_Request* request) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  const Datatype *t = nullptr, *base = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, CheckCommOf(comm, &c));
  ZMPI_NBC_CHECK(CheckRootOf(*c, root));
  ZMPI_NBC_CHECK(CheckNotInPlace(*c, sendbuf));
  const bool at_root = IsRoot(*c, root);
  if (!at_root && sendbuf == MPI_IN_PLACE) {
    ZMPI_NBC_CHECK(Error(Code::kBuffer, "MPI_IN_PLACE is only valid at the root"));
  }
  // An intercommunicator's root only receives and the rest of its group does nothing: their
  // send buffers are not used.
  const void* checked_send = c->is_inter() && root < 0 ? MPI_IN_PLACE : sendbuf;
  ZMPI_NBC_CHECK(CheckReduction(checked_send, recvbuf, count, datatype, op, at_root, &t, &base));
  ZMPI_NBC_CHECK(CheckTail(persistent, info, request));
  return Done(c, fn, coll::Ireduce(*c, sendbuf, recvbuf, count, *t, *base, op, root, persistent),
              request);
}

// Allreduce, Scan and Exscan (`scan`: 0 allreduce, 1 scan, 2 exscan).
template <typename Count>
int Allreduce(const char* fn, bool persistent, int scan, const void* sendbuf, void* recvbuf,
              Count count, MPI_Datatype datatype, MPI_Op op, MPI_Comm comm, MPI_Info info,
              MPI_Request* request) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  const Datatype *t = nullptr, *base = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, CheckCommOf(comm, &c, scan == 0));
  ZMPI_NBC_CHECK(CheckNotInPlace(*c, sendbuf));
  ZMPI_NBC_CHECK(CheckReduction(sendbuf, recvbuf, count, datatype, op, true, &t, &base));
  ZMPI_NBC_CHECK(CheckTail(persistent, info, request));
  if (scan == 0) {
    return Done(c, fn, coll::Iallreduce(*c, sendbuf, recvbuf, count, *t, *base, op, persistent),
                request);
  }
  return Done(c, fn, coll::Iscan(*c, sendbuf, recvbuf, count, *t, *base, op, scan == 2, persistent),
              request);
}

// Reduce_scatter (`vform`: `recvcounts`) and Reduce_scatter_block (`recvcount` each).
template <typename Count>
int ReduceScatter(const char* fn, bool persistent, bool vform, const void* sendbuf, void* recvbuf,
                  Count recvcount, const Count* recvcounts, MPI_Datatype datatype, MPI_Op op,
                  MPI_Comm comm, MPI_Info info, MPI_Request* request) {
  ZMPI_ENTER(fn);
  Comm* c = nullptr;
  const Datatype *t = nullptr, *base = nullptr;
  I64 counts, unused;
  ZMPI_CHECK_ARG(nullptr, fn, CheckCommOf(comm, &c, false));
  const int n = c->size();
  if (!vform) {
    ZMPI_NBC_CHECK(CheckCountOf(recvcount));
    ZMPI_NBC_CHECK(CheckType(datatype, &t));
    Uniform(recvcount, n, &counts, &unused);
  } else {
    // (The receive buffer holds only this rank's block: checked below.)
    ZMPI_NBC_CHECK(CheckV(MPI_IN_PLACE, recvcounts, static_cast<const Count*>(nullptr), n, datatype,
                          &t, &counts, nullptr));
  }
  int64_t total = 0;
  for (int64_t k : counts) total += k;
  if (sendbuf != MPI_IN_PLACE) ZMPI_NBC_CHECK(CheckBufferFor(sendbuf, total, t));
  ZMPI_NBC_CHECK(CheckBufferFor(recvbuf, counts[c->rank()], t));
  ZMPI_NBC_CHECK(CheckAliasing(sendbuf, recvbuf, static_cast<size_t>(total) * t->size));
  ZMPI_NBC_CHECK(CheckOp(op, *t, &base));
  ZMPI_NBC_CHECK(CheckTail(persistent, info, request));
  return Done(c, fn,
              coll::IreduceScatter(*c, sendbuf, recvbuf, counts.data(), *t, *base, op, persistent),
              request);
}

#undef ZMPI_NBC_CHECK

}  // namespace zmpi::abi::nbc

#endif  // ZMPI_MPI_ABI_COLL_NB_IMPL_H_
