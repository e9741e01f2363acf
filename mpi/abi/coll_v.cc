// The v- and w-collectives (Gatherv, Scatterv, Allgatherv, Alltoallv, Alltoallw and their _c
// forms): argument checks, then mpi/coll/vcoll.h. Each body is a template over the count and
// displacement types, shared by the int and large-count forms.
#include "mpi/abi/coll_args.h"
#include "mpi/abi/coll_inter.h"
#include "mpi/abi/entry.h"
#include "mpi/coll/counts.h"
#include "mpi/coll/vcoll.h"

using zmpi::Code;
using zmpi::abi::CheckAliasing;
using zmpi::abi::CheckBlock;
using zmpi::abi::CheckVBlocks;
using zmpi::abi::CheckWBlocks;
using zmpi::abi::Report;
using zmpi::coll::CountsView;
using zmpi::core::Comm;
using zmpi::core::Datatype;

namespace {

zmpi::Status InPlaceOnlyAtRoot() {
  return zmpi::Error(Code::kBuffer, "MPI_IN_PLACE is only valid at the root");
}

template <typename Count, typename Displ>
int GathervImpl(const char* name, const void* sendbuf, Count sendcount, MPI_Datatype sendtype,
                void* recvbuf, const Count* recvcounts, const Displ* displs, MPI_Datatype recvtype,
                int root, MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  size_t bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Gatherv(name, c, sendbuf, sendcount, sendtype, recvbuf,
                                     CountsView::Of(recvcounts), CountsView::Of(displs), recvcounts,
                                     displs, true, sendcount, recvtype, root);
  }
  ZMPI_CHECK_ARG(c, name, zmpi::abi::CheckRoot(*c, root));
  const bool at_root = c->rank() == root;
  if (sendbuf == MPI_IN_PLACE && !at_root) ZMPI_CHECK_ARG(c, name, InPlaceOnlyAtRoot());
  if (sendbuf != MPI_IN_PLACE) {
    ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, sendcount, sendtype, &bytes, &st));
  }
  if (at_root) {
    ZMPI_CHECK_ARG(c, name,
                   CheckVBlocks(recvbuf, recvcounts, displs, true, c->size(), recvtype, &rt));
  }
  if (at_root) ZMPI_CHECK_ARG(c, name, CheckAliasing(sendbuf, recvbuf, bytes));
  return Report(c, name,
                zmpi::coll::Gatherv(*c, sendbuf, sendcount, st, recvbuf, CountsView::Of(recvcounts),
                                    CountsView::Of(displs), rt, root));
}

template <typename Count, typename Displ>
int ScattervImpl(const char* name, const void* sendbuf, const Count* sendcounts,
                 const Displ* displs, MPI_Datatype sendtype, void* recvbuf, Count recvcount,
                 MPI_Datatype recvtype, int root, MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  size_t bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Scatterv(name, c, sendbuf, CountsView::Of(sendcounts),
                                      CountsView::Of(displs), sendcounts, displs, true, recvcount,
                                      sendtype, recvbuf, recvcount, recvtype, root);
  }
  ZMPI_CHECK_ARG(c, name, zmpi::abi::CheckRoot(*c, root));
  const bool at_root = c->rank() == root;
  if (recvbuf == MPI_IN_PLACE && !at_root) ZMPI_CHECK_ARG(c, name, InPlaceOnlyAtRoot());
  if (at_root) {
    ZMPI_CHECK_ARG(c, name,
                   CheckVBlocks(sendbuf, sendcounts, displs, true, c->size(), sendtype, &st));
  }
  if (recvbuf != MPI_IN_PLACE) {
    ZMPI_CHECK_ARG(c, name, CheckBlock(recvbuf, recvcount, recvtype, &bytes, &rt));
  }
  if (at_root) ZMPI_CHECK_ARG(c, name, CheckAliasing(sendbuf, recvbuf, bytes));
  return Report(c, name,
                zmpi::coll::Scatterv(*c, sendbuf, CountsView::Of(sendcounts),
                                     CountsView::Of(displs), st, recvbuf, recvcount, rt, root));
}

template <typename Count, typename Displ>
int AllgathervImpl(const char* name, const void* sendbuf, Count sendcount, MPI_Datatype sendtype,
                   void* recvbuf, const Count* recvcounts, const Displ* displs,
                   MPI_Datatype recvtype, MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  size_t bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Allgatherv(name, c, sendbuf, sendcount, sendtype, recvbuf,
                                        CountsView::Of(recvcounts), CountsView::Of(displs),
                                        recvcounts, displs, true, sendcount, recvtype);
  }
  if (sendbuf != MPI_IN_PLACE) {
    ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, sendcount, sendtype, &bytes, &st));
  }
  ZMPI_CHECK_ARG(c, name,
                 CheckVBlocks(recvbuf, recvcounts, displs, true, c->size(), recvtype, &rt));
  ZMPI_CHECK_ARG(c, name, CheckAliasing(sendbuf, recvbuf, bytes));
  return Report(c, name,
                zmpi::coll::Allgatherv(*c, sendbuf, sendcount, st, recvbuf,
                                       CountsView::Of(recvcounts), CountsView::Of(displs), *rt));
}

template <typename Count, typename Displ>
int AlltoallvImpl(const char* name, const void* sendbuf, const Count* sendcounts,
                  const Displ* sdispls, MPI_Datatype sendtype, void* recvbuf,
                  const Count* recvcounts, const Displ* rdispls, MPI_Datatype recvtype,
                  MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  const Datatype *st = nullptr, *rt = nullptr;
  int64_t sent = 0, received = 0;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Alltoallv(name, c, sendbuf, CountsView::Of(sendcounts),
                                       CountsView::Of(sdispls), sendcounts, sdispls, sendtype,
                                       recvbuf, CountsView::Of(recvcounts), CountsView::Of(rdispls),
                                       recvcounts, rdispls, recvtype, true);
  }
  if (sendbuf != MPI_IN_PLACE) {
    ZMPI_CHECK_ARG(
        c, name, CheckVBlocks(sendbuf, sendcounts, sdispls, true, c->size(), sendtype, &st, &sent));
  }
  ZMPI_CHECK_ARG(
      c, name,
      CheckVBlocks(recvbuf, recvcounts, rdispls, true, c->size(), recvtype, &rt, &received));
  // Shared buffers are an error only when data moves (as for the other collectives): with all
  // counts zero nothing is read or written (mpi4py passes one static empty buffer for both).
  ZMPI_CHECK_ARG(c, name, CheckAliasing(sendbuf, recvbuf, sent + received > 0 ? 1 : 0));
  return Report(
      c, name,
      zmpi::coll::Alltoallv(*c, sendbuf, CountsView::Of(sendcounts), CountsView::Of(sdispls), st,
                            recvbuf, CountsView::Of(recvcounts), CountsView::Of(rdispls), *rt));
}

template <typename Count, typename Displ>
int AlltoallwImpl(const char* name, const void* sendbuf, const Count* sendcounts,
                  const Displ* sdispls, const MPI_Datatype* sendtypes, void* recvbuf,
                  const Count* recvcounts, const Displ* rdispls, const MPI_Datatype* recvtypes,
                  MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Alltoallw(name, c, sendbuf, sendcounts, sdispls, sendtypes, recvbuf,
                                       recvcounts, rdispls, recvtypes);
  }
  if (sendbuf != MPI_IN_PLACE) {
    ZMPI_CHECK_ARG(c, name, CheckWBlocks(sendbuf, sendcounts, sdispls, sendtypes, c->size()));
  }
  ZMPI_CHECK_ARG(c, name, CheckWBlocks(recvbuf, recvcounts, rdispls, recvtypes, c->size()));
  bool moves = false;  // any block with data (see AlltoallvImpl)
  for (int i = 0; i < c->size() && !moves; ++i) {
    moves = recvcounts[i] > 0 || (sendbuf != MPI_IN_PLACE && sendcounts[i] > 0);
  }
  ZMPI_CHECK_ARG(c, name, CheckAliasing(sendbuf, recvbuf, moves ? 1 : 0));
  return Report(c, name,
                zmpi::coll::Alltoallw(
                    *c, sendbuf, CountsView::Of(sendcounts), CountsView::Of(sdispls), sendtypes,
                    recvbuf, CountsView::Of(recvcounts), CountsView::Of(rdispls), recvtypes));
}

}  // namespace

ZMPI_API int PMPI_Gatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                          const int recvcounts[], const int displs[], MPI_Datatype recvtype,
                          int root, MPI_Comm comm) {
  return GathervImpl("MPI_Gatherv", sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs,
                     recvtype, root, comm);
}
ZMPI_API int PMPI_Gatherv_c(const void* sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                            void* recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                            MPI_Datatype recvtype, int root, MPI_Comm comm) {
  return GathervImpl("MPI_Gatherv_c", sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs,
                     recvtype, root, comm);
}

ZMPI_API int PMPI_Scatterv(const void* sendbuf, const int sendcounts[], const int displs[],
                           MPI_Datatype sendtype, void* recvbuf, int recvcount,
                           MPI_Datatype recvtype, int root, MPI_Comm comm) {
  return ScattervImpl("MPI_Scatterv", sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount,
                      recvtype, root, comm);
}
ZMPI_API int PMPI_Scatterv_c(const void* sendbuf, const MPI_Count sendcounts[],
                             const MPI_Aint displs[], MPI_Datatype sendtype, void* recvbuf,
                             MPI_Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm) {
  return ScattervImpl("MPI_Scatterv_c", sendbuf, sendcounts, displs, sendtype, recvbuf, recvcount,
                      recvtype, root, comm);
}

ZMPI_API int PMPI_Allgatherv(const void* sendbuf, int sendcount, MPI_Datatype sendtype,
                             void* recvbuf, const int recvcounts[], const int displs[],
                             MPI_Datatype recvtype, MPI_Comm comm) {
  return AllgathervImpl("MPI_Allgatherv", sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs,
                        recvtype, comm);
}
ZMPI_API int PMPI_Allgatherv_c(const void* sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                               void* recvbuf, const MPI_Count recvcounts[], const MPI_Aint displs[],
                               MPI_Datatype recvtype, MPI_Comm comm) {
  return AllgathervImpl("MPI_Allgatherv_c", sendbuf, sendcount, sendtype, recvbuf, recvcounts,
                        displs, recvtype, comm);
}

ZMPI_API int PMPI_Alltoallv(const void* sendbuf, const int sendcounts[], const int sdispls[],
                            MPI_Datatype sendtype, void* recvbuf, const int recvcounts[],
                            const int rdispls[], MPI_Datatype recvtype, MPI_Comm comm) {
  return AlltoallvImpl("MPI_Alltoallv", sendbuf, sendcounts, sdispls, sendtype, recvbuf, recvcounts,
                       rdispls, recvtype, comm);
}
ZMPI_API int PMPI_Alltoallv_c(const void* sendbuf, const MPI_Count sendcounts[],
                              const MPI_Aint sdispls[], MPI_Datatype sendtype, void* recvbuf,
                              const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                              MPI_Datatype recvtype, MPI_Comm comm) {
  return AlltoallvImpl("MPI_Alltoallv_c", sendbuf, sendcounts, sdispls, sendtype, recvbuf,
                       recvcounts, rdispls, recvtype, comm);
}

ZMPI_API int PMPI_Alltoallw(const void* sendbuf, const int sendcounts[], const int sdispls[],
                            const MPI_Datatype sendtypes[], void* recvbuf, const int recvcounts[],
                            const int rdispls[], const MPI_Datatype recvtypes[], MPI_Comm comm) {
  return AlltoallwImpl("MPI_Alltoallw", sendbuf, sendcounts, sdispls, sendtypes, recvbuf,
                       recvcounts, rdispls, recvtypes, comm);
}
ZMPI_API int PMPI_Alltoallw_c(const void* sendbuf, const MPI_Count sendcounts[],
                              const MPI_Aint sdispls[], const MPI_Datatype sendtypes[],
                              void* recvbuf, const MPI_Count recvcounts[], const MPI_Aint rdispls[],
                              const MPI_Datatype recvtypes[], MPI_Comm comm) {
  return AlltoallwImpl("MPI_Alltoallw_c", sendbuf, sendcounts, sdispls, sendtypes, recvbuf,
                       recvcounts, rdispls, recvtypes, comm);
}

#include "mpi/abi/coll_v_aliases.inc"
