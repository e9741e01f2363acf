// User-defined reduction operations (MPI_Op_create, MPI_Op_create_c): a table of the user's
// functions named by MPICH-encoded op handles (indirect, kind kOp), beside the predefined
// operations of op.h.
#ifndef ZMPI_MPI_CORE_USER_OP_H_
#define ZMPI_MPI_CORE_USER_OP_H_

#include <cstddef>
#include <cstdint>

#include "common/status.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

struct UserOp {
  MPI_User_function* fn = nullptr;      // exactly one of fn, fn_c is set
  MPI_User_function_c* fn_c = nullptr;  // the large-count form
  bool commutative = true;
};

// Stores `op` and returns its new handle. Thread-safe.
MPI_Op CreateUserOp(const UserOp& op);
// Copies the op named by `handle` into *op; false if `handle` is no live user op. Thread-safe.
bool FindUserOp(MPI_Op handle, UserOp* op);
inline bool IsUserOp(MPI_Op handle) {
  UserOp op;
  return FindUserOp(handle, &op);
}
// Removes a user op; kOp if `handle` is none (a predefined op, MPI_OP_NULL, freed). Calls
// already running keep their copy of the function.
Status FreeUserOp(MPI_Op handle);

// inout[i] = in[i] (op) inout[i] for `count` elements of `datatype` in its own layout: calls the
// user's function, in pieces of at most INT_MAX elements (`extent` bytes apart) for the int form.
void CallUserOp(const UserOp& op, const void* in, void* inout, int64_t count, MPI_Datatype datatype,
                size_t extent);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_USER_OP_H_
