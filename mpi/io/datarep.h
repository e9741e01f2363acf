// Data representations (MPI-4.1 §14.5): how a rank's data look in the file. "native" and
// "internal" are the bytes as in memory (packed); "external32" is the portable big-endian form
// (mpi/datatype/external32.h); others are registered by MPI_Register_datarep with conversion
// and extent callbacks. A file view names one; the access layer converts between a memory
// buffer and the file's form with Encode/Decode.
#ifndef ZMPI_MPI_IO_DATAREP_H_
#define ZMPI_MPI_IO_DATAREP_H_

#include <cstdint>
#include <string>

#include "common/status.h"
#include "mpi/core/datatype.h"
#include "mpi/datatype/type.h"
#include "mpi/include/mpi.h"

namespace zmpi::io {

struct Datarep {
  enum class Kind { kNative, kInternal, kExternal32, kUser };
  std::string name;
  Kind kind = Kind::kNative;
  // kUser (MPI_Register_datarep / _c): the large-count forms when `large`.
  MPI_Datarep_conversion_function* read_fn = nullptr;
  MPI_Datarep_conversion_function* write_fn = nullptr;
  MPI_Datarep_conversion_function_c* read_fn_c = nullptr;
  MPI_Datarep_conversion_function_c* write_fn_c = nullptr;
  MPI_Datarep_extent_function* extent_fn = nullptr;
  void* extra_state = nullptr;
  bool large = false;

  // The file form is the packed memory form (no conversion).
  bool identity() const { return kind == Kind::kNative || kind == Kind::kInternal; }
};

// Bytes in the file of `count` elements of `type` (MPI_File_get_type_extent for count 1 is
// the extent: see FileExtent). kUnsupportedDatarep / the callback's error when a leaf has no
// form in `rep`.
StatusOr<int64_t> FileBytes(const Datarep& rep, const datatype::Type& type, int64_t count);
// MPI_File_get_type_extent: the extent of `type` in the file.
StatusOr<int64_t> FileExtent(const Datarep& rep, const datatype::Type& type);

// Converts `count` elements of (buf, type) to their file form at `out` (FileBytes bytes).
Status Encode(const Datarep& rep, const void* buf, int64_t count, const core::Datatype& type,
              void* out);
// Converts `count` elements in file form at `in` back into (buf, type).
Status Decode(const Datarep& rep, const void* in, int64_t count, const core::Datatype& type,
              void* buf);

}  // namespace zmpi::io

#endif  // ZMPI_MPI_IO_DATAREP_H_
