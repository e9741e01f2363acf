// Datatypes known to the core. Predefined types are a write-once table keyed by the MPICH-ABI
// handle. Every predefined type but the value-index pairs with padding (MPI_DOUBLE_INT,
// MPI_LONG_INT, MPI_SHORT_INT, MPI_LONG_DOUBLE_INT: MPI's size is the value's and the index's
// bytes, the extent the C struct's) is contiguous, so a message of `count` elements is
// count * size bytes; those pairs take the derived-type paths (FindDatatype gives them an
// engine type, FindPlainDatatype none).
#ifndef ZMPI_MPI_CORE_DATATYPE_H_
#define ZMPI_MPI_CORE_DATATYPE_H_

#include <cstddef>

#include "mpi/include/mpi.h"

namespace zmpi::datatype {
class Type;
}

namespace zmpi::core {

// What a reduction sees in one element.
enum class BaseKind {
  kSignedInt,    // char, short, int, long, long long, intN_t, Fortran INTEGER*
  kUnsignedInt,  // unsigned char/short/int/long/long long, uintN_t, MPI_BYTE, MPI_PACKED
  kFloat,        // float, double, long double, REAL*
  kComplex,      // C and Fortran complex types
  kBool,         // C _Bool, C++ bool, Fortran LOGICAL
  kPair,         // value-index pairs for MINLOC/MAXLOC (MPI_DOUBLE_INT, MPI_2INT, ...)
  kOther,        // wchar, MPI_LB/UB markers, ...
};

struct Datatype {
  MPI_Datatype handle;
  const char* name;  // "MPI_INT"
  size_t size;       // bytes of one element
  size_t extent;     // distance between consecutive elements (== size for predefined types)
  BaseKind kind;     // derived types: their base type's kind (kOther when mixed)
  // Derived types (predefined ones: 0, 0, size, true, true, their own handle, nullptr).
  ptrdiff_t lb = 0;
  ptrdiff_t true_lb = 0;   // where the first byte of data lies, from buf
  size_t true_extent = 0;  // from the first byte of data to the last (predefined: size)
  // One element is `size` bytes at buf + true_lb and extent == size: a message of count
  // elements is count * size contiguous bytes there.
  bool contiguous = true;
  bool committed = true;  // usable in communication
  // The predefined type of every basic element, MPI_DATATYPE_NULL if mixed.
  MPI_Datatype base = MPI_DATATYPE_NULL;
  datatype::Type* type = nullptr;  // the engine's object; nullptr if predefined
};

// The type for a handle (predefined or derived, committed or not), or nullptr
// (MPI_DATATYPE_NULL, unknown or freed).
const Datatype* FindDatatype(MPI_Datatype handle);
// For the send/receive fast path: the type when its message is count * size bytes at buf
// (predefined types, committed contiguous derived ones with true_lb 0), else nullptr (the
// caller's cold branch then sorts derived and invalid types out). Costs what FindDatatype
// costs for predefined types.
const Datatype* FindPlainDatatype(MPI_Datatype handle);
// The predefined type for a handle, or nullptr.
const Datatype* FindPredefinedDatatype(MPI_Datatype handle);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_DATATYPE_H_
