// Buffered mode (MPI_Buffer_attach/detach/flush/iflush, their MPI-4.1 MPI_Comm_* forms (the
// MPI_Session_* forms are in session.cc), MPI_Bsend, MPI_Ibsend and _c forms) and memory for
// communication (MPI_Alloc_mem, MPI_Free_mem).
#include <climits>
#include <cstdlib>

#include "mpi/abi/entry.h"
#include "mpi/abi/p2p_args.h"
#include "mpi/core/bsend.h"
#include "mpi/core/objects.h"
#include "mpi/core/request.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::StatusOr;
using zmpi::core::Request;
using zmpi::core::Runtime;
using zmpi::core::SendArgs;
using zmpi::core::SendMode;

namespace {

// MPI_BUFFER_AUTOMATIC: the library buffers by itself; the size is ignored.
template <typename Size>
int Attach(const char* fn, void* buffer, Size size) {
  if (buffer == MPI_BUFFER_AUTOMATIC) size = 0;
  if (size < 0) {
    return zmpi::abi::Report(
        nullptr, fn,
        zmpi::Error(Code::kArg, "negative buffer size %lld", static_cast<long long>(size)));
  }
  if (buffer == nullptr && size > 0) {
    return zmpi::abi::Report(nullptr, fn, zmpi::Error(Code::kBuffer, "null buffer"));
  }
  return zmpi::abi::Report(nullptr, fn,
                           Runtime::Get()->bsend().Attach(buffer, static_cast<size_t>(size)));
}

template <typename Count>
int Bsend(const char* fn, const void* buf, Count count, MPI_Datatype datatype, int dest, int tag,
          MPI_Comm comm) {
  SendArgs a{};
  int rc = zmpi::abi::CheckSend(fn, buf, count, datatype, dest, tag, comm, SendMode::kStandard, &a);
  if (rc != MPI_SUCCESS) return rc;
  return zmpi::abi::Report(a.comm, fn, Runtime::Get()->bsend().For(*a.comm).Send(a));
}

template <typename Count>
int Ibsend(const char* fn, const void* buf, Count count, MPI_Datatype datatype, int dest, int tag,
           MPI_Comm comm, MPI_Request* request) {
  SendArgs a{};
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckPointer(request, "request"));
  int rc = zmpi::abi::CheckSend(fn, buf, count, datatype, dest, tag, comm, SendMode::kStandard, &a);
  if (rc != MPI_SUCCESS) return rc;
  StatusOr<Request*> r = Runtime::Get()->bsend().For(*a.comm).Isend(a);
  if (!r.ok()) return zmpi::abi::Report(a.comm, fn, r.status());
  *request = zmpi::core::RequestPool::ToHandle(*r);
  return MPI_SUCCESS;
}

template <typename Size>
int CommAttach(const char* fn, MPI_Comm comm, void* buffer, Size size) {
  zmpi::core::Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  if (buffer == MPI_BUFFER_AUTOMATIC) size = 0;
  if (size < 0) {
    return zmpi::abi::Report(
        c, fn, zmpi::Error(Code::kArg, "negative buffer size %lld", static_cast<long long>(size)));
  }
  if (buffer == nullptr && size > 0) {
    return zmpi::abi::Report(c, fn, zmpi::Error(Code::kBuffer, "null buffer"));
  }
  return zmpi::abi::Report(
      c, fn, Runtime::Get()->bsend().AttachToComm(*c, buffer, static_cast<size_t>(size)));
}

// Detaches the buffer of `comm` into *buffer_addr and *bytes; MPI_SUCCESS or the error code.
int CommDetach(const char* fn, MPI_Comm comm, void* buffer_addr, const void* size, size_t* bytes) {
  zmpi::core::Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckPointer(buffer_addr, "buffer address"));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckPointer(size, "size"));
  Runtime::Get()->bsend().DetachFromComm(*c, static_cast<void**>(buffer_addr), bytes);
  return MPI_SUCCESS;
}

}  // namespace

ZMPI_API int PMPI_Comm_attach_buffer(MPI_Comm comm, void* buffer, int size) {
  ZMPI_ENTER("MPI_Comm_attach_buffer");
  return CommAttach("MPI_Comm_attach_buffer", comm, buffer, size);
}

ZMPI_API int PMPI_Comm_attach_buffer_c(MPI_Comm comm, void* buffer, MPI_Count size) {
  ZMPI_ENTER("MPI_Comm_attach_buffer_c");
  return CommAttach("MPI_Comm_attach_buffer_c", comm, buffer, size);
}

ZMPI_API int PMPI_Comm_detach_buffer(MPI_Comm comm, void* buffer_addr, int* size) {
  ZMPI_ENTER("MPI_Comm_detach_buffer");
  size_t bytes = 0;
  int rc = CommDetach("MPI_Comm_detach_buffer", comm, buffer_addr, size, &bytes);
  if (rc == MPI_SUCCESS) *size = bytes > INT_MAX ? INT_MAX : static_cast<int>(bytes);
  return rc;
}

ZMPI_API int PMPI_Comm_detach_buffer_c(MPI_Comm comm, void* buffer_addr, MPI_Count* size) {
  ZMPI_ENTER("MPI_Comm_detach_buffer_c");
  size_t bytes = 0;
  int rc = CommDetach("MPI_Comm_detach_buffer_c", comm, buffer_addr, size, &bytes);
  if (rc == MPI_SUCCESS) *size = static_cast<MPI_Count>(bytes);
  return rc;
}

// Flushes the buffer buffered sends on comm use (its own, or the process's if it has none).
ZMPI_API int PMPI_Comm_flush_buffer(MPI_Comm comm) {
  ZMPI_ENTER("MPI_Comm_flush_buffer");
  zmpi::core::Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_flush_buffer", zmpi::abi::CheckComm(comm, &c));
  Runtime::Get()->bsend().For(*c).Flush();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Comm_iflush_buffer(MPI_Comm comm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Comm_iflush_buffer");
  zmpi::core::Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Comm_iflush_buffer", zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, "MPI_Comm_iflush_buffer", zmpi::abi::CheckPointer(request, "request"));
  *request = zmpi::core::RequestPool::ToHandle(Runtime::Get()->bsend().For(*c).Iflush());
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Buffer_attach(void* buffer, int size) {
  ZMPI_ENTER("MPI_Buffer_attach");
  return Attach("MPI_Buffer_attach", buffer, size);
}

ZMPI_API int PMPI_Buffer_attach_c(void* buffer, MPI_Count size) {
  ZMPI_ENTER("MPI_Buffer_attach_c");
  return Attach("MPI_Buffer_attach_c", buffer, size);
}

// buffer_addr is a void** in disguise (the standard's C binding).
ZMPI_API int PMPI_Buffer_detach(void* buffer_addr, int* size) {
  ZMPI_ENTER("MPI_Buffer_detach");
  if (buffer_addr == nullptr || size == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Buffer_detach",
                             zmpi::Error(Code::kArg, "null address or size argument"));
  }
  size_t bytes = 0;
  Runtime::Get()->bsend().Detach(static_cast<void**>(buffer_addr), &bytes);
  *size = bytes > INT_MAX ? INT_MAX : static_cast<int>(bytes);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Buffer_detach_c(void* buffer_addr, MPI_Count* size) {
  ZMPI_ENTER("MPI_Buffer_detach_c");
  if (buffer_addr == nullptr || size == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Buffer_detach_c",
                             zmpi::Error(Code::kArg, "null address or size argument"));
  }
  size_t bytes = 0;
  Runtime::Get()->bsend().Detach(static_cast<void**>(buffer_addr), &bytes);
  *size = static_cast<MPI_Count>(bytes);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Buffer_flush(void) {
  ZMPI_ENTER("MPI_Buffer_flush");
  Runtime::Get()->bsend().Flush();
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Buffer_iflush(MPI_Request* request) {
  ZMPI_ENTER("MPI_Buffer_iflush");
  if (request == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Buffer_iflush",
                             zmpi::Error(Code::kArg, "null request argument"));
  }
  *request = zmpi::core::RequestPool::ToHandle(Runtime::Get()->bsend().Iflush());
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Bsend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag,
                        MPI_Comm comm) {
  ZMPI_ENTER("MPI_Bsend");
  return Bsend("MPI_Bsend", buf, count, datatype, dest, tag, comm);
}

ZMPI_API int PMPI_Bsend_c(const void* buf, MPI_Count count, MPI_Datatype datatype, int dest,
                          int tag, MPI_Comm comm) {
  ZMPI_ENTER("MPI_Bsend_c");
  return Bsend("MPI_Bsend_c", buf, count, datatype, dest, tag, comm);
}

ZMPI_API int PMPI_Ibsend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag,
                         MPI_Comm comm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Ibsend");
  return Ibsend("MPI_Ibsend", buf, count, datatype, dest, tag, comm, request);
}

ZMPI_API int PMPI_Ibsend_c(const void* buf, MPI_Count count, MPI_Datatype datatype, int dest,
                           int tag, MPI_Comm comm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Ibsend_c");
  return Ibsend("MPI_Ibsend_c", buf, count, datatype, dest, tag, comm, request);
}

ZMPI_API int PMPI_Alloc_mem(MPI_Aint size, MPI_Info info, void* baseptr) {
  ZMPI_ENTER("MPI_Alloc_mem");
  if (size < 0) {
    return zmpi::abi::Report(nullptr, "MPI_Alloc_mem",
                             zmpi::Error(Code::kArg, "negative size %ld", size));
  }
  if (info != MPI_INFO_NULL && zmpi::core::Objects::Get().FindInfo(info) == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Alloc_mem",
                             zmpi::Error(Code::kInfo, "invalid info handle 0x%x", info));
  }
  if (baseptr == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Alloc_mem", zmpi::Error(Code::kArg, "null baseptr"));
  }
  // Hints (info) are accepted and not needed: every transport reads ordinary memory.
  void* p = malloc(size > 0 ? static_cast<size_t>(size) : 1);
  if (p == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Alloc_mem",
                             zmpi::Error(Code::kNoMem, "cannot allocate %ld bytes", size));
  }
  *static_cast<void**>(baseptr) = p;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Free_mem(void* base) {
  ZMPI_ENTER("MPI_Free_mem");
  free(base);
  return MPI_SUCCESS;
}

#include "mpi/abi/buffered_aliases.inc"
