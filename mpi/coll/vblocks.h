// VBlocks: the per-rank blocks of one side of a v-collective as contiguous bytes: block i is
// bytes[i] bytes at base + offsets[i]. Offsets may be negative and blocks may lie in any order
// (MPI displacements); receive blocks must not overlap.
#ifndef ZMPI_MPI_COLL_VBLOCKS_H_
#define ZMPI_MPI_COLL_VBLOCKS_H_

#include <cstddef>

namespace zmpi::coll {

struct VBlocks {
  char* base = nullptr;
  const size_t* bytes = nullptr;
  const ptrdiff_t* offsets = nullptr;

  char* at(int i) const { return base + offsets[i]; }
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_VBLOCKS_H_
