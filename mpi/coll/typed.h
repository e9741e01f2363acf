// Collectives on datatypes whose data are not count * size bytes at buf (derived types): the
// cold path beside coll.h. Each packs the send side into a staging buffer, runs the byte (or
// base-type) collective on packed data, and unpacks the receive side. Reductions run on the
// type's base predefined type, so they need a type made of one basic type (the caller checks).
// Either type may be plain; a type the call does not use at this rank may be nullptr.
#ifndef ZMPI_MPI_COLL_TYPED_H_
#define ZMPI_MPI_COLL_TYPED_H_

#include <cstdint>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/datatype.h"

namespace zmpi::coll {

// True when (buf, count, type) is count * size bytes at buf: the plain collectives take it.
inline bool PlainType(const core::Datatype* t) {
  return t == nullptr || t->type == nullptr || (t->contiguous && t->true_lb == 0);
}

Status BcastTyped(core::Comm& comm, void* buf, int64_t count, const core::Datatype& type, int root);
Status GatherTyped(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                   const core::Datatype* sendtype, void* recvbuf, int64_t recvcount,
                   const core::Datatype* recvtype, int root);
Status ScatterTyped(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                    const core::Datatype* sendtype, void* recvbuf, int64_t recvcount,
                    const core::Datatype* recvtype, int root);
Status AllgatherTyped(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                      const core::Datatype* sendtype, void* recvbuf, int64_t recvcount,
                      const core::Datatype& recvtype);
Status AlltoallTyped(core::Comm& comm, const void* sendbuf, int64_t sendcount,
                     const core::Datatype* sendtype, void* recvbuf, int64_t recvcount,
                     const core::Datatype& recvtype);
// `base` is the predefined type every basic element of `type` has.
Status ReduceTyped(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
                   const core::Datatype& type, const core::Datatype& base, MPI_Op op, int root);
Status AllreduceTyped(core::Comm& comm, const void* sendbuf, void* recvbuf, int64_t count,
                      const core::Datatype& type, const core::Datatype& base, MPI_Op op);

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_TYPED_H_
