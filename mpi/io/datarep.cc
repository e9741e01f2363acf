#include "mpi/io/datarep.h"

#include <cstring>

#include "mpi/core/derived_op.h"
#include "mpi/datatype/external32.h"

namespace zmpi::io {
namespace {

Status CallbackError(const Datarep& rep, const char* what, int code) {
  return Error(code > 0 && code <= static_cast<int>(Code::kValueTooLarge) ? static_cast<Code>(code)
                                                                          : Code::kConversion,
               "the %s function of data representation \"%s\" returned %d", what, rep.name.c_str(),
               code);
}

}  // namespace

StatusOr<int64_t> FileBytes(const Datarep& rep, const datatype::Type& type, int64_t count) {
  switch (rep.kind) {
    case Datarep::Kind::kNative:
    case Datarep::Kind::kInternal:
      return type.size() * count;
    case Datarep::Kind::kExternal32:
      if (type.size() > 0 && type.external_size() == 0) {
        return Error(Code::kUnsupportedDatarep, "a type in this access has no external32 form");
      }
      return type.external_size() * count;
    case Datarep::Kind::kUser:
      break;
  }
  int64_t total = 0;
  int error = MPI_SUCCESS;
  type.ForEachLeaf(count, [&](const datatype::Type& leaf, int64_t n) {
    if (error != MPI_SUCCESS) return;
    MPI_Aint extent = 0;
    error = rep.extent_fn(leaf.leaf(), &extent, rep.extra_state);
    total += static_cast<int64_t>(extent) * n;
  });
  if (error != MPI_SUCCESS) return CallbackError(rep, "extent", error);
  return total;
}

StatusOr<int64_t> FileExtent(const Datarep& rep, const datatype::Type& type) {
  ZMPI_ASSIGN_OR_RETURN(int64_t bytes, FileBytes(rep, type, 1));
  if (type.leaf() != 0) return bytes;
  // A derived type keeps its holes; its data take their file size.
  return type.extent() - type.size() + bytes;
}

Status Encode(const Datarep& rep, const void* buf, int64_t count, const core::Datatype& type,
              void* out) {
  switch (rep.kind) {
    case Datarep::Kind::kNative:
    case Datarep::Kind::kInternal:
      core::PackTyped(buf, count, type, out);
      return OkStatus();
    case Datarep::Kind::kExternal32:
      return core::PackExternal32(buf, count, type, out);
    case Datarep::Kind::kUser:
      break;
  }
  if (rep.write_fn == nullptr && rep.write_fn_c == nullptr) {  // MPI_CONVERSION_FN_NULL
    core::PackTyped(buf, count, type, out);
    return OkStatus();
  }
  int code = rep.large ? rep.write_fn_c(const_cast<void*>(buf), type.handle, count, out, 0,
                                        rep.extra_state)
                       : rep.write_fn(const_cast<void*>(buf), type.handle, static_cast<int>(count),
                                      out, 0, rep.extra_state);
  return code == MPI_SUCCESS ? OkStatus() : CallbackError(rep, "write conversion", code);
}

Status Decode(const Datarep& rep, const void* in, int64_t count, const core::Datatype& type,
              void* buf) {
  switch (rep.kind) {
    case Datarep::Kind::kNative:
    case Datarep::Kind::kInternal:
      core::UnpackTyped(in, count * static_cast<int64_t>(type.size), buf, count, type);
      return OkStatus();
    case Datarep::Kind::kExternal32:
      return core::UnpackExternal32(in, count, type, buf);
    case Datarep::Kind::kUser:
      break;
  }
  if (rep.read_fn == nullptr && rep.read_fn_c == nullptr) {  // MPI_CONVERSION_FN_NULL
    core::UnpackTyped(in, count * static_cast<int64_t>(type.size), buf, count, type);
    return OkStatus();
  }
  int code = rep.large
                 ? rep.read_fn_c(buf, type.handle, count, const_cast<void*>(in), 0, rep.extra_state)
                 : rep.read_fn(buf, type.handle, static_cast<int>(count), const_cast<void*>(in), 0,
                               rep.extra_state);
  return code == MPI_SUCCESS ? OkStatus() : CallbackError(rep, "read conversion", code);
}

}  // namespace zmpi::io
