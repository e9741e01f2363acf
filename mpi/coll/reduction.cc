#include "mpi/coll/reduction.h"

#include "mpi/coll/typed.h"
#include "mpi/core/derived_op.h"
#include "mpi/core/op.h"

namespace zmpi::coll {

UserReducer::UserReducer(const core::UserOp& op, const core::Datatype& type)
    : op_(op), type_(type), plain_(PlainType(&type)) {}

void UserReducer::Apply(const void* in, void* inout, size_t count) const {
  if (count == 0) return;
  if (plain_) {
    core::CallUserOp(op_, in, inout, static_cast<int64_t>(count), type_.handle, type_.extent);
    return;
  }
  // The layout of `count` elements: the first data byte true_lb from buf, the last
  // (count - 1) * extent + true_extent after it.
  const size_t span = (count - 1) * type_.extent + type_.true_extent;
  left_.resize(span);
  right_.resize(span);
  char* left = left_.data() - type_.true_lb;
  char* right = right_.data() - type_.true_lb;
  const int64_t n = static_cast<int64_t>(count);
  const int64_t bytes = n * static_cast<int64_t>(type_.size);
  core::UnpackTyped(in, bytes, left, n, type_);
  core::UnpackTyped(inout, bytes, right, n, type_);
  core::CallUserOp(op_, left, right, n, type_.handle, type_.extent);
  core::PackTyped(right, n, type_, inout);
}

Status Reduction::Init(MPI_Op op, const core::Datatype& type) {
  type_ = &type;
  staged_ = !PlainType(&type);
  if (!core::IsPredefinedOp(op)) {
    core::UserOp user;
    if (!core::FindUserOp(op, &user)) return Error(Code::kOp, "invalid op 0x%x", op);
    user_reducer_.emplace(user, type);
    reducer_ = &*user_reducer_;
    per_element_ = 1;
    return OkStatus();
  }
  const core::Datatype* base = &type;
  if (type.type != nullptr) {
    base = core::FindDatatype(type.base);
    if (base == nullptr) {
      return Error(Code::kOp, "predefined operations need a datatype made of one predefined type");
    }
  }
  ZMPI_RETURN_IF_ERROR(core::CheckOpType(op, *base));
  op_reducer_.emplace(op, *base);
  reducer_ = &*op_reducer_;
  per_element_ = type.size / base->size;
  return OkStatus();
}

Staged::Staged(void* buf, int64_t count, const core::Datatype& type, bool staged, bool load)
    : buf_(buf), count_(count), type_(type), data_(static_cast<char*>(buf)) {
  if (!staged || buf == MPI_IN_PLACE) return;
  int64_t bytes = count * static_cast<int64_t>(type.size);
  staging_.reset(new char[bytes > 0 ? bytes : 1]);
  data_ = staging_.get();
  if (load && count > 0) core::PackTyped(buf, count, type, data_);
}

void Staged::Store() {
  if (staging_ == nullptr || count_ == 0) return;
  core::UnpackTyped(staging_.get(), count_ * static_cast<int64_t>(type_.size), buf_, count_, type_);
}

}  // namespace zmpi::coll
