// Reduction operations on predefined datatypes.
#ifndef ZMPI_MPI_CORE_OP_H_
#define ZMPI_MPI_CORE_OP_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/core/datatype.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

// Whether `op` is a predefined operation handle (MPI_MAX ... MPI_NO_OP).
bool IsPredefinedOp(MPI_Op op);

// inout[i] = in[i] (op) inout[i] for i < count. Returns kOp for an unknown op and kOp
// (with a message naming both) when the op is not defined on the type (e.g. MPI_BAND on
// MPI_DOUBLE). Order of operands follows MPI: `in` is the left operand.
Status ApplyOp(MPI_Op op, const Datatype& type, const void* in, void* inout, size_t count);

// Whether `op` is defined on `type` (checked once per call, before any data moves).
Status CheckOpType(MPI_Op op, const Datatype& type);

// The function ApplyOp runs for (op, type): inout[i] = in[i] (op) inout[i] for i < count.
// nullptr where ApplyOp would fail or does more than call it (padded pairs such as
// MPI_DOUBLE_INT, which it unpacks first). For callers that look it up once and fold later.
using ReduceFn = void (*)(const void* in, void* inout, size_t count);
ReduceFn FindReduceFn(MPI_Op op, const Datatype& type);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_OP_H_
