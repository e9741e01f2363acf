// The "external32" data representation (MPI-4.1 section 13.5.2): big-endian, IEEE floats,
// fixed sizes per predefined type (MPI_LONG and MPI_UNSIGNED_LONG are 4 bytes, MPI_WCHAR 2,
// long double IEEE quad). Conversion works on whole packed messages in type-map order.
#ifndef ZMPI_MPI_DATATYPE_EXTERNAL32_H_
#define ZMPI_MPI_DATATYPE_EXTERNAL32_H_

#include <cstdint>

#include "mpi/datatype/type.h"

namespace zmpi::datatype {

// external32 bytes of one element of a predefined type, 0 if the type has no external32 form.
int64_t External32Size(int handle);

// Converts `count` elements of `type` from natively packed bytes (count * size) to external32
// (count * external_size) and back. Values that do not fit the external size (a long beyond
// 32 bits) are truncated to it, as in any narrowing conversion; returns false only if some
// leaf has no external32 form.
bool ToExternal32(const Type& type, int64_t count, const void* native, void* external);
bool FromExternal32(const Type& type, int64_t count, const void* external, void* native);

}  // namespace zmpi::datatype

#endif  // ZMPI_MPI_DATATYPE_EXTERNAL32_H_
