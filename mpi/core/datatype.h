// Datatypes known to the core. Predefined types are a write-once table keyed by the MPICH-ABI
// handle; every predefined type is contiguous, so a message of `count` elements is
// count * size bytes.
#ifndef ZMPI_MPI_CORE_DATATYPE_H_
#define ZMPI_MPI_CORE_DATATYPE_H_

#include <cstddef>

#include "mpi/include/mpi.h"

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
  BaseKind kind;
};

// The predefined type for a handle, or nullptr (MPI_DATATYPE_NULL or unknown).
const Datatype* FindDatatype(MPI_Datatype handle);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_DATATYPE_H_
