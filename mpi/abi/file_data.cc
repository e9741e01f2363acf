// MPI_File read and write forms (MPI-4.1 §14.4): explicit offsets, individual and shared file
// pointers, ordered, collective, split collective and non-blocking, each with its _c twin.
// One template per shape checks the arguments in the standard's order and calls the access
// layer (mpi/io/access.h); the macros below only name the combinations.
#include "mpi/abi/file_args.h"
#include "mpi/core/coll_request.h"
#include "mpi/core/runtime.h"
#include "mpi/io/access.h"

namespace {

using zmpi::Code;
using zmpi::Status;
using zmpi::io::AccessArgs;
using zmpi::io::File;
using zmpi::io::Position;

template <typename CountT>
Status CheckData(const void* buf, CountT count, MPI_Datatype datatype,
                 const zmpi::core::Datatype** type) {
  if (count < 0) return zmpi::Error(Code::kCount, "negative count %ld", static_cast<long>(count));
  ZMPI_RETURN_IF_ERROR(zmpi::abi::CheckType(datatype, type));
  if (buf == nullptr && count > 0 && (*type)->type == nullptr) {
    return zmpi::Error(Code::kBuffer, "null buffer with count %ld", static_cast<long>(count));
  }
  return zmpi::OkStatus();
}

Status CheckOffset(MPI_Offset offset) {
  if (offset >= 0) return zmpi::OkStatus();
  return zmpi::Error(Code::kArg, "negative offset %ld", static_cast<long>(offset));
}

// Checks everything and fills `args`; `file` is set as soon as the handle is good.
template <typename CountT>
Status Prepare(MPI_File fh, bool has_offset, MPI_Offset offset, const void* buf, CountT count,
               MPI_Datatype datatype, bool read, bool collective, Position position, File** file,
               AccessArgs* args) {
  ZMPI_RETURN_IF_ERROR(zmpi::abi::CheckFile(fh, file));
  if (has_offset) ZMPI_RETURN_IF_ERROR(CheckOffset(offset));
  const zmpi::core::Datatype* type = nullptr;
  ZMPI_RETURN_IF_ERROR(CheckData(buf, count, datatype, &type));
  args->read = read;
  args->collective = collective;
  args->position = position;
  args->offset = offset;
  args->buf = const_cast<void*>(buf);
  args->count = static_cast<int64_t>(count);
  args->type = type;
  return zmpi::io::CheckAccess(**file, *args);
}

template <typename CountT>
int Blocking(const char* fn, MPI_File fh, bool has_offset, MPI_Offset offset, const void* buf,
             CountT count, MPI_Datatype datatype, MPI_Status* status, bool read, bool collective,
             Position position) {
  File* f = nullptr;
  AccessArgs args;
  ZMPI_CHECK_FILE_ARG(
      f, fn,
      Prepare(fh, has_offset, offset, buf, count, datatype, read, collective, position, &f, &args));
  zmpi::StatusOr<int64_t> bytes = zmpi::io::Access(*f, args);
  ZMPI_CHECK_FILE_ARG(f, fn, bytes.status());
  zmpi::core::CollectiveStatus(status, static_cast<size_t>(*bytes));
  return MPI_SUCCESS;
}

template <typename CountT>
int Nonblocking(const char* fn, MPI_File fh, bool has_offset, MPI_Offset offset, const void* buf,
                CountT count, MPI_Datatype datatype, MPI_Request* request, bool read,
                bool collective, Position position) {
  File* f = nullptr;
  AccessArgs args;
  ZMPI_CHECK_FILE_ARG(
      f, fn,
      Prepare(fh, has_offset, offset, buf, count, datatype, read, collective, position, &f, &args));
  if (request == nullptr) {
    return zmpi::abi::ReportOnFile(f, fn, zmpi::Error(Code::kArg, "null request pointer"));
  }
  zmpi::StatusOr<zmpi::core::Request*> r = zmpi::io::StartAccess(*f, args);
  ZMPI_CHECK_FILE_ARG(f, fn, r.status());
  *request = zmpi::core::RequestPool::ToHandle(*r);
  return MPI_SUCCESS;
}

template <typename CountT>
int Begin(const char* fn, MPI_File fh, bool has_offset, MPI_Offset offset, const void* buf,
          CountT count, MPI_Datatype datatype, bool read, Position position) {
  File* f = nullptr;
  AccessArgs args;
  ZMPI_CHECK_FILE_ARG(
      f, fn,
      Prepare(fh, has_offset, offset, buf, count, datatype, read, true, position, &f, &args));
  ZMPI_CHECK_FILE_ARG(f, fn, zmpi::io::BeginSplit(*f, args));
  return MPI_SUCCESS;
}

int End(const char* fn, MPI_File fh, const void* buf, MPI_Status* status, bool read,
        Position position) {
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(f, fn, zmpi::abi::CheckFile(fh, &f));
  zmpi::StatusOr<int64_t> bytes = zmpi::io::EndSplit(*f, buf, read, position);
  ZMPI_CHECK_FILE_ARG(f, fn, bytes.status());
  zmpi::core::CollectiveStatus(status, static_cast<size_t>(*bytes));
  return MPI_SUCCESS;
}

}  // namespace

#define ZMPI_RW_CONST_true
#define ZMPI_RW_CONST_false const
#define ZMPI_RW_CONST(is_read) ZMPI_RW_CONST_##is_read

// name, read?, collective?, position: the (int, MPI_Count) pair of a blocking form without
// and with an explicit offset.
#define ZMPI_FILE_BLOCKING(Name, is_read, is_coll, where)                                         \
  ZMPI_API int PMPI_File_##Name(MPI_File fh, ZMPI_RW_CONST(is_read) void* buf, int count,         \
                                MPI_Datatype datatype, MPI_Status* status) {                      \
    ZMPI_ENTER("MPI_File_" #Name);                                                                \
    return Blocking("MPI_File_" #Name, fh, false, 0, buf, count, datatype, status, is_read,       \
                    is_coll, where);                                                              \
  }                                                                                               \
  ZMPI_API int PMPI_File_##Name##_c(MPI_File fh, ZMPI_RW_CONST(is_read) void* buf,                \
                                    MPI_Count count, MPI_Datatype datatype, MPI_Status* status) { \
    ZMPI_ENTER("MPI_File_" #Name "_c");                                                           \
    return Blocking("MPI_File_" #Name "_c", fh, false, 0, buf, count, datatype, status, is_read,  \
                    is_coll, where);                                                              \
  }

#define ZMPI_FILE_BLOCKING_AT(Name, is_read, is_coll)                                             \
  ZMPI_API int PMPI_File_##Name(MPI_File fh, MPI_Offset offset, ZMPI_RW_CONST(is_read) void* buf, \
                                int count, MPI_Datatype datatype, MPI_Status* status) {           \
    ZMPI_ENTER("MPI_File_" #Name);                                                                \
    return Blocking("MPI_File_" #Name, fh, true, offset, buf, count, datatype, status, is_read,   \
                    is_coll, Position::kExplicit);                                                \
  }                                                                                               \
  ZMPI_API int PMPI_File_##Name##_c(MPI_File fh, MPI_Offset offset,                               \
                                    ZMPI_RW_CONST(is_read) void* buf, MPI_Count count,            \
                                    MPI_Datatype datatype, MPI_Status* status) {                  \
    ZMPI_ENTER("MPI_File_" #Name "_c");                                                           \
    return Blocking("MPI_File_" #Name "_c", fh, true, offset, buf, count, datatype, status,       \
                    is_read, is_coll, Position::kExplicit);                                       \
  }

#define ZMPI_FILE_NONBLOCKING(Name, is_read, is_coll, where)                                    \
  ZMPI_API int PMPI_File_##Name(MPI_File fh, ZMPI_RW_CONST(is_read) void* buf, int count,       \
                                MPI_Datatype datatype, MPI_Request* request) {                  \
    ZMPI_ENTER("MPI_File_" #Name);                                                              \
    return Nonblocking("MPI_File_" #Name, fh, false, 0, buf, count, datatype, request, is_read, \
                       is_coll, where);                                                         \
  }                                                                                             \
  ZMPI_API int PMPI_File_##Name##_c(MPI_File fh, ZMPI_RW_CONST(is_read) void* buf,              \
                                    MPI_Count count, MPI_Datatype datatype,                     \
                                    MPI_Request* request) {                                     \
    ZMPI_ENTER("MPI_File_" #Name "_c");                                                         \
    return Nonblocking("MPI_File_" #Name "_c", fh, false, 0, buf, count, datatype, request,     \
                       is_read, is_coll, where);                                                \
  }

#define ZMPI_FILE_NONBLOCKING_AT(Name, is_read, is_coll)                                          \
  ZMPI_API int PMPI_File_##Name(MPI_File fh, MPI_Offset offset, ZMPI_RW_CONST(is_read) void* buf, \
                                int count, MPI_Datatype datatype, MPI_Request* request) {         \
    ZMPI_ENTER("MPI_File_" #Name);                                                                \
    return Nonblocking("MPI_File_" #Name, fh, true, offset, buf, count, datatype, request,        \
                       is_read, is_coll, Position::kExplicit);                                    \
  }                                                                                               \
  ZMPI_API int PMPI_File_##Name##_c(MPI_File fh, MPI_Offset offset,                               \
                                    ZMPI_RW_CONST(is_read) void* buf, MPI_Count count,            \
                                    MPI_Datatype datatype, MPI_Request* request) {                \
    ZMPI_ENTER("MPI_File_" #Name "_c");                                                           \
    return Nonblocking("MPI_File_" #Name "_c", fh, true, offset, buf, count, datatype, request,   \
                       is_read, is_coll, Position::kExplicit);                                    \
  }

#define ZMPI_FILE_SPLIT(Name, is_read, where)                                                     \
  ZMPI_API int PMPI_File_##Name##_begin(MPI_File fh, ZMPI_RW_CONST(is_read) void* buf, int count, \
                                        MPI_Datatype datatype) {                                  \
    ZMPI_ENTER("MPI_File_" #Name "_begin");                                                       \
    return Begin("MPI_File_" #Name "_begin", fh, false, 0, buf, count, datatype, is_read, where); \
  }                                                                                               \
  ZMPI_API int PMPI_File_##Name##_begin_c(MPI_File fh, ZMPI_RW_CONST(is_read) void* buf,          \
                                          MPI_Count count, MPI_Datatype datatype) {               \
    ZMPI_ENTER("MPI_File_" #Name "_begin_c");                                                     \
    return Begin("MPI_File_" #Name "_begin_c", fh, false, 0, buf, count, datatype, is_read,       \
                 where);                                                                          \
  }                                                                                               \
  ZMPI_API int PMPI_File_##Name##_end(MPI_File fh, ZMPI_RW_CONST(is_read) void* buf,              \
                                      MPI_Status* status) {                                       \
    ZMPI_ENTER("MPI_File_" #Name "_end");                                                         \
    return End("MPI_File_" #Name "_end", fh, buf, status, is_read, where);                        \
  }

#define ZMPI_FILE_SPLIT_AT(Name, is_read)                                                       \
  ZMPI_API int PMPI_File_##Name##_begin(MPI_File fh, MPI_Offset offset,                         \
                                        ZMPI_RW_CONST(is_read) void* buf, int count,            \
                                        MPI_Datatype datatype) {                                \
    ZMPI_ENTER("MPI_File_" #Name "_begin");                                                     \
    return Begin("MPI_File_" #Name "_begin", fh, true, offset, buf, count, datatype, is_read,   \
                 Position::kExplicit);                                                          \
  }                                                                                             \
  ZMPI_API int PMPI_File_##Name##_begin_c(MPI_File fh, MPI_Offset offset,                       \
                                          ZMPI_RW_CONST(is_read) void* buf, MPI_Count count,    \
                                          MPI_Datatype datatype) {                              \
    ZMPI_ENTER("MPI_File_" #Name "_begin_c");                                                   \
    return Begin("MPI_File_" #Name "_begin_c", fh, true, offset, buf, count, datatype, is_read, \
                 Position::kExplicit);                                                          \
  }                                                                                             \
  ZMPI_API int PMPI_File_##Name##_end(MPI_File fh, ZMPI_RW_CONST(is_read) void* buf,            \
                                      MPI_Status* status) {                                     \
    ZMPI_ENTER("MPI_File_" #Name "_end");                                                       \
    return End("MPI_File_" #Name "_end", fh, buf, status, is_read, Position::kExplicit);        \
  }

ZMPI_FILE_BLOCKING(read, true, false, Position::kIndividual)
ZMPI_FILE_BLOCKING(write, false, false, Position::kIndividual)
ZMPI_FILE_BLOCKING(read_all, true, true, Position::kIndividual)
ZMPI_FILE_BLOCKING(write_all, false, true, Position::kIndividual)
ZMPI_FILE_BLOCKING(read_shared, true, false, Position::kShared)
ZMPI_FILE_BLOCKING(write_shared, false, false, Position::kShared)
ZMPI_FILE_BLOCKING(read_ordered, true, true, Position::kOrdered)
ZMPI_FILE_BLOCKING(write_ordered, false, true, Position::kOrdered)
ZMPI_FILE_BLOCKING_AT(read_at, true, false)
ZMPI_FILE_BLOCKING_AT(write_at, false, false)
ZMPI_FILE_BLOCKING_AT(read_at_all, true, true)
ZMPI_FILE_BLOCKING_AT(write_at_all, false, true)

ZMPI_FILE_NONBLOCKING(iread, true, false, Position::kIndividual)
ZMPI_FILE_NONBLOCKING(iwrite, false, false, Position::kIndividual)
ZMPI_FILE_NONBLOCKING(iread_all, true, true, Position::kIndividual)
ZMPI_FILE_NONBLOCKING(iwrite_all, false, true, Position::kIndividual)
ZMPI_FILE_NONBLOCKING(iread_shared, true, false, Position::kShared)
ZMPI_FILE_NONBLOCKING(iwrite_shared, false, false, Position::kShared)
ZMPI_FILE_NONBLOCKING_AT(iread_at, true, false)
ZMPI_FILE_NONBLOCKING_AT(iwrite_at, false, false)
ZMPI_FILE_NONBLOCKING_AT(iread_at_all, true, true)
ZMPI_FILE_NONBLOCKING_AT(iwrite_at_all, false, true)

ZMPI_FILE_SPLIT(read_all, true, Position::kIndividual)
ZMPI_FILE_SPLIT(write_all, false, Position::kIndividual)
ZMPI_FILE_SPLIT(read_ordered, true, Position::kOrdered)
ZMPI_FILE_SPLIT(write_ordered, false, Position::kOrdered)
ZMPI_FILE_SPLIT_AT(read_at_all, true)
ZMPI_FILE_SPLIT_AT(write_at_all, false)

#include "mpi/abi/file_data_aliases.inc"
