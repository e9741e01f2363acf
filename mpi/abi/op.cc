// User-defined reduction operations: MPI_Op_create(_c), MPI_Op_free, MPI_Op_commutative.
// These belong to no communicator: errors go to MPI_COMM_WORLD's handler.
#include "mpi/core/op.h"

#include "mpi/abi/entry.h"
#include "mpi/core/user_op.h"

using zmpi::Code;
using zmpi::abi::Report;

namespace {

int CreateOp(const char* name, const zmpi::core::UserOp& op, MPI_Op* handle) {
  ZMPI_ENTER(name);
  if (op.fn == nullptr && op.fn_c == nullptr) {
    return Report(nullptr, name, zmpi::Error(Code::kArg, "null user function"));
  }
  if (handle == nullptr) return Report(nullptr, name, zmpi::Error(Code::kArg, "null op pointer"));
  *handle = zmpi::core::CreateUserOp(op);
  return MPI_SUCCESS;
}

}  // namespace

ZMPI_API int PMPI_Op_create(MPI_User_function* user_fn, int commute, MPI_Op* op) {
  zmpi::core::UserOp u;
  u.fn = user_fn;
  u.commutative = commute != 0;
  return CreateOp("MPI_Op_create", u, op);
}

ZMPI_API int PMPI_Op_create_c(MPI_User_function_c* user_fn, int commute, MPI_Op* op) {
  zmpi::core::UserOp u;
  u.fn_c = user_fn;
  u.commutative = commute != 0;
  return CreateOp("MPI_Op_create_c", u, op);
}

ZMPI_API int PMPI_Op_free(MPI_Op* op) {
  ZMPI_ENTER("MPI_Op_free");
  if (op == nullptr) return Report(nullptr, "MPI_Op_free", zmpi::Error(Code::kArg, "null op"));
  if (zmpi::core::IsPredefinedOp(*op)) {
    return Report(nullptr, "MPI_Op_free",
                  zmpi::Error(Code::kOp, "a predefined op cannot be freed"));
  }
  ZMPI_CHECK_ARG(nullptr, "MPI_Op_free", zmpi::core::FreeUserOp(*op));
  *op = MPI_OP_NULL;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Op_commutative(MPI_Op op, int* commute) {
  ZMPI_ENTER("MPI_Op_commutative");
  if (commute == nullptr) {
    return Report(nullptr, "MPI_Op_commutative", zmpi::Error(Code::kArg, "null commute"));
  }
  if (zmpi::core::IsPredefinedOp(op)) {
    *commute = 1;
    return MPI_SUCCESS;
  }
  zmpi::core::UserOp u;
  if (!zmpi::core::FindUserOp(op, &u)) {
    return Report(nullptr, "MPI_Op_commutative", zmpi::Error(Code::kOp, "invalid op 0x%x", op));
  }
  *commute = u.commutative ? 1 : 0;
  return MPI_SUCCESS;
}

#include "mpi/abi/op_aliases.inc"
