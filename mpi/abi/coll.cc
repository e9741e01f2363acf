// Collectives: argument checks, then mpi/coll.
#include "mpi/coll/coll.h"

#include "mpi/abi/coll_args.h"
#include "mpi/abi/entry.h"
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

ZMPI_API int PMPI_Barrier(MPI_Comm comm) {
  ZMPI_ENTER("MPI_Barrier");
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Barrier", zmpi::abi::CheckIntraComm(comm, &c));
  return zmpi::abi::Report(c, "MPI_Barrier", zmpi::coll::Barrier(*c));
}

ZMPI_API int PMPI_Bcast(void* buffer, int count, MPI_Datatype datatype, int root, MPI_Comm comm) {
  ZMPI_ENTER("MPI_Bcast");
  Comm* c = nullptr;
  size_t bytes = 0;
  ZMPI_CHECK_ARG(nullptr, "MPI_Bcast", zmpi::abi::CheckIntraComm(comm, &c));
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(c, "MPI_Bcast", CheckBlock(buffer, count, datatype, &bytes, &t));
  ZMPI_CHECK_ARG(c, "MPI_Bcast", zmpi::abi::CheckRoot(*c, root));
  if (!PlainType(t)) [[unlikely]] {
    return zmpi::abi::Report(c, "MPI_Bcast", zmpi::coll::BcastTyped(*c, buffer, count, *t, root));
  }
  return zmpi::abi::Report(c, "MPI_Bcast", zmpi::coll::Bcast(*c, buffer, bytes, root));
}

ZMPI_API int PMPI_Reduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype,
                         MPI_Op op, int root, MPI_Comm comm) {
  ZMPI_ENTER("MPI_Reduce");
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  size_t bytes = 0;
  ZMPI_CHECK_ARG(nullptr, "MPI_Reduce", zmpi::abi::CheckIntraComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Reduce", zmpi::abi::CheckRoot(*c, root));
  ZMPI_CHECK_ARG(c, "MPI_Reduce", CheckBlock(sendbuf, count, datatype, &bytes, &t));
  if (c->rank() == root) {
    ZMPI_CHECK_ARG(c, "MPI_Reduce", zmpi::abi::CheckBuffer(recvbuf, count, *t));
    ZMPI_CHECK_ARG(c, "MPI_Reduce", CheckAliasing(sendbuf, recvbuf, bytes));
  } else if (sendbuf == MPI_IN_PLACE) {
    ZMPI_CHECK_ARG(c, "MPI_Reduce",
                   zmpi::Error(Code::kBuffer, "MPI_IN_PLACE is only valid at the root"));
  }
  const Datatype* base = nullptr;
  ZMPI_CHECK_ARG(c, "MPI_Reduce", CheckOp(op, *t, &base));
  if (base != t) [[unlikely]] {
    if (!PlainType(t)) {
      return zmpi::abi::Report(
          c, "MPI_Reduce",
          zmpi::coll::ReduceTyped(*c, sendbuf, recvbuf, count, *t, *base, op, root));
    }
    return zmpi::abi::Report(
        c, "MPI_Reduce",
        zmpi::coll::Reduce(*c, sendbuf, recvbuf,
                           static_cast<size_t>(count) * (t->size / base->size), *base, op, root));
  }
  return zmpi::abi::Report(c, "MPI_Reduce",
                           zmpi::coll::Reduce(*c, sendbuf, recvbuf, count, *base, op, root));
}

ZMPI_API int PMPI_Allreduce(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype,
                            MPI_Op op, MPI_Comm comm) {
  ZMPI_ENTER("MPI_Allreduce");
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  size_t bytes = 0;
  ZMPI_CHECK_ARG(nullptr, "MPI_Allreduce", zmpi::abi::CheckIntraComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Allreduce", CheckBlock(sendbuf, count, datatype, &bytes, &t));
  ZMPI_CHECK_ARG(c, "MPI_Allreduce", zmpi::abi::CheckBuffer(recvbuf, count, *t));
  ZMPI_CHECK_ARG(c, "MPI_Allreduce", CheckAliasing(sendbuf, recvbuf, bytes));
  const Datatype* base = nullptr;
  ZMPI_CHECK_ARG(c, "MPI_Allreduce", CheckOp(op, *t, &base));
  if (base != t) [[unlikely]] {
    if (!PlainType(t)) {
      return zmpi::abi::Report(
          c, "MPI_Allreduce",
          zmpi::coll::AllreduceTyped(*c, sendbuf, recvbuf, count, *t, *base, op));
    }
    return zmpi::abi::Report(
        c, "MPI_Allreduce",
        zmpi::coll::Allreduce(*c, sendbuf, recvbuf,
                              static_cast<size_t>(count) * (t->size / base->size), *base, op));
  }
  return zmpi::abi::Report(c, "MPI_Allreduce",
                           zmpi::coll::Allreduce(*c, sendbuf, recvbuf, count, *base, op));
}

ZMPI_API int PMPI_Gather(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                         int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm) {
  ZMPI_ENTER("MPI_Gather");
  Comm* c = nullptr;
  size_t send_bytes = 0, recv_bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Gather", zmpi::abi::CheckIntraComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Gather", zmpi::abi::CheckRoot(*c, root));
  bool at_root = c->rank() == root;
  if (!(at_root && sendbuf == MPI_IN_PLACE)) {
    ZMPI_CHECK_ARG(c, "MPI_Gather", CheckBlock(sendbuf, sendcount, sendtype, &send_bytes, &st));
  }
  if (at_root) {
    ZMPI_CHECK_ARG(c, "MPI_Gather", CheckBlock(recvbuf, recvcount, recvtype, &recv_bytes, &rt));
  }
  if (!PlainType(st) || !PlainType(rt)) [[unlikely]] {
    return zmpi::abi::Report(
        c, "MPI_Gather",
        zmpi::coll::GatherTyped(*c, sendbuf, sendcount, st, recvbuf, recvcount, rt, root));
  }
  size_t block = at_root ? recv_bytes : send_bytes;
  return zmpi::abi::Report(c, "MPI_Gather", zmpi::coll::Gather(*c, sendbuf, recvbuf, block, root));
}

ZMPI_API int PMPI_Scatter(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                          int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm) {
  ZMPI_ENTER("MPI_Scatter");
  Comm* c = nullptr;
  size_t send_bytes = 0, recv_bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Scatter", zmpi::abi::CheckIntraComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Scatter", zmpi::abi::CheckRoot(*c, root));
  bool at_root = c->rank() == root;
  if (at_root) {
    ZMPI_CHECK_ARG(c, "MPI_Scatter", CheckBlock(sendbuf, sendcount, sendtype, &send_bytes, &st));
  }
  if (!(at_root && recvbuf == MPI_IN_PLACE)) {
    ZMPI_CHECK_ARG(c, "MPI_Scatter", CheckBlock(recvbuf, recvcount, recvtype, &recv_bytes, &rt));
  }
  if (!PlainType(st) || !PlainType(rt)) [[unlikely]] {
    return zmpi::abi::Report(
        c, "MPI_Scatter",
        zmpi::coll::ScatterTyped(*c, sendbuf, sendcount, st, recvbuf, recvcount, rt, root));
  }
  size_t block = at_root ? send_bytes : recv_bytes;
  return zmpi::abi::Report(c, "MPI_Scatter",
                           zmpi::coll::Scatter(*c, sendbuf, recvbuf, block, root));
}

ZMPI_API int PMPI_Allgather(const void* sendbuf, int sendcount, MPI_Datatype sendtype,
                            void* recvbuf, int recvcount, MPI_Datatype recvtype, MPI_Comm comm) {
  ZMPI_ENTER("MPI_Allgather");
  Comm* c = nullptr;
  size_t send_bytes = 0, recv_bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Allgather", zmpi::abi::CheckIntraComm(comm, &c));
  if (sendbuf != MPI_IN_PLACE) {
    ZMPI_CHECK_ARG(c, "MPI_Allgather", CheckBlock(sendbuf, sendcount, sendtype, &send_bytes, &st));
  }
  ZMPI_CHECK_ARG(c, "MPI_Allgather", CheckBlock(recvbuf, recvcount, recvtype, &recv_bytes, &rt));
  if (!PlainType(st) || !PlainType(rt)) [[unlikely]] {
    return zmpi::abi::Report(
        c, "MPI_Allgather",
        zmpi::coll::AllgatherTyped(*c, sendbuf, sendcount, st, recvbuf, recvcount, *rt));
  }
  return zmpi::abi::Report(c, "MPI_Allgather",
                           zmpi::coll::Allgather(*c, sendbuf, recvbuf, recv_bytes));
}

ZMPI_API int PMPI_Alltoall(const void* sendbuf, int sendcount, MPI_Datatype sendtype, void* recvbuf,
                           int recvcount, MPI_Datatype recvtype, MPI_Comm comm) {
  ZMPI_ENTER("MPI_Alltoall");
  Comm* c = nullptr;
  size_t send_bytes = 0, recv_bytes = 0;
  const Datatype *st = nullptr, *rt = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Alltoall", zmpi::abi::CheckIntraComm(comm, &c));
  if (sendbuf != MPI_IN_PLACE) {
    ZMPI_CHECK_ARG(c, "MPI_Alltoall", CheckBlock(sendbuf, sendcount, sendtype, &send_bytes, &st));
  }
  ZMPI_CHECK_ARG(c, "MPI_Alltoall", CheckBlock(recvbuf, recvcount, recvtype, &recv_bytes, &rt));
  if (!PlainType(st) || !PlainType(rt)) [[unlikely]] {
    return zmpi::abi::Report(
        c, "MPI_Alltoall",
        zmpi::coll::AlltoallTyped(*c, sendbuf, sendcount, st, recvbuf, recvcount, *rt));
  }
  return zmpi::abi::Report(c, "MPI_Alltoall",
                           zmpi::coll::Alltoall(*c, sendbuf, recvbuf, recv_bytes));
}

#include "mpi/abi/coll_aliases.inc"
