// The reducing collectives beyond Reduce/Allreduce (Reduce_scatter, Reduce_scatter_block,
// Scan, Exscan, their _c forms) and MPI_Reduce_local: argument checks, then
// mpi/coll/reducing.h.
#include "mpi/abi/coll_args.h"
#include "mpi/abi/coll_inter.h"
#include "mpi/abi/entry.h"
#include "mpi/coll/counts.h"
#include "mpi/coll/reducing.h"

using zmpi::Code;
using zmpi::abi::CheckAliasing;
using zmpi::abi::CheckBlock;
using zmpi::abi::CheckOp;
using zmpi::abi::CheckVBlocks;
using zmpi::abi::Report;
using zmpi::coll::CountsView;
using zmpi::core::Comm;
using zmpi::core::Datatype;

namespace {

// Reduce_scatter's checks: counts, type, op, and the buffers of the whole vector (send side)
// and of this rank's block.
template <typename Count>
zmpi::Status CheckReduceScatter(const Comm& c, const void* sendbuf, void* recvbuf,
                                const Count* recvcounts, MPI_Datatype datatype, MPI_Op op,
                                const Datatype** t) {
  int64_t total = 0;
  const void* vector = sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
  ZMPI_RETURN_IF_ERROR(CheckVBlocks(vector, recvcounts, static_cast<const Count*>(nullptr), false,
                                    c.size(), datatype, t, &total));
  ZMPI_RETURN_IF_ERROR(zmpi::abi::CheckBuffer(recvbuf, recvcounts[c.rank()], **t));
  ZMPI_RETURN_IF_ERROR(CheckAliasing(sendbuf, recvbuf, total * (*t)->size));
  const Datatype* base = nullptr;
  return CheckOp(op, **t, &base);
}

template <typename Count>
int ReduceScatterImpl(const char* name, const void* sendbuf, void* recvbuf, const Count* recvcounts,
                      MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::ReduceScatter(name, c, sendbuf, recvbuf, recvcounts, false, Count{0},
                                           datatype, op);
  }
  ZMPI_CHECK_ARG(c, name, CheckReduceScatter(*c, sendbuf, recvbuf, recvcounts, datatype, op, &t));
  return Report(
      c, name, zmpi::coll::ReduceScatter(*c, sendbuf, recvbuf, CountsView::Of(recvcounts), *t, op));
}

template <typename Count>
int ReduceScatterBlockImpl(const char* name, const void* sendbuf, void* recvbuf, Count recvcount,
                           MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  size_t bytes = 0;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return zmpi::abi::inter::ReduceScatter(name, c, sendbuf, recvbuf,
                                           static_cast<const Count*>(nullptr), true, recvcount,
                                           datatype, op);
  }
  ZMPI_CHECK_ARG(c, name, CheckBlock(recvbuf, recvcount, datatype, &bytes, &t));
  ZMPI_CHECK_ARG(c, name, zmpi::abi::CheckBuffer(sendbuf, recvcount, *t));
  ZMPI_CHECK_ARG(c, name, CheckAliasing(sendbuf, recvbuf, bytes));
  const Datatype* base = nullptr;
  ZMPI_CHECK_ARG(c, name, CheckOp(op, *t, &base));
  return Report(
      c, name, zmpi::coll::ReduceScatter(*c, sendbuf, recvbuf, CountsView::All(recvcount), *t, op));
}

template <typename Count>
int ScanImpl(const char* name, bool exclusive, const void* sendbuf, void* recvbuf, Count count,
             MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  ZMPI_ENTER(name);
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  size_t bytes = 0;
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckComm(comm, &c));
  if (c->is_inter()) [[unlikely]] {
    return Report(c, name, zmpi::abi::inter::NoInterScan());
  }
  ZMPI_CHECK_ARG(c, name, CheckBlock(sendbuf, count, datatype, &bytes, &t));
  ZMPI_CHECK_ARG(c, name, zmpi::abi::CheckBuffer(recvbuf, count, *t));
  ZMPI_CHECK_ARG(c, name, CheckAliasing(sendbuf, recvbuf, bytes));
  const Datatype* base = nullptr;
  ZMPI_CHECK_ARG(c, name, CheckOp(op, *t, &base));
  if (exclusive) {
    return Report(c, name, zmpi::coll::Exscan(*c, sendbuf, recvbuf, count, *t, op));
  }
  return Report(c, name, zmpi::coll::Scan(*c, sendbuf, recvbuf, count, *t, op));
}

template <typename Count>
int ReduceLocalImpl(const char* name, const void* inbuf, void* inoutbuf, Count count,
                    MPI_Datatype datatype, MPI_Op op) {
  ZMPI_ENTER(name);
  const Datatype* t = nullptr;
  size_t bytes = 0;
  ZMPI_CHECK_ARG(nullptr, name, CheckBlock(inbuf, count, datatype, &bytes, &t));
  if (inbuf == MPI_IN_PLACE || inoutbuf == MPI_IN_PLACE) {
    ZMPI_CHECK_ARG(nullptr, name,
                   zmpi::Error(Code::kBuffer, "MPI_IN_PLACE is not valid in MPI_Reduce_local"));
  }
  ZMPI_CHECK_ARG(nullptr, name, zmpi::abi::CheckBuffer(inoutbuf, count, *t));
  ZMPI_CHECK_ARG(nullptr, name, CheckAliasing(inbuf, inoutbuf, bytes));
  const Datatype* base = nullptr;
  ZMPI_CHECK_ARG(nullptr, name, CheckOp(op, *t, &base));
  return Report(nullptr, name, zmpi::coll::ReduceLocal(inbuf, inoutbuf, count, *t, op));
}

}  // namespace

ZMPI_API int PMPI_Reduce_scatter(const void* sendbuf, void* recvbuf, const int recvcounts[],
                                 MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  return ReduceScatterImpl("MPI_Reduce_scatter", sendbuf, recvbuf, recvcounts, datatype, op, comm);
}
ZMPI_API int PMPI_Reduce_scatter_c(const void* sendbuf, void* recvbuf, const MPI_Count recvcounts[],
                                   MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  return ReduceScatterImpl("MPI_Reduce_scatter_c", sendbuf, recvbuf, recvcounts, datatype, op,
                           comm);
}

ZMPI_API int PMPI_Reduce_scatter_block(const void* sendbuf, void* recvbuf, int recvcount,
                                       MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  return ReduceScatterBlockImpl("MPI_Reduce_scatter_block", sendbuf, recvbuf, recvcount, datatype,
                                op, comm);
}
ZMPI_API int PMPI_Reduce_scatter_block_c(const void* sendbuf, void* recvbuf, MPI_Count recvcount,
                                         MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  return ReduceScatterBlockImpl("MPI_Reduce_scatter_block_c", sendbuf, recvbuf, recvcount, datatype,
                                op, comm);
}

ZMPI_API int PMPI_Scan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype,
                       MPI_Op op, MPI_Comm comm) {
  return ScanImpl("MPI_Scan", false, sendbuf, recvbuf, count, datatype, op, comm);
}
ZMPI_API int PMPI_Scan_c(const void* sendbuf, void* recvbuf, MPI_Count count, MPI_Datatype datatype,
                         MPI_Op op, MPI_Comm comm) {
  return ScanImpl("MPI_Scan_c", false, sendbuf, recvbuf, count, datatype, op, comm);
}

ZMPI_API int PMPI_Exscan(const void* sendbuf, void* recvbuf, int count, MPI_Datatype datatype,
                         MPI_Op op, MPI_Comm comm) {
  return ScanImpl("MPI_Exscan", true, sendbuf, recvbuf, count, datatype, op, comm);
}
ZMPI_API int PMPI_Exscan_c(const void* sendbuf, void* recvbuf, MPI_Count count,
                           MPI_Datatype datatype, MPI_Op op, MPI_Comm comm) {
  return ScanImpl("MPI_Exscan_c", true, sendbuf, recvbuf, count, datatype, op, comm);
}

ZMPI_API int PMPI_Reduce_local(const void* inbuf, void* inoutbuf, int count, MPI_Datatype datatype,
                               MPI_Op op) {
  return ReduceLocalImpl("MPI_Reduce_local", inbuf, inoutbuf, count, datatype, op);
}
ZMPI_API int PMPI_Reduce_local_c(const void* inbuf, void* inoutbuf, MPI_Count count,
                                 MPI_Datatype datatype, MPI_Op op) {
  return ReduceLocalImpl("MPI_Reduce_local_c", inbuf, inoutbuf, count, datatype, op);
}

#include "mpi/abi/coll_reduce_aliases.inc"
