#include "mpi/coll/typed.h"

#include <memory>

#include "mpi/coll/coll.h"
#include "mpi/core/derived_op.h"

namespace zmpi::coll {
namespace {

using core::Datatype;

// A staging buffer of `count` elements of `type`, packed.
struct Packed {
  Packed(int64_t count, const Datatype& type)
      : bytes(count * static_cast<int64_t>(type.size)),
        data(new char[bytes > 0 ? static_cast<size_t>(bytes) : 1]) {}
  int64_t bytes;
  std::unique_ptr<char[]> data;
};

Packed PackOf(const void* buf, int64_t count, const Datatype& type) {
  Packed p(count, type);
  core::PackTyped(buf, count, type, p.data.get());
  return p;
}

void UnpackTo(const Packed& p, void* buf, int64_t count, const Datatype& type) {
  core::UnpackTyped(p.data.get(), p.bytes, buf, count, type);
}

}  // namespace

Status BcastTyped(core::Comm& comm, void* buf, int64_t count, const Datatype& type, int root) {
  Packed p(count, type);
  if (comm.rank() == root) core::PackTyped(buf, count, type, p.data.get());
  ZMPI_RETURN_IF_ERROR(Bcast(comm, p.data.get(), static_cast<size_t>(p.bytes), root));
  if (comm.rank() != root) UnpackTo(p, buf, count, type);
  return OkStatus();
}

Status GatherTyped(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                   const Datatype* sendtype, void* recvbuf, int64_t recvcount,
                   const Datatype* recvtype, int root) {
  const bool at_root = comm.rank() == root;
  const bool in_place = sendbuf == kInPlace;
  const int64_t n = comm.size();
  Packed send = in_place ? Packed(0, *recvtype) : PackOf(sendbuf, sendcount, *sendtype);
  if (!at_root)
    return Gather(comm, send.data.get(), nullptr, static_cast<size_t>(send.bytes), root);
  // The root's own block stays where it is when in place: pack the whole receive buffer.
  Packed recv =
      in_place ? PackOf(recvbuf, n * recvcount, *recvtype) : Packed(n * recvcount, *recvtype);
  const size_t block = static_cast<size_t>(recvcount) * recvtype->size;
  ZMPI_RETURN_IF_ERROR(
      Gather(comm, in_place ? kInPlace : send.data.get(), recv.data.get(), block, root));
  UnpackTo(recv, recvbuf, n * recvcount, *recvtype);
  return OkStatus();
}

Status ScatterTyped(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                    const Datatype* sendtype, void* recvbuf, int64_t recvcount,
                    const Datatype* recvtype, int root) {
  const bool at_root = comm.rank() == root;
  const bool in_place = recvbuf == kInPlace;
  const int64_t n = comm.size();
  if (!at_root) {
    Packed recv(recvcount, *recvtype);
    ZMPI_RETURN_IF_ERROR(
        Scatter(comm, nullptr, recv.data.get(), static_cast<size_t>(recv.bytes), root));
    UnpackTo(recv, recvbuf, recvcount, *recvtype);
    return OkStatus();
  }
  Packed send = PackOf(sendbuf, n * sendcount, *sendtype);
  const size_t block = static_cast<size_t>(sendcount) * sendtype->size;
  if (in_place) return Scatter(comm, send.data.get(), MPI_IN_PLACE, block, root);
  Packed recv(recvcount, *recvtype);
  ZMPI_RETURN_IF_ERROR(Scatter(comm, send.data.get(), recv.data.get(), block, root));
  UnpackTo(recv, recvbuf, recvcount, *recvtype);
  return OkStatus();
}

Status AllgatherTyped(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                      const Datatype* sendtype, void* recvbuf, int64_t recvcount,
                      const Datatype& recvtype) {
  const bool in_place = sendbuf == kInPlace;
  const int64_t n = comm.size();
  Packed send = in_place ? Packed(0, recvtype) : PackOf(sendbuf, sendcount, *sendtype);
  Packed recv =
      in_place ? PackOf(recvbuf, n * recvcount, recvtype) : Packed(n * recvcount, recvtype);
  const size_t block = static_cast<size_t>(recvcount) * recvtype.size;
  ZMPI_RETURN_IF_ERROR(
      Allgather(comm, in_place ? kInPlace : send.data.get(), recv.data.get(), block));
  UnpackTo(recv, recvbuf, n * recvcount, recvtype);
  return OkStatus();
}

Status AlltoallTyped(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                     const Datatype* sendtype, void* recvbuf, int64_t recvcount,
                     const Datatype& recvtype) {
  const bool in_place = sendbuf == kInPlace;
  const int64_t n = comm.size();
  Packed send = in_place ? Packed(0, recvtype) : PackOf(sendbuf, n * sendcount, *sendtype);
  Packed recv =
      in_place ? PackOf(recvbuf, n * recvcount, recvtype) : Packed(n * recvcount, recvtype);
  const size_t block = static_cast<size_t>(recvcount) * recvtype.size;
  ZMPI_RETURN_IF_ERROR(
      Alltoall(comm, in_place ? kInPlace : send.data.get(), recv.data.get(), block));
  UnpackTo(recv, recvbuf, n * recvcount, recvtype);
  return OkStatus();
}

Status ReduceTyped(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
                   const Datatype& type, const Datatype& base, MPI_Op op, int root) {
  const bool at_root = comm.rank() == root;
  const bool in_place = sendbuf == kInPlace;
  const size_t elements = static_cast<size_t>(count) * (type.size / base.size);
  Packed send = in_place ? Packed(0, type) : PackOf(sendbuf, count, type);
  Packed recv =
      at_root && in_place ? PackOf(recvbuf, count, type) : Packed(at_root ? count : 0, type);
  ZMPI_RETURN_IF_ERROR(Reduce(comm, in_place ? kInPlace : send.data.get(),
                              at_root ? recv.data.get() : nullptr, elements, base, op, root));
  if (at_root) UnpackTo(recv, recvbuf, count, type);
  return OkStatus();
}

Status AllreduceTyped(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
                      const Datatype& type, const Datatype& base, MPI_Op op) {
  const bool in_place = sendbuf == kInPlace;
  const size_t elements = static_cast<size_t>(count) * (type.size / base.size);
  Packed send = in_place ? Packed(0, type) : PackOf(sendbuf, count, type);
  Packed recv = in_place ? PackOf(recvbuf, count, type) : Packed(count, type);
  ZMPI_RETURN_IF_ERROR(
      Allreduce(comm, in_place ? kInPlace : send.data.get(), recv.data.get(), elements, base, op));
  UnpackTo(recv, recvbuf, count, type);
  return OkStatus();
}

}  // namespace zmpi::coll
