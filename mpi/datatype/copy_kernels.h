// The inner loops of pack and unpack (layout.cc): pieces of `len` bytes laid out by one or two
// strided loops, copied to or from consecutive packed bytes.
//
// Every loop is a function template over the piece size, so the common element sizes (1, 2,
// 4, 8, 12, 16, 24, 32 bytes: basic types, complex numbers, small structs) copy with one or two
// register moves and no call or branch per piece; the loop keeps its pointers and strides in
// locals (nothing the stores could alias) and is unrolled by four. Other sizes copy through
// CopyBytes (up to 64 bytes: inline moves) or memcpy. A caller picks the kernel once per run
// (`PickKernel`), not once per piece. Strides may be negative or zero; buffers need no
// alignment (the moves are memcpy's, which the compiler turns into unaligned loads and stores).
#ifndef ZMPI_MPI_DATATYPE_COPY_KERNELS_H_
#define ZMPI_MPI_DATATYPE_COPY_KERNELS_H_

#include <cstdint>
#include <cstring>

#include "common/copy.h"

namespace zmpi::datatype::kernels {

// Copies count1 rows of count0 pieces of `len` bytes: piece (i0, i1) lies at
// mem + i0 * stride0 + i1 * stride1 and goes to (comes from) the next `len` packed bytes.
// Returns the packed position after the last piece. count0, count1 >= 0.
using Kernel = char* (*)(char* mem, int64_t len, int64_t count0, int64_t stride0, int64_t count1,
                         int64_t stride1, char* packed);

template <bool kPack, size_t kLen>
inline void Move(char* mem, char* packed) {
  if (kPack) {
    memcpy(packed, mem, kLen);
  } else {
    memcpy(mem, packed, kLen);
  }
}

template <bool kPack>
inline void MoveAny(char* mem, char* packed, size_t len) {
  if (kPack) {
    CopyBytes(packed, mem, len);
  } else {
    CopyBytes(mem, packed, len);
  }
}

// One piece of any length: the common sizes as fixed moves (a jump table, not CopyBytes'
// chain of comparisons). For layouts of several single-piece runs (structs).
template <bool kPack>
inline void MovePiece(char* mem, char* packed, int64_t len) {
  switch (len) {
    case 4:
      return Move<kPack, 4>(mem, packed);
    case 8:
      return Move<kPack, 8>(mem, packed);
    case 12:
      return Move<kPack, 12>(mem, packed);
    case 16:
      return Move<kPack, 16>(mem, packed);
    default:
      return MoveAny<kPack>(mem, packed, static_cast<size_t>(len));
  }
}

// One row of n pieces of kLen bytes, `stride` apart.
template <bool kPack, size_t kLen>
inline char* Row(char* mem, int64_t stride, int64_t n, char* packed) {
  for (; n >= 4; n -= 4) {
    Move<kPack, kLen>(mem, packed);
    Move<kPack, kLen>(mem + stride, packed + kLen);
    Move<kPack, kLen>(mem + 2 * stride, packed + 2 * kLen);
    Move<kPack, kLen>(mem + 3 * stride, packed + 3 * kLen);
    mem += 4 * stride;
    packed += 4 * kLen;
  }
  for (; n > 0; --n) {
    Move<kPack, kLen>(mem, packed);
    mem += stride;
    packed += kLen;
  }
  return packed;
}

template <bool kPack, size_t kLen>
char* Fixed(char* mem, int64_t /*len*/, int64_t count0, int64_t stride0, int64_t count1,
            int64_t stride1, char* packed) {
  for (int64_t i1 = 0; i1 < count1; ++i1, mem += stride1) {
    packed = Row<kPack, kLen>(mem, stride0, count0, packed);
  }
  return packed;
}

// Any length up to 64 bytes: CopyBytes' inline moves, one size dispatch per piece.
template <bool kPack>
char* Small(char* mem, int64_t len, int64_t count0, int64_t stride0, int64_t count1,
            int64_t stride1, char* packed) {
  const size_t n = static_cast<size_t>(len);
  for (int64_t i1 = 0; i1 < count1; ++i1, mem += stride1) {
    char* p = mem;
    for (int64_t i0 = 0; i0 < count0; ++i0, p += stride0, packed += len) {
      MoveAny<kPack>(p, packed, n);
    }
  }
  return packed;
}

// Longer pieces: one memcpy each.
template <bool kPack>
char* Large(char* mem, int64_t len, int64_t count0, int64_t stride0, int64_t count1,
            int64_t stride1, char* packed) {
  const size_t n = static_cast<size_t>(len);
  for (int64_t i1 = 0; i1 < count1; ++i1, mem += stride1) {
    char* p = mem;
    for (int64_t i0 = 0; i0 < count0; ++i0, p += stride0, packed += len) {
      if (kPack) {
        memcpy(packed, p, n);
      } else {
        memcpy(p, packed, n);
      }
    }
  }
  return packed;
}

// The kernel for pieces of `len` bytes (len > 0).
template <bool kPack>
Kernel PickKernel(int64_t len) {
  switch (len) {
    case 1:
      return Fixed<kPack, 1>;
    case 2:
      return Fixed<kPack, 2>;
    case 4:
      return Fixed<kPack, 4>;
    case 8:
      return Fixed<kPack, 8>;
    case 12:
      return Fixed<kPack, 12>;
    case 16:
      return Fixed<kPack, 16>;
    case 24:
      return Fixed<kPack, 24>;
    case 32:
      return Fixed<kPack, 32>;
    default:
      return len <= 64 ? Small<kPack> : Large<kPack>;
  }
}

}  // namespace zmpi::datatype::kernels

#endif  // ZMPI_MPI_DATATYPE_COPY_KERNELS_H_
