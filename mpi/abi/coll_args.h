// Argument checks shared by the collective entry points (blocking, non-blocking, persistent):
// each returns OK or the error class the standard asks for.
#ifndef ZMPI_MPI_ABI_COLL_ARGS_H_
#define ZMPI_MPI_ABI_COLL_ARGS_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/abi/entry.h"
#include "mpi/core/datatype.h"
#include "mpi/core/op.h"
#include "mpi/include/mpi.h"

namespace zmpi::abi {

// Checks a (buffer, count, datatype) triple; `bytes` gets count * size.
inline Status CheckBlock(const void* buf, int count, MPI_Datatype datatype, size_t* bytes,
                         const core::Datatype** type = nullptr) {
  const core::Datatype* t = nullptr;
  ZMPI_RETURN_IF_ERROR(CheckCount(count));
  ZMPI_RETURN_IF_ERROR(CheckType(datatype, &t));
  if (buf != MPI_IN_PLACE) ZMPI_RETURN_IF_ERROR(CheckBuffer(buf, count, *t));
  *bytes = static_cast<size_t>(count) * t->size;
  if (type) *type = t;
  return OkStatus();
}

// Checks `op` on `type`; *base gets the predefined type the reduction runs on (the type
// itself, or a derived type's one basic type).
inline Status CheckOp(MPI_Op op, const core::Datatype& type, const core::Datatype** base) {
  if (!core::IsPredefinedOp(op)) return Error(Code::kOp, "invalid op 0x%x", op);
  *base = &type;
  if (type.type != nullptr) {
    *base = core::FindDatatype(type.base);
    if (*base == nullptr) {
      return Error(Code::kOp,
                   "predefined operations need a datatype made of one "
                   "predefined type");
    }
  }
  return core::CheckOpType(op, **base);
}

inline Status CheckAliasing(const void* sendbuf, const void* recvbuf, size_t bytes) {
  if (bytes > 0 && sendbuf == recvbuf && sendbuf != MPI_IN_PLACE) {
    return Error(Code::kBuffer, "send and receive buffers are the same; use MPI_IN_PLACE");
  }
  return OkStatus();
}

}  // namespace zmpi::abi

#endif  // ZMPI_MPI_ABI_COLL_ARGS_H_
