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
  int64_t step = 0;  // without an array: value i is uniform + i * step

  static CountsView Of(const int* a) { return {a, nullptr, 0, 0}; }
  static CountsView Of(const MPI_Count* a) { return {nullptr, a, 0, 0}; }
  static CountsView All(int64_t value) { return {nullptr, nullptr, value, 0}; }
  // 0, step, 2 step, ...: the displacements of equal blocks back to back.
  static CountsView Strided(int64_t step) { return {nullptr, nullptr, 0, step}; }

  int64_t operator[](int i) const {
    return ints != nullptr ? ints[i] : longs != nullptr ? longs[i] : uniform + i * step;
  }
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_COUNTS_H_
