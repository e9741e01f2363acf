// Collectives: argument checks, then mpi/coll. Each body is a template over the count type, so
// the int and large-count (_c) forms share it.
#include "mpi/coll/coll.h"

#include "mpi/abi/coll_args.h"
#include "mpi/abi/coll_inter.h"
#include "mpi/abi/entry.h"
#include "mpi/coll/reducing.h"
#include "mpi/coll/typed.h"
#include "mpi/core/op.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::coll::PlainType;
using zmpi::core::Comm;
using zmpi::core::Datatype;

using zmpi::abi::CheckAliasing;
using zmpi::abi::CheckBlock;
using zmpi::abi::CheckOp;

namespace {

template <typename Count>
int BcastImpl(const char* name, void* buffer, Count count, MPI_Datatype datatype, int root,
              MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  size_t bytes = 0;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Bcast(name, c, buffer, count, datatype, root);
  }
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(c, name, CheckBlock(buffer, count, datatype, &bytes, &t));
  ZMPI_CHECK_ARG(c, name, zmpi::abi::CheckRoot(*c, root));
  if (!PlainType(t)) [[unlikely]] {
    return zmpi::abi::Report(c, name, zmpi::coll::BcastTyped(*c, buffer, count, *t, root));
  }
  return zmpi::abi::Report(c, name, zmpi::coll::Bcast(*c, buffer, bytes, root));
}

template <typename Count>
int ReduceImpl(const char* name, const void* sendbuf, void* recvbuf, Count count,
               MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  size_t bytes = 0;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Reduce(name, c, sendbuf, recvbuf, count, datatype, op, root);
  }
  ZMPI_CHECK_ARG(c, name, zmpi::abi::CheckRoot(*c, root));
  ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, count, datatype, &bytes, &t));
  if (c->rank() == root) {
    ZMPI_CHECK_ARG(c, name, zmpi::abi::CheckBuffer(recvbuf, count, *t));
    ZMPI_CHECK_ARG(c, name, CheckAliasing(sendbuf, recvbuf, bytes));
  } else if (sendbuf == MPI_IN_PLACE) {
    ZMPI_CHECK_ARG(c, name, zmpi::Error(Code::kBuffer, "MPI_IN_PLACE is only valid at the root"));
  }
  const Datatype* base = nullptr;
  ZMPI_CHECK_ARG(c, name, CheckOp(op, *t, &base));
  // Derived types, user ops and the padded pairs (not contiguous) reduce through staging.
  if (base != t || !base->contiguous || !zmpi::core::IsPredefinedOp(op)) [[unlikely]] {
    return zmpi::abi::Report(c, name,
                             zmpi::coll::ReduceAny(*c, sendbuf, recvbuf, count, *t, op, root));
  }
  return zmpi::abi::Report(c, name,
                           zmpi::coll::Reduce(*c, sendbuf, recvbuf, count, *base, op, root));
}

template <typename Count>
int AllreduceImpl(const char* name, const void* sendbuf, void* recvbuf, Count count,
                  MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  size_t bytes = 0;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Allreduce(name, c, sendbuf, recvbuf, count, datatype, op);
  }
  ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, count, datatype, &bytes, &t));
  ZMPI_CHECK_ARG(c, name, zmpi::abi::CheckBuffer(recvbuf, count, *t));
  ZMPI_CHECK_ARG(c, name, CheckAliasing(sendbuf, recvbuf, bytes));
  const Datatype* base = nullptr;
  ZMPI_CHECK_ARG(c, name, CheckOp(op, *t, &base));
  // Derived types, user ops and the padded pairs (not contiguous) reduce through staging.
  if (base != t || !base->contiguous || !zmpi::core::IsPredefinedOp(op)) [[unlikely]] {
    return zmpi::abi::Report(c, name,
                             zmpi::coll::AllreduceAny(*c, sendbuf, recvbuf, count, *t, op));
  }
  return zmpi::abi::Report(c, name, zmpi::coll::Allreduce(*c, sendbuf, recvbuf, count, *base, op));
}

template <typename Count>
int GatherImpl(const char* name, const void* sendbuf, Count sendcount, MPI_Datatype sendtype,
               void* recvbuf, Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  size_t send_bytes = 0, recv_bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Gatherv(
        name, c, sendbuf, sendcount, sendtype, recvbuf, zmpi::coll::CountsView::All(recvcount),
        zmpi::coll::CountsView::Strided(recvcount), static_cast<const Count*>(nullptr),
        static_cast<const Count*>(nullptr), false, recvcount, recvtype, root);
  }
  ZMPI_CHECK_ARG(c, name, zmpi::abi::CheckRoot(*c, root));
  bool at_root = c->rank() == root;
  if (!(at_root && sendbuf == MPI_IN_PLACE)) {
    ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, sendcount, sendtype, &send_bytes, &st));
  }
  if (at_root) {
    ZMPI_CHECK_ARG(c, name, CheckBlock(recvbuf, recvcount, recvtype, &recv_bytes, &rt));
  }
  if (!PlainType(st) || !PlainType(rt)) [[unlikely]] {
    return zmpi::abi::Report(
        c, name, zmpi::coll::GatherTyped(*c, sendbuf, sendcount, st, recvbuf, recvcount, rt, root));
  }
  size_t block = at_root ? recv_bytes : send_bytes;
  return zmpi::abi::Report(c, name, zmpi::coll::Gather(*c, sendbuf, recvbuf, block, root));
}

template <typename Count>
int ScatterImpl(const char* name, const void* sendbuf, Count sendcount, MPI_Datatype sendtype,
                void* recvbuf, Count recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  size_t send_bytes = 0, recv_bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Scatterv(name, c, sendbuf, zmpi::coll::CountsView::All(sendcount),
                                      zmpi::coll::CountsView::Strided(sendcount),
                                      static_cast<const Count*>(nullptr),
                                      static_cast<const Count*>(nullptr), false, sendcount,
                                      sendtype, recvbuf, recvcount, recvtype, root);
  }
  ZMPI_CHECK_ARG(c, name, zmpi::abi::CheckRoot(*c, root));
  bool at_root = c->rank() == root;
  if (at_root) {
    ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, sendcount, sendtype, &send_bytes, &st));
  }
  if (!(at_root && recvbuf == MPI_IN_PLACE)) {
    ZMPI_CHECK_ARG(c, name, CheckBlock(recvbuf, recvcount, recvtype, &recv_bytes, &rt));
  }
  if (!PlainType(st) || !PlainType(rt)) [[unlikely]] {
    return zmpi::abi::Report(
        c, name,
        zmpi::coll::ScatterTyped(*c, sendbuf, sendcount, st, recvbuf, recvcount, rt, root));
  }
  size_t block = at_root ? send_bytes : recv_bytes;
  return zmpi::abi::Report(c, name, zmpi::coll::Scatter(*c, sendbuf, recvbuf, block, root));
}

template <typename Count>
int AllgatherImpl(const char* name, const void* sendbuf, Count sendcount, MPI_Datatype sendtype,
                  void* recvbuf, Count recvcount, MPI_Datatype recvtype, MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  size_t send_bytes = 0, recv_bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Allgatherv(
        name, c, sendbuf, sendcount, sendtype, recvbuf, zmpi::coll::CountsView::All(recvcount),
        zmpi::coll::CountsView::Strided(recvcount), static_cast<const Count*>(nullptr),
        static_cast<const Count*>(nullptr), false, recvcount, recvtype);
  }
  if (sendbuf != MPI_IN_PLACE) {
    ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, sendcount, sendtype, &send_bytes, &st));
  }
  ZMPI_CHECK_ARG(c, name, CheckBlock(recvbuf, recvcount, recvtype, &recv_bytes, &rt));
  if (!PlainType(st) || !PlainType(rt)) [[unlikely]] {
    return zmpi::abi::Report(
        c, name, zmpi::coll::AllgatherTyped(*c, sendbuf, sendcount, st, recvbuf, recvcount, *rt));
  }
  return zmpi::abi::Report(c, name, zmpi::coll::Allgather(*c, sendbuf, recvbuf, recv_bytes));
}

template <typename Count>
int AlltoallImpl(const char* name, const void* sendbuf, Count sendcount, MPI_Datatype sendtype,
                 void* recvbuf, Count recvcount, MPI_Datatype recvtype, MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  size_t send_bytes = 0, recv_bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Alltoallv(
        name, c, sendbuf, zmpi::coll::CountsView::All(sendcount),
        zmpi::coll::CountsView::Strided(sendcount), static_cast<const Count*>(nullptr),
        static_cast<const Count*>(nullptr), sendtype, recvbuf,
        zmpi::coll::CountsView::All(recvcount), zmpi::coll::CountsView::Strided(recvcount),
        static_cast<const Count*>(nullptr), static_cast<const Count*>(nullptr), recvtype, false);
  }
  if (sendbuf != MPI_IN_PLACE) {
    ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, sendcount, sendtype, &send_bytes, &st));
  }
  ZMPI_CHECK_ARG(c, name, CheckBlock(recvbuf, recvcount, recvtype, &recv_bytes, &rt));
  if (!PlainType(st) || !PlainType(rt)) [[unlikely]] {
    return zmpi::abi::Report(
        c, name, zmpi::coll::AlltoallTyped(*c, sendbuf, sendcount, st, recvbuf, recvcount, *rt));
  }
  return zmpi::abi::Report(c, name, zmpi::coll::Alltoall(*c, sendbuf, recvbuf, recv_bytes));
}

}  // namespace

ZMPI_API int PMPI_Barrier(MPI_Comm comm) {
  ZMPI_ENTER("MPI_Barrier");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Barrier", zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::Barrier("MPI_Barrier", c);
  }
  return zmpi::abi::Report(c, "MPI_Barrier", zmpi::coll::Barrier(*c));
}

ZMPI_API int PMPI_Bcast(void* buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm) {
  return BcastImpl("MPI_Bcast", buffer, count, datatype, root, comm);
}
ZMPI_API int PMPI_Bcast_c(void* buffer, MPI_Count count, MPI_Datatype datatype, int root,
                          MPI_Comm comm) {
  return BcastImpl("MPI_Bcast_c", buffer, count, datatype, root, comm);
}

ZMPI_API int PMPI_Reduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype,
                         MPI_Op op, int root, MPI_Comm comm) {
  return ReduceImpl("MPI_Reduce", sendbuf, recvbuf, count, datatype, op, root, comm);
}
ZMPI_API int PMPI_Reduce_c(const void* sendbuf, void* recvbuf, MPI_Count count,
                           MPI_Datatype datatype, MPI_Op op, int root, MPI_Comm comm) {
  return ReduceImpl("MPI_Reduce_c", sendbuf, recvbuf, count, datatype, op, root, comm);
}

ZMPI_API int PMPI_Allreduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype,
                            MPI_Op op, MPI_Comm comm) {
  return AllreduceImpl("MPI_Allreduce", sendbuf, recvbuf, count, datatype, op, comm);
}
ZMPI_API int PMPI_Allreduce_c(const void* sendbuf, void* recvbuf, MPI_Count count,
                              MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  return AllreduceImpl("MPI_Allreduce_c", sendbuf, recvbuf, count, datatype, op, comm);
}

ZMPI_API int PMPI_Gather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                         int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm) {
  return GatherImpl("MPI_Gather", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root,
                    comm);
}
ZMPI_API int PMPI_Gather_c(const void* sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                           void* recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, int root,
                           MPI_Comm comm) {
  return GatherImpl("MPI_Gather_c", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                    root, comm);
}

ZMPI_API int PMPI_Scatter(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                          int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm) {
  return ScatterImpl("MPI_Scatter", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                     root, comm);
}
ZMPI_API int PMPI_Scatter_c(const void* sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                            void* recvbuf, MPI_Count recvcount, MPI_Datatype recvtype, int root,
                            MPI_Comm comm) {
  return ScatterImpl("MPI_Scatter_c", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                     root, comm);
}

ZMPI_API int PMPI_Allgather(const void* sendbuf, int sendcount, MPI_Datatype sendtype,
                            void* recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm) {
  return AllgatherImpl("MPI_Allgather", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                       comm);
}
ZMPI_API int PMPI_Allgather_c(const void* sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                              void* recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                              MPI_Comm comm) {
  return AllgatherImpl("MPI_Allgather_c", sendbuf, sendcount, sendtype, recvbuf, recvcount,
                       recvtype, comm);
}

ZMPI_API int PMPI_Alltoall(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                           int recvcount, MPI_Datatype recvtype, MPI_Comm comm) {
  return AlltoallImpl("MPI_Alltoall", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                      comm);
}
ZMPI_API int PMPI_Alltoall_c(const void* sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                             void* recvbuf, MPI_Count recvcount, MPI_Datatype recvtype,
                             MPI_Comm comm) {
  return AlltoallImpl("MPI_Alltoall_c", sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype,
                      comm);
}

#include "mpi/abi/coll_aliases.inc"
