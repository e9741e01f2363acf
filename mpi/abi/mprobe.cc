// Matched probe and receive: MPI_Mprobe, MPI_Improbe, MPI_Mrecv, MPI_Imrecv (and _c forms).
// A matched probe takes the message out of matching (Engine::TakeMatched), so no other
// receive or probe can see it; MPI_Mrecv then receives exactly that message.
#include "mpi/abi/entry.h"
#include "mpi/abi/p2p_args.h"
#include "mpi/core/derived_op.h"
#include "mpi/core/p2p.h"
#include "mpi/core/request.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::core::Comm;
using zmpi::core::ProgressLoop;
using zmpi::core::Request;
using zmpi::core::Runtime;

namespace {

void SetStatus(MPI_Status* status, int source, int tag, size_t bytes) {
  if (status == MPI_STATUS_IGNORE || status == nullptr) return;
  status->MPI_SOURCE = source;
  status->MPI_TAG = tag;  // MPI_ERROR untouched (MPI-4.1 3.2.5)
  status->count_lo = static_cast<int>(bytes & 0xffffffffu);
  status->count_hi_and_cancelled = static_cast<int>((static_cast<uint64_t>(bytes) >> 32) << 1);
}

int Mprobe(const char* fn, int source, int tag, MPI_Comm comm, int* flag, MPI_Message* message,
           MPI_Status* status, bool block) {
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckRecvRank(*c, source));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckRecvTag(tag));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckPointer(message, "message"));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckPointer(flag, "flag"));
  if (source == MPI_PROC_NULL) {
    *flag = 1;
    *message = MPI_MESSAGE_NO_PROC;
    SetStatus(status, MPI_PROC_NULL, MPI_ANY_TAG, 0);
    return MPI_SUCCESS;
  }
  zmpi::core::Engine& engine = Runtime::Get()->engine();
  int handle = 0, src = 0, t = 0;
  size_t bytes = 0;
  engine.Progress();
  bool found = engine.TakeMatched(c, c->p2p_context(), source, tag, &handle, &src, &t, &bytes);
  ProgressLoop loop;
  while (!found && block) {
    loop.Turn();
    found = engine.TakeMatched(c, c->p2p_context(), source, tag, &handle, &src, &t, &bytes);
  }
  *flag = found;
  if (!found) return MPI_SUCCESS;
  *message = handle;
  SetStatus(status, src, t, bytes);
  return MPI_SUCCESS;
}

// Checks a matched receive and starts it into *out (nullptr: MPI_MESSAGE_NO_PROC, nothing to
// receive). The message handle becomes MPI_MESSAGE_NULL.
template <typename Count>
int StartMrecv(const char* fn, void* buf, Count count, MPI_Datatype datatype, MPI_Message* message,
               Request** out) {
  const zmpi::core::Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckCountOf(count));
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckType(datatype, &t));
  ZMPI_CHECK_ARG(nullptr, fn,
                 t->type != nullptr ? zmpi::Status() : zmpi::abi::CheckBufferOf(buf, count));
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckPointer(message, "message"));
  Runtime* rt = Runtime::Get();
  if (*message != MPI_MESSAGE_NO_PROC && rt->engine().MessageComm(*message) == nullptr) {
    return zmpi::abi::Report(
        nullptr, fn,
        zmpi::Error(Code::kRequest, "invalid message handle 0x%x%s", *message,
                    *message == MPI_MESSAGE_NULL ? " (MPI_MESSAGE_NULL)" : ""));
  }
  Request* r = rt->requests().Allocate(zmpi::core::RequestKind::kRecv);
  r->recv_buf = buf;
  r->bytes = zmpi::abi::MessageBytes(t, static_cast<size_t>(count));
  r->type_size = t->size > 0 ? t->size : 1;
  if (t->type != nullptr && *message != MPI_MESSAGE_NO_PROC) [[unlikely]] {
    if (t->contiguous) {
      r->recv_buf = static_cast<char*>(buf) + t->true_lb;
    } else if (r->bytes > 0) {
      // Unpacked by the engine's derived-datatype path (derived_op.h): capacity 0 here.
      std::unique_ptr<zmpi::core::DerivedOp> op =
          zmpi::core::RecvState(buf, static_cast<int64_t>(count), *t);
      r->recv_buf = nullptr;
      r->bytes = 0;
      r->derived = op.release();
    }
  }
  if (*message == MPI_MESSAGE_NO_PROC) {
    r->status_source = MPI_PROC_NULL;
    r->status_tag = MPI_ANY_TAG;
    rt->engine().Complete(r);
  } else {
    rt->engine().StartMatchedRecv(r, *message);  // known to be there (MessageComm)
  }
  *message = MPI_MESSAGE_NULL;
  *out = r;
  return MPI_SUCCESS;
}

template <typename Count>
int Mrecv(const char* fn, void* buf, Count count, MPI_Datatype datatype, MPI_Message* message,
          MPI_Status* status) {
  Request* r = nullptr;
  int rc = StartMrecv(fn, buf, count, datatype, message, &r);
  if (rc != MPI_SUCCESS) return rc;
  Comm* c = r->comm;
  return zmpi::abi::Report(c, fn, zmpi::core::Wait(r, status));
}

template <typename Count>
int Imrecv(const char* fn, void* buf, Count count, MPI_Datatype datatype, MPI_Message* message,
           MPI_Request* request) {
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckPointer(request, "request"));
  Request* r = nullptr;
  int rc = StartMrecv(fn, buf, count, datatype, message, &r);
  if (rc == MPI_SUCCESS) *request = zmpi::core::RequestPool::ToHandle(r);
  return rc;
}

}  // namespace

ZMPI_API int PMPI_Mprobe(int source, int tag, MPI_Comm comm, MPI_Message* message,
                         MPI_Status* status) {
  ZMPI_ENTER("MPI_Mprobe");
  int flag = 0;
  return Mprobe("MPI_Mprobe", source, tag, comm, &flag, message, status, true);
}

ZMPI_API int PMPI_Improbe(int source, int tag, MPI_Comm comm, int* flag, MPI_Message* message,
                          MPI_Status* status) {
  ZMPI_ENTER("MPI_Improbe");
  return Mprobe("MPI_Improbe", source, tag, comm, flag, message, status, false);
}

ZMPI_API int PMPI_Mrecv(void* buf, int count, MPI_Datatype datatype, MPI_Message* message,
                        MPI_Status* status) {
  ZMPI_ENTER("MPI_Mrecv");
  return Mrecv("MPI_Mrecv", buf, count, datatype, message, status);
}

ZMPI_API int PMPI_Mrecv_c(void* buf, MPI_Count count, MPI_Datatype datatype, MPI_Message* message,
                          MPI_Status* status) {
  ZMPI_ENTER("MPI_Mrecv_c");
  return Mrecv("MPI_Mrecv_c", buf, count, datatype, message, status);
}

ZMPI_API int PMPI_Imrecv(void* buf, int count, MPI_Datatype datatype, MPI_Message* message,
                         MPI_Request* request) {
  ZMPI_ENTER("MPI_Imrecv");
  return Imrecv("MPI_Imrecv", buf, count, datatype, message, request);
}

ZMPI_API int PMPI_Imrecv_c(void* buf, MPI_Count count, MPI_Datatype datatype, MPI_Message* message,
                           MPI_Request* request) {
  ZMPI_ENTER("MPI_Imrecv_c");
  return Imrecv("MPI_Imrecv_c", buf, count, datatype, message, request);
}

#include "mpi/abi/mprobe_aliases.inc"
