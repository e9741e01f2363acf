#include "mpi/core/user_op.h"

#include <algorithm>
#include <climits>
#include <memory>
#include <mutex>

#include "mpi/core/handles.h"

namespace zmpi::core {
namespace {

struct Table {
  std::mutex mu;
  HandleTable<UserOp, HandleKind::kOp> ops;
};

Table& Ops() {
  static Table* table = new Table;  // never destroyed: ops may be freed during exit
  return *table;
}

}  // namespace

MPI_Op CreateUserOp(const UserOp& op) {
  Table& t = Ops();
  std::lock_guard<std::mutex> lock(t.mu);
  return t.ops.Add(std::make_unique<UserOp>(op));
}

bool FindUserOp(MPI_Op handle, UserOp* op) {
  Table& t = Ops();
  std::lock_guard<std::mutex> lock(t.mu);
  const UserOp* found = t.ops.Find(handle);
  if (found == nullptr) return false;
  *op = *found;
  return true;
}

Status FreeUserOp(MPI_Op handle) {
  Table& t = Ops();
  std::lock_guard<std::mutex> lock(t.mu);
  if (!t.ops.Remove(handle)) return Error(Code::kOp, "op 0x%x is not a user-defined op", handle);
  return OkStatus();
}

void CallUserOp(const UserOp& op, const void* in, void* inout, int64_t count, MPI_Datatype datatype,
                size_t extent) {
  MPI_Datatype type = datatype;
  void* a = const_cast<void*>(in);
  if (op.fn_c != nullptr) {
    MPI_Count len = count;
    op.fn_c(a, inout, &len, &type);
    return;
  }
  // The int form takes at most INT_MAX elements a call: later pieces start whole elements on,
  // which the caller's layout spaces by the type's extent.
  int64_t done = 0;
  while (done < count) {
    int len = static_cast<int>(std::min<int64_t>(count - done, INT_MAX));
    op.fn(static_cast<char*>(a) + done * extent, static_cast<char*>(inout) + done * extent, &len,
          &type);
    done += len;
  }
}

}  // namespace zmpi::core
