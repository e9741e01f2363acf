// Persistent requests (MPI_Send_init & co., started with MPI_Start in request.cc) and MPI-4
// partitioned communication (MPI_Psend_init, MPI_Precv_init, MPI_Pready*, MPI_Parrived).
#include <vector>

#include "mpi/abi/entry.h"
#include "mpi/abi/p2p_args.h"
#include "mpi/core/objects.h"
#include "mpi/core/partitioned.h"
#include "mpi/core/request.h"
#include "mpi/core/request_ext.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::core::Comm;
using zmpi::core::PersistentMode;
using zmpi::core::Request;
using zmpi::core::RequestPool;
using zmpi::core::Runtime;

namespace {

template <typename Count>
int SendInit(const char* fn, const void* buf, Count count, MPI_Datatype datatype, int dest, int tag,
             MPI_Comm comm, PersistentMode mode, MPI_Request* request) {
  zmpi::core::SendArgs a{};
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckPointer(request, "request"));
  int rc = zmpi::abi::CheckSend(fn, buf, count, datatype, dest, tag, comm,
                                zmpi::core::SendMode::kStandard, &a);
  if (rc != MPI_SUCCESS) return rc;
  // A non-contiguous type (a.type) runs a typed send at each start (request_ext.h).
  *request = RequestPool::ToHandle(zmpi::core::SendInit(a, mode));
  return MPI_SUCCESS;
}

template <typename Count>
int RecvInit(const char* fn, void* buf, Count count, MPI_Datatype datatype, int source, int tag,
             MPI_Comm comm, MPI_Request* request) {
  zmpi::core::RecvArgs a{};
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckPointer(request, "request"));
  int rc = zmpi::abi::CheckRecv(fn, buf, count, datatype, source, tag, comm, &a);
  if (rc != MPI_SUCCESS) return rc;
  *request = RequestPool::ToHandle(zmpi::core::RecvInit(a));
  return MPI_SUCCESS;
}

// Checks of MPI_Psend_init / MPI_Precv_init: no wildcards (MPI_PROC_NULL is allowed).
int PartitionedInit(const char* fn, bool send, void* buf, int partitions, MPI_Count count,
                    MPI_Datatype datatype, int rank, int tag, MPI_Comm comm, MPI_Info info,
                    MPI_Request* request) {
  Comm* c = nullptr;
  const zmpi::core::Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  if (partitions < 1) {
    return zmpi::abi::Report(c, fn, zmpi::Error(Code::kArg, "partitions %d < 1", partitions));
  }
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckCountOf(count));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckType(datatype, &t));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckBufferOf(buf, count));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckSendRank(*c, rank));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckSendTag(tag));
  if (info != MPI_INFO_NULL && zmpi::core::Objects::Get().FindInfo(info) == nullptr) {
    return zmpi::abi::Report(c, fn, zmpi::Error(Code::kInfo, "invalid info handle 0x%x", info));
  }
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckPointer(request, "request"));
  zmpi::core::PartitionedArgs a{buf,
                                static_cast<size_t>(partitions),
                                zmpi::abi::MessageBytes(t, static_cast<size_t>(count)),
                                rank,
                                tag,
                                c};
  if (t != nullptr && !t->contiguous && a.partition_bytes > 0) {
    a.type = t;  // travels packed (partitioned.h)
    a.count = static_cast<int64_t>(count);
  } else if (t != nullptr && buf != nullptr) {
    a.buf = static_cast<char*>(buf) + t->true_lb;
  }
  Request* r = send ? zmpi::core::PsendInit(a) : zmpi::core::PrecvInit(a);
  *request = RequestPool::ToHandle(r);
  return MPI_SUCCESS;
}

Status LookupActive(MPI_Request handle, Request** out) {
  *out = handle == MPI_REQUEST_NULL ? nullptr : Runtime::Get()->requests().FromHandle(handle);
  if (*out == nullptr || (*out)->user_freed) {
    return zmpi::Error(Code::kRequest, "invalid request handle 0x%x", handle);
  }
  return zmpi::OkStatus();
}

int PreadyRange(const char* fn, int low, int high, MPI_Request request) {
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, LookupActive(request, &r));
  if (low < 0 || high < 0) {
    return zmpi::abi::Report(
        r->comm, fn, zmpi::Error(Code::kArg, "negative partition %d", low < 0 ? low : high));
  }
  return zmpi::abi::Report(
      r->comm, fn, zmpi::core::Pready(r, static_cast<size_t>(low), static_cast<size_t>(high)));
}

}  // namespace

#define ZMPI_SEND_INIT_FORMS(Name, mode)                                                          \
  ZMPI_API int PMPI_##Name(const void* buf, int count, MPI_Datatype datatype, int dest, int tag,  \
                           MPI_Comm comm, MPI_Request* request) {                                 \
    ZMPI_ENTER("MPI_" #Name);                                                                     \
    return SendInit("MPI_" #Name, buf, count, datatype, dest, tag, comm, mode, request);          \
  }                                                                                               \
  ZMPI_API int PMPI_##Name##_c(const void* buf, MPI_Count count, MPI_Datatype datatype, int dest, \
                               int tag, MPI_Comm comm, MPI_Request* request) {                    \
    ZMPI_ENTER("MPI_" #Name "_c");                                                                \
    return SendInit("MPI_" #Name "_c", buf, count, datatype, dest, tag, comm, mode, request);     \
  }

ZMPI_SEND_INIT_FORMS(Send_init, PersistentMode::kStandard)
ZMPI_SEND_INIT_FORMS(Bsend_init, PersistentMode::kBuffered)
ZMPI_SEND_INIT_FORMS(Ssend_init, PersistentMode::kSync)
ZMPI_SEND_INIT_FORMS(Rsend_init, PersistentMode::kReady)

ZMPI_API int PMPI_Recv_init(void* buf, int count, MPI_Datatype datatype, int source, int tag,
                            MPI_Comm comm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Recv_init");
  return RecvInit("MPI_Recv_init", buf, count, datatype, source, tag, comm, request);
}

ZMPI_API int PMPI_Recv_init_c(void* buf, MPI_Count count, MPI_Datatype datatype, int source,
                              int tag, MPI_Comm comm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Recv_init_c");
  return RecvInit("MPI_Recv_init_c", buf, count, datatype, source, tag, comm, request);
}

ZMPI_API int PMPI_Psend_init(const void* buf, int partitions, MPI_Count count,
                             MPI_Datatype datatype, int dest, int tag, MPI_Comm comm, MPI_Info info,
                             MPI_Request* request) {
  ZMPI_ENTER("MPI_Psend_init");
  return PartitionedInit("MPI_Psend_init", true, const_cast<void*>(buf), partitions, count,
                         datatype, dest, tag, comm, info, request);
}

ZMPI_API int PMPI_Precv_init(void* buf, int partitions, MPI_Count count, MPI_Datatype datatype,
                             int source, int tag, MPI_Comm comm, MPI_Info info,
                             MPI_Request* request) {
  ZMPI_ENTER("MPI_Precv_init");
  return PartitionedInit("MPI_Precv_init", false, buf, partitions, count, datatype, source, tag,
                         comm, info, request);
}

ZMPI_API int PMPI_Pready(int partition, MPI_Request request) {
  ZMPI_ENTER("MPI_Pready");
  return PreadyRange("MPI_Pready", partition, partition, request);
}

ZMPI_API int PMPI_Pready_range(int partition_low, int partition_high, MPI_Request request) {
  ZMPI_ENTER("MPI_Pready_range");
  return PreadyRange("MPI_Pready_range", partition_low, partition_high, request);
}

ZMPI_API int PMPI_Pready_list(int length, const int* partitions, MPI_Request request) {
  ZMPI_ENTER("MPI_Pready_list");
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Pready_list", LookupActive(request, &r));
  if (length < 0 || (length > 0 && partitions == nullptr)) {
    return zmpi::abi::Report(r->comm, "MPI_Pready_list",
                             zmpi::Error(Code::kArg, "bad list of %d partitions", length));
  }
  for (int i = 0; i < length; ++i) {
    int rc = PreadyRange("MPI_Pready_list", partitions[i], partitions[i], request);
    if (rc != MPI_SUCCESS) return rc;
  }
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Parrived(MPI_Request request, int partition, int* flag) {
  ZMPI_ENTER("MPI_Parrived");
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Parrived", LookupActive(request, &r));
  ZMPI_CHECK_ARG(r->comm, "MPI_Parrived", zmpi::abi::CheckPointer(flag, "flag"));
  if (partition < 0) {
    return zmpi::abi::Report(r->comm, "MPI_Parrived",
                             zmpi::Error(Code::kArg, "negative partition %d", partition));
  }
  bool arrived = false;
  Status s = zmpi::core::Parrived(r, static_cast<size_t>(partition), &arrived);
  *flag = arrived;
  return zmpi::abi::Report(r->comm, "MPI_Parrived", s);
}

#include "mpi/abi/persistent_aliases.inc"
