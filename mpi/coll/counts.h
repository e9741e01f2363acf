// CountsView: the per-rank counts or displacements of a v-collective as the caller passed
// them (int arrays, MPI_Count/MPI_Aint arrays of the _c forms, or one value for every rank),
// read without copying.
#ifndef ZMPI_MPI_COLL_COUNTS_H_
#define ZMPI_MPI_COLL_COUNTS_H_

#include <cstdint>

#include "mpi/include/mpi.h"

namespace zmpi::coll {

struct CountsView {
  const int* ints = nullptr;
  const MPI_Count* longs = nullptr;  // MPI_Aint is the same type
  int64_t uniform = 0;

  static CountsView Of(const int* a) { return {a, nullptr, 0}; }
  static CountsView Of(const MPI_Count* a) { return {nullptr, a, 0}; }
  static CountsView All(int64_t value) { return {nullptr, nullptr, value}; }

  int64_t operator[](int i) const {
    return ints != nullptr ? ints[i] : longs != nullptr ? longs[i] : uniform;
  }
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_COUNTS_H_
