// Argument checks shared by the collective entry points (blocking, non-blocking, persistent):
// each returns OK or the error class the standard asks for.
#ifndef ZMPI_MPI_ABI_COLL_ARGS_H_
#define ZMPI_MPI_ABI_COLL_ARGS_H_

#include <cstddef>
#include <cstdint>

#include "common/status.h"
#include "mpi/abi/entry.h"
#include "mpi/core/datatype.h"
#include "mpi/core/op.h"
#include "mpi/core/user_op.h"
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

// The large-count form of CheckBlock (MPI_Count count, the _c entry points).
inline Status CheckBlock(const void* buf, MPI_Count count, MPI_Datatype datatype, size_t* bytes,
                         const core::Datatype** type = nullptr) {
  const core::Datatype* t = nullptr;
  if (count < 0) return Error(Code::kCount, "negative count %ld", static_cast<long>(count));
  ZMPI_RETURN_IF_ERROR(CheckType(datatype, &t));
  if (buf != MPI_IN_PLACE && buf == nullptr && count > 0 && t->type == nullptr) {
    return Error(Code::kBuffer, "null buffer with count %ld", static_cast<long>(count));
  }
  *bytes = static_cast<size_t>(count) * t->size;
  if (type) *type = t;
  return OkStatus();
}

// CheckBuffer for the large-count forms.
inline Status CheckBuffer(const void* buf, MPI_Count count, const core::Datatype& type) {
  if (type.type != nullptr || buf != nullptr || count <= 0) return OkStatus();
  return Error(Code::kBuffer, "null buffer with count %ld", static_cast<long>(count));
}

// The per-rank blocks of a v-form: `n` counts (int or MPI_Count) of `datatype` at `buf` +
// displs[i] extents (int or MPI_Aint; displs may be nullptr where the call has none, e.g.
// Reduce_scatter). Checks, in this order: the arrays (MPI_ERR_ARG when null), the type
// (MPI_ERR_TYPE), every count (MPI_ERR_COUNT), the buffer (MPI_ERR_BUFFER when null with data
// of a predefined type; MPI_IN_PLACE passes). `total` gets the sum of the counts.
template <typename CountT, typename DisplT>
inline Status CheckVBlocks(const void* buf, const CountT* counts, const DisplT* displs,
                           bool need_displs, int n, MPI_Datatype datatype,
                           const core::Datatype** type, int64_t* total = nullptr) {
  if (counts == nullptr && n > 0) return Error(Code::kArg, "null counts array");
  if (need_displs && displs == nullptr && n > 0) {
    return Error(Code::kArg, "null displacements array");
  }
  const core::Datatype* t = nullptr;
  ZMPI_RETURN_IF_ERROR(CheckType(datatype, &t));
  int64_t sum = 0;
  for (int i = 0; i < n; ++i) {
    if (counts[i] < 0) {
      return Error(Code::kCount, "negative count %ld for rank %d", static_cast<long>(counts[i]), i);
    }
    sum += static_cast<int64_t>(counts[i]);
  }
  if (buf == nullptr && sum > 0 && t->type == nullptr) {
    return Error(Code::kBuffer, "null buffer with %ld elements", static_cast<long>(sum));
  }
  *type = t;
  if (total) *total = sum;
  return OkStatus();
}

// The per-rank blocks of Alltoallw: per-rank counts and types, byte displacements from buf.
template <typename CountT, typename DisplT>
inline Status CheckWBlocks(const void* buf, const CountT* counts, const DisplT* displs,
                           const MPI_Datatype* types, int n) {
  if (counts == nullptr && n > 0) return Error(Code::kArg, "null counts array");
  if (displs == nullptr && n > 0) return Error(Code::kArg, "null displacements array");
  if (types == nullptr && n > 0) return Error(Code::kArg, "null datatypes array");
  // With buf == MPI_BOTTOM (null) the byte displacements are absolute addresses: only a
  // block of a predefined type at address 0 is a null buffer.
  int null_block = -1;
  for (int i = 0; i < n; ++i) {
    const core::Datatype* t = nullptr;
    ZMPI_RETURN_IF_ERROR(CheckType(types[i], &t));
    if (counts[i] < 0) {
      return Error(Code::kCount, "negative count %ld for rank %d", static_cast<long>(counts[i]), i);
    }
    if (counts[i] > 0 && t->type == nullptr && displs[i] == 0 && null_block < 0) null_block = i;
  }
  if (buf == nullptr && null_block >= 0) {
    return Error(Code::kBuffer, "null buffer for the data of rank %d (a predefined type)",
                 null_block);
  }
  return OkStatus();
}

// Checks `op` on `type`; *base gets the predefined type the reduction runs on (the type
// itself, or a derived type's one basic type).
// A user-defined op takes any type: *base is the type itself.
inline Status CheckOp(MPI_Op op, const core::Datatype& type, const core::Datatype** base) {
  *base = &type;
  if (!core::IsPredefinedOp(op)) {
    return core::IsUserOp(op) ? OkStatus() : Error(Code::kOp, "invalid op 0x%x", op);
  }
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

// Send and receive buffers must differ (MPI_IN_PLACE is the way to share one). Both MPI_BOTTOM
// (nullptr) is fine: derived types with absolute addresses tell the data apart.
inline Status CheckAliasing(const void* sendbuf, const void* recvbuf, size_t bytes) {
  if (bytes > 0 && sendbuf == recvbuf && sendbuf != MPI_IN_PLACE && sendbuf != nullptr) {
    return Error(Code::kBuffer, "send and receive buffers are the same; use MPI_IN_PLACE");
  }
  return OkStatus();
}

}  // namespace zmpi::abi

#endif  // ZMPI_MPI_ABI_COLL_ARGS_H_
