// VSide: one side (send or receive) of a v/w-collective as VBlocks over contiguous bytes: the
// user's buffer itself when every type is plain, else one staging buffer holding every block
// packed, filled from the user's buffer on Init (`load`) and unpacked back by Store.
#ifndef ZMPI_MPI_COLL_VSIDE_H_
#define ZMPI_MPI_COLL_VSIDE_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "mpi/coll/counts.h"
#include "mpi/coll/inline_array.h"
#include "mpi/coll/vblocks.h"
#include "mpi/core/datatype.h"

namespace zmpi::coll {

class VSide {
 public:
  // counts[i] elements of `type` at buf + displs[i] extents, for i < n.
  void Init(void* buf, CountsView counts, CountsView displs, const core::Datatype& type, int n,
            bool load);
  // counts[i] elements of types[i] at buf + displs[i] bytes (Alltoallw); types are valid.
  void InitW(void* buf, CountsView counts, CountsView displs, const MPI_Datatype* types, int n,
             bool load);
  VBlocks blocks() { return {base_, bytes_.data(), offsets_.data()}; }
  const size_t* bytes() const { return bytes_.data(); }
  void Store();

 private:
  void Finish(bool load);

  void Resize(int n);

  void* buf_ = nullptr;
  InlineArray<const core::Datatype*> types_;
  InlineArray<int64_t> counts_;
  InlineArray<ptrdiff_t> user_offsets_;  // bytes from buf_
  InlineArray<size_t> bytes_;
  InlineArray<ptrdiff_t> offsets_;  // bytes from base_
  std::unique_ptr<char[]> staging_;
  char* base_ = nullptr;
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_VSIDE_H_
