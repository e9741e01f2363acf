// The intercommunicator forms of the blocking collectives: argument checks (root = MPI_ROOT,
// MPI_PROC_NULL or a remote rank; counts of receive blocks per remote rank), then
// mpi/coll/inter. Templates over the count and displacement types, shared by the int and _c
// entry points, which call these once they found `comm` is an intercommunicator.
#ifndef ZMPI_MPI_ABI_COLL_INTER_H_
#define ZMPI_MPI_ABI_COLL_INTER_H_

#include "mpi/abi/coll_args.h"
#include "mpi/abi/entry.h"
#include "mpi/coll/counts.h"
#include "mpi/coll/inter/inter_coll.h"

namespace zmpi::abi::inter {

using coll::CountsView;
using core::Comm;
using core::Datatype;

inline Status CheckInterRoot(const Comm& c, int root) {
  if (root == MPI_ROOT || root == MPI_PROC_NULL || (root >= 0 && root < c.size())) {
    return OkStatus();
  }
  return Error(Code::kRoot, "root %d is neither MPI_ROOT, MPI_PROC_NULL nor in [0, %d)", root,
               c.size());
}

inline Status NoInPlace(const void* a, const void* b = nullptr) {
  if (a == MPI_IN_PLACE || b == MPI_IN_PLACE) {
    return Error(Code::kBuffer, "MPI_IN_PLACE is not valid on an intercommunicator");
  }
  return OkStatus();
}

inline Status NoInterScan() {
  return Error(Code::kComm, "scans are not defined on intercommunicators");
}

inline int Barrier(const char* name, Comm* c) {
  return Report(c, name, coll::inter::InterBarrier(*c));
}

template <typename Count>
int Bcast(const char* name, Comm* c, void* buffer, Count count, MPI_Datatype datatype, int root) {
  size_t bytes = 0;
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(c, name, CheckInterRoot(*c, root));
  if (root != MPI_PROC_NULL) {
    ZMPI_CHECK_ARG(c, name, NoInPlace(buffer));
    ZMPI_CHECK_ARG(c, name, CheckBlock(buffer, count, datatype, &bytes, &t));
  }
  return Report(c, name, coll::inter::InterBcast(*c, buffer, count, t, root));
}

template <typename Count, typename Displ>
int Gatherv(const char* name, Comm* c, const void* sendbuf, Count sendcount, MPI_Datatype sendtype,
            void* recvbuf, CountsView recvcounts, CountsView displs, const Count* counts_array,
            const Displ* displs_array, bool need_arrays, Count recvcount, MPI_Datatype recvtype,
            int root) {
  size_t bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(c, name, CheckInterRoot(*c, root));
  if (root == MPI_ROOT) {
    ZMPI_CHECK_ARG(c, name, NoInPlace(recvbuf));
    if (need_arrays) {
      ZMPI_CHECK_ARG(
          c, name,
          CheckVBlocks(recvbuf, counts_array, displs_array, true, c->size(), recvtype, &rt));
    } else {
      ZMPI_CHECK_ARG(c, name, CheckBlock(recvbuf, recvcount, recvtype, &bytes, &rt));
    }
  } else if (root != MPI_PROC_NULL) {
    ZMPI_CHECK_ARG(c, name, NoInPlace(sendbuf));
    ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, sendcount, sendtype, &bytes, &st));
  }
  return Report(
      c, name,
      coll::inter::InterGatherv(*c, sendbuf, sendcount, st, recvbuf, recvcounts, displs, rt, root));
}

template <typename Count, typename Displ>
int Scatterv(const char* name, Comm* c, const void* sendbuf, CountsView sendcounts,
             CountsView displs, const Count* counts_array, const Displ* displs_array,
             bool need_arrays, Count sendcount, MPI_Datatype sendtype, void* recvbuf,
             Count recvcount, MPI_Datatype recvtype, int root) {
  size_t bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(c, name, CheckInterRoot(*c, root));
  if (root == MPI_ROOT) {
    ZMPI_CHECK_ARG(c, name, NoInPlace(sendbuf));
    if (need_arrays) {
      ZMPI_CHECK_ARG(
          c, name,
          CheckVBlocks(sendbuf, counts_array, displs_array, true, c->size(), sendtype, &st));
    } else {
      ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, sendcount, sendtype, &bytes, &st));
    }
  } else if (root != MPI_PROC_NULL) {
    ZMPI_CHECK_ARG(c, name, NoInPlace(recvbuf));
    ZMPI_CHECK_ARG(c, name, CheckBlock(recvbuf, recvcount, recvtype, &bytes, &rt));
  }
  return Report(c, name,
                coll::inter::InterScatterv(*c, sendbuf, sendcounts, displs, st, recvbuf, recvcount,
                                           rt, root));
}

template <typename Count, typename Displ>
int Allgatherv(const char* name, Comm* c, const void* sendbuf, Count sendcount,
               MPI_Datatype sendtype, void* recvbuf, CountsView recvcounts, CountsView displs,
               const Count* counts_array, const Displ* displs_array, bool need_arrays,
               Count recvcount, MPI_Datatype recvtype) {
  size_t bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(c, name, NoInPlace(sendbuf, recvbuf));
  ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, sendcount, sendtype, &bytes, &st));
  if (need_arrays) {
    ZMPI_CHECK_ARG(
        c, name, CheckVBlocks(recvbuf, counts_array, displs_array, true, c->size(), recvtype, &rt));
  } else {
    ZMPI_CHECK_ARG(c, name, CheckBlock(recvbuf, recvcount, recvtype, &bytes, &rt));
  }
  return Report(
      c, name,
      coll::inter::InterAllgatherv(*c, sendbuf, sendcount, *st, recvbuf, recvcounts, displs, *rt));
}

template <typename Count, typename Displ>
int Alltoallv(const char* name, Comm* c, const void* sendbuf, CountsView sendcounts,
              CountsView sdispls, const Count* scounts_array, const Displ* sdispls_array,
              MPI_Datatype sendtype, void* recvbuf, CountsView recvcounts, CountsView rdispls,
              const Count* rcounts_array, const Displ* rdispls_array, MPI_Datatype recvtype,
              bool need_arrays) {
  size_t bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(c, name, NoInPlace(sendbuf, recvbuf));
  if (need_arrays) {
    ZMPI_CHECK_ARG(
        c, name,
        CheckVBlocks(sendbuf, scounts_array, sdispls_array, true, c->size(), sendtype, &st));
    ZMPI_CHECK_ARG(
        c, name,
        CheckVBlocks(recvbuf, rcounts_array, rdispls_array, true, c->size(), recvtype, &rt));
  } else {
    ZMPI_CHECK_ARG(c, name,
                   CheckBlock(sendbuf, static_cast<Count>(sendcounts[0]), sendtype, &bytes, &st));
    ZMPI_CHECK_ARG(c, name,
                   CheckBlock(recvbuf, static_cast<Count>(recvcounts[0]), recvtype, &bytes, &rt));
  }
  return Report(c, name,
                coll::inter::InterAlltoallv(*c, sendbuf, sendcounts, sdispls, *st, recvbuf,
                                            recvcounts, rdispls, *rt));
}

template <typename Count, typename Displ>
int Alltoallw(const char* name, Comm* c, const void* sendbuf, const Count* sendcounts,
              const Displ* sdispls, const MPI_Datatype* sendtypes, void* recvbuf,
              const Count* recvcounts, const Displ* rdispls, const MPI_Datatype* recvtypes) {
  ZMPI_CHECK_ARG(c, name, NoInPlace(sendbuf, recvbuf));
  ZMPI_CHECK_ARG(c, name, CheckWBlocks(sendbuf, sendcounts, sdispls, sendtypes, c->size()));
  ZMPI_CHECK_ARG(c, name, CheckWBlocks(recvbuf, recvcounts, rdispls, recvtypes, c->size()));
  return Report(c, name,
                coll::inter::InterAlltoallw(
                    *c, sendbuf, CountsView::Of(sendcounts), CountsView::Of(sdispls), sendtypes,
                    recvbuf, CountsView::Of(recvcounts), CountsView::Of(rdispls), recvtypes));
}

template <typename Count>
int Reduce(const char* name, Comm* c, const void* sendbuf, void* recvbuf, Count count,
           MPI_Datatype datatype, MPI_Op op, int root) {
  size_t bytes = 0;
  const Datatype *t = nullptr, *base = nullptr;
  ZMPI_CHECK_ARG(c, name, CheckInterRoot(*c, root));
  if (root == MPI_PROC_NULL) {
    // Takes no part, but takes its tags like every rank (inter_coll.cc).
    return Report(
        c, name,
        coll::inter::InterReduce(*c, nullptr, nullptr, 0, *core::FindDatatype(MPI_INT), op, root));
  }
  ZMPI_CHECK_ARG(c, name, NoInPlace(sendbuf, recvbuf));
  const void* buf = root == MPI_ROOT ? recvbuf : sendbuf;
  ZMPI_CHECK_ARG(c, name, CheckBlock(buf, count, datatype, &bytes, &t));
  ZMPI_CHECK_ARG(c, name, CheckOp(op, *t, &base));
  return Report(c, name, coll::inter::InterReduce(*c, sendbuf, recvbuf, count, *t, op, root));
}

template <typename Count>
int Allreduce(const char* name, Comm* c, const void* sendbuf, void* recvbuf, Count count,
              MPI_Datatype datatype, MPI_Op op) {
  size_t bytes = 0;
  const Datatype *t = nullptr, *base = nullptr;
  ZMPI_CHECK_ARG(c, name, NoInPlace(sendbuf, recvbuf));
  ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, count, datatype, &bytes, &t));
  ZMPI_CHECK_ARG(c, name, CheckBuffer(recvbuf, count, *t));
  ZMPI_CHECK_ARG(c, name, CheckOp(op, *t, &base));
  return Report(c, name, coll::inter::InterAllreduce(*c, sendbuf, recvbuf, count, *t, op));
}

// Reduce_scatter (`counts_array`) and Reduce_scatter_block (`is_block`, `block` each).
template <typename Count>
int ReduceScatter(const char* name, Comm* c, const void* sendbuf, void* recvbuf,
                  const Count* counts_array, bool is_block, Count block, MPI_Datatype datatype,
                  MPI_Op op) {
  const Datatype *t = nullptr, *base = nullptr;
  ZMPI_CHECK_ARG(c, name, NoInPlace(sendbuf, recvbuf));
  CountsView counts = CountsView::All(block);
  if (is_block) {
    size_t bytes = 0;
    ZMPI_CHECK_ARG(c, name, CheckBlock(recvbuf, block, datatype, &bytes, &t));
  } else {
    ZMPI_CHECK_ARG(
        c, name,
        CheckVBlocks(sendbuf, counts_array, counts_array, false, c->local_size(), datatype, &t));
    counts = CountsView::Of(counts_array);
  }
  ZMPI_CHECK_ARG(c, name, CheckBuffer(recvbuf, static_cast<Count>(counts[c->rank()]), *t));
  ZMPI_CHECK_ARG(c, name, CheckOp(op, *t, &base));
  return Report(c, name, coll::inter::InterReduceScatter(*c, sendbuf, recvbuf, counts, *t, op));
}

}  // namespace zmpi::abi::inter

#endif  // ZMPI_MPI_ABI_COLL_INTER_H_
