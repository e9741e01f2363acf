// Predefined datatype handles as table slots: 0x4c0000xx (the low byte names the type) and,
// for the C pair types, 0x8c00000x. A table indexed by slot, built at compile time, finds a
// predefined type's row in a few instructions (a search took ~90 for MPI_FLOAT). Used by the
// datatype table (datatype.cc) and the reduction rows (op.cc).
#ifndef ZMPI_MPI_CORE_PREDEFINED_SLOT_H_
#define ZMPI_MPI_CORE_PREDEFINED_SLOT_H_

#include <cstddef>
#include <cstdint>

#include "mpi/include/mpi.h"

namespace zmpi::core {

inline constexpr int kPredefinedPairSlots = 0x100;
inline constexpr int kPredefinedSlots = 0x108;

// The slot of a predefined handle, or -1 for any other handle.
constexpr int PredefinedSlot(MPI_Datatype handle) {
  const uint32_t u = static_cast<uint32_t>(handle);
  if ((u & 0xffff0000u) == 0x4c000000u) return static_cast<int>(u & 0xff);
  if ((u & 0xffffff00u) == 0x8c000000u && (u & 0xff) < 8) {
    return kPredefinedPairSlots + static_cast<int>(u & 0xff);
  }
  return -1;
}

// Index of `rows` (each with a `handle`) by slot; -1 where no row is.
struct SlotIndex {
  int16_t row[kPredefinedSlots];

  // The row of `handle` in the table this index was built from, or -1.
  constexpr int Find(MPI_Datatype handle) const {
    const int slot = PredefinedSlot(handle);
    return slot < 0 ? -1 : row[slot];
  }
};

template <typename Row, size_t N>
constexpr SlotIndex MakeSlotIndex(const Row (&rows)[N]) {
  SlotIndex index{};
  for (int16_t& r : index.row) r = -1;
  for (size_t i = 0; i < N; ++i) {
    const int slot = PredefinedSlot(rows[i].handle);
    // A handle outside the two patterns, or two rows in one slot, stops the build here.
    if (slot < 0 || index.row[slot] != -1) throw "predefined handles need a slot each";
    index.row[slot] = static_cast<int16_t>(i);
  }
  return index;
}

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_PREDEFINED_SLOT_H_
