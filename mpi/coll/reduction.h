// Reduction: how one reducing collective call runs its op on the user's datatype, whatever
// the pair: a predefined op on a predefined type (its kernel), on a derived type made of one
// predefined type (the kernel on that base type, count * size/base.size elements), or a
// user-defined op on any type (the user's function on whole elements of the user's type,
// with the user's datatype handle). Algorithms always see contiguous packed elements;
// Staged moves the user's buffers to and from that form.
#ifndef ZMPI_MPI_COLL_REDUCTION_H_
#define ZMPI_MPI_COLL_REDUCTION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "common/status.h"
#include "mpi/coll/op_reducer.h"
#include "mpi/coll/reducer.h"
#include "mpi/core/datatype.h"
#include "mpi/core/user_op.h"
#include "mpi/include/mpi.h"

namespace zmpi::coll {

// A Reducer calling a user-defined op. Its elements are packed elements of `type`; when the
// type's data are not plain bytes, each Apply unpacks both operands into the type's layout,
// calls the function there and packs the result, so the function sees real elements.
class UserReducer final : public Reducer {
 public:
  UserReducer(const core::UserOp& op, const core::Datatype& type);
  size_t elem_size() const override { return type_.size; }
  bool commutative() const override { return op_.commutative; }
  void Apply(const void* in, void* inout, size_t count) const override;

 private:
  core::UserOp op_;
  const core::Datatype& type_;
  bool plain_;
  mutable std::vector<char> left_, right_;  // the operands in the type's layout
};

class Reduction {
 public:
  // Picks the reducer for `op` on `type`: kOp if `op` is no op, or a predefined op not
  // defined on the type. `type` outlives this object.
  Status Init(MPI_Op op, const core::Datatype& type);

  const Reducer& reducer() const { return *reducer_; }
  // Reducer elements in `count` elements of the type.
  size_t Elements(int64_t count) const { return static_cast<size_t>(count) * per_element_; }
  // Whether the user's buffers differ from their packed form (Staged copies then).
  bool staged() const { return staged_; }
  const core::Datatype& type() const { return *type_; }

 private:
  const core::Datatype* type_ = nullptr;
  std::optional<OpReducer> op_reducer_;
  std::optional<UserReducer> user_reducer_;
  const Reducer* reducer_ = nullptr;
  size_t per_element_ = 1;
  bool staged_ = false;
};

// `count` elements of `type` at `buf` in packed form: the user's buffer itself when the type
// is plain, else a staging copy (filled from buf when `load`) that Store unpacks back.
class Staged {
 public:
  Staged(void* buf, int64_t count, const core::Datatype& type, bool staged, bool load);
  Staged(const void* buf, int64_t count, const core::Datatype& type, bool staged)
      : Staged(const_cast<void*>(buf), count, type, staged, true) {}
  char* data() { return data_; }
  void Store();

 private:
  void* buf_;
  int64_t count_;
  const core::Datatype& type_;
  std::unique_ptr<char[]> staging_;
  char* data_;
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_REDUCTION_H_
