// Point-to-point: starting sends and receives, blocking forms, sendrecv.
#include <cstring>
#include <memory>

#include "mpi/abi/entry.h"
#include "mpi/core/derived_op.h"
#include "mpi/core/p2p.h"
#include "mpi/core/request.h"

using zmpi::Status;
using zmpi::StatusOr;
using zmpi::core::Comm;
using zmpi::core::Datatype;
using zmpi::core::Request;
using zmpi::core::RequestPool;
using zmpi::core::SendMode;

namespace {

// CheckSend/StartRecv's answer for valid arguments whose datatype is not plain (derived and
// not count * size bytes at buf): the caller takes the derived path. Not an MPI error code.
constexpr int kDerivedType = -1;

// Every check of a send, in the order the error classes are reported; MPI_SUCCESS if none
// fails (MPI_PROC_NULL is valid).
[[gnu::noinline, gnu::cold]] int CheckSendFully(const char* fn, const void* buf, int count,
                                                MPI_Datatype datatype, int dest, int tag,
                                                MPI_Comm comm) {
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckCount(count));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckType(datatype, &t));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckBuffer(buf, count, *t));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckSendRank(*c, dest));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckSendTag(tag));
  return MPI_SUCCESS;
}

// Checks a send's arguments into `args`; errors are reported through comm's handler.
// Inline (as BlockingSend): with the core's send below it, this is the whole of MPI_Send.
[[gnu::always_inline]] inline int CheckSend(const char* fn, const void* buf, int count,
                                            MPI_Datatype datatype, int dest, int tag, MPI_Comm comm,
                                            SendMode mode, zmpi::core::SendArgs* args) {
  Comm* c = zmpi::core::Runtime::Get()->FindComm(comm);
  const Datatype* t = zmpi::core::FindPlainDatatype(datatype);
  if (!zmpi::abi::PointToPointArgsPlain(c, t, buf, count, dest, tag)) [[unlikely]] {
    int rc = CheckSendFully(fn, buf, count, datatype, dest, tag, comm);
    if (rc != MPI_SUCCESS) return rc;
    if (t == nullptr) return kDerivedType;
  }
  *args = zmpi::core::SendArgs{buf, static_cast<size_t>(count) * t->size, dest, tag, c, mode};
  return MPI_SUCCESS;
}

// The cold paths of sends with a derived datatype (arguments already checked).
[[gnu::noinline, gnu::cold]] int StartDerivedSend(const char* fn, const void* buf, int count,
                                                  MPI_Datatype datatype, int dest, int tag,
                                                  MPI_Comm comm, SendMode mode, Request** out) {
  Comm* c = zmpi::core::Runtime::Get()->FindComm(comm);
  const Datatype* t = zmpi::core::FindDatatype(datatype);
  zmpi::core::SendArgs a{nullptr, 0, dest, tag, c, mode};
  StatusOr<Request*> r = zmpi::core::IsendTyped(buf, count, *t, a);
  if (!r.ok()) return zmpi::abi::Report(c, fn, r.status());
  *out = *r;
  return MPI_SUCCESS;
}

[[gnu::noinline, gnu::cold]] int DerivedSend(const char* fn, const void* buf, int count,
                                             MPI_Datatype datatype, int dest, int tag,
                                             MPI_Comm comm, SendMode mode) {
  Comm* c = zmpi::core::Runtime::Get()->FindComm(comm);
  const Datatype* t = zmpi::core::FindDatatype(datatype);
  zmpi::core::SendArgs a{nullptr, 0, dest, tag, c, mode};
  return zmpi::abi::Report(c, fn, zmpi::core::SendTyped(buf, count, *t, a));
}

// Checks arguments and starts a send; errors are reported through comm's handler.
int StartSend(const char* fn, const void* buf, int count, MPI_Datatype datatype, int dest, int tag,
              MPI_Comm comm, SendMode mode, Request** out) {
  zmpi::core::SendArgs a{};
  int rc = CheckSend(fn, buf, count, datatype, dest, tag, comm, mode, &a);
  if (rc != MPI_SUCCESS) {
    if (rc == kDerivedType)
      return StartDerivedSend(fn, buf, count, datatype, dest, tag, comm, mode, out);
    return rc;
  }
  StatusOr<Request*> r = zmpi::core::Isend(a);
  if (!r.ok()) return zmpi::abi::Report(a.comm, fn, r.status());
  *out = *r;
  return MPI_SUCCESS;
}

// Every check of a receive (see CheckSendFully).
[[gnu::noinline, gnu::cold]] int CheckRecvFully(const char* fn, void* buf, int count,
                                                MPI_Datatype datatype, int source, int tag,
                                                MPI_Comm comm) {
  Comm* c = nullptr;
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckCount(count));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckType(datatype, &t));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckBuffer(buf, count, *t));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckRecvRank(*c, source));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckRecvTag(tag));
  return MPI_SUCCESS;
}

// The cold path of a receive with a derived datatype (arguments already checked).
[[gnu::noinline, gnu::cold]] int StartDerivedRecv(const char* fn, void* buf, int count,
                                                  MPI_Datatype datatype, int source, int tag,
                                                  MPI_Comm comm, Request** out) {
  Comm* c = zmpi::core::Runtime::Get()->FindComm(comm);
  const Datatype* t = zmpi::core::FindDatatype(datatype);
  zmpi::core::RecvArgs a{nullptr, 0, source, tag, c};
  StatusOr<Request*> r = zmpi::core::IrecvTyped(buf, count, *t, a);
  if (!r.ok()) return zmpi::abi::Report(c, fn, r.status());
  *out = *r;
  return MPI_SUCCESS;
}

int StartRecv(const char* fn, void* buf, int count, MPI_Datatype datatype, int source, int tag,
              MPI_Comm comm, Request** out) {
  Comm* c = zmpi::core::Runtime::Get()->FindComm(comm);
  const Datatype* t = zmpi::core::FindPlainDatatype(datatype);
  if (!zmpi::abi::PointToPointArgsPlain(c, t, buf, count, source, tag)) [[unlikely]] {
    int rc = CheckRecvFully(fn, buf, count, datatype, source, tag, comm);
    if (rc != MPI_SUCCESS) return rc;
    if (t == nullptr) return StartDerivedRecv(fn, buf, count, datatype, source, tag, comm, out);
  }
  zmpi::core::RecvArgs a{buf, static_cast<size_t>(count) * t->size, source, tag,
                         c,   zmpi::core::Channel::kUser,           t->size};
  StatusOr<Request*> r = zmpi::core::Irecv(a);
  if (!r.ok()) return zmpi::abi::Report(c, fn, r.status());
  *out = *r;
  return MPI_SUCCESS;
}

int Complete(const char* fn, Request* r, MPI_Status* status) {
  Comm* c = r->comm;
  return zmpi::abi::Report(c, fn, zmpi::core::Wait(r, status));
}

[[gnu::always_inline]] inline int BlockingSend(const char* fn, const void* buf, int count,
                                               MPI_Datatype datatype, int dest, int tag,
                                               MPI_Comm comm, SendMode mode) {
  zmpi::core::SendArgs a{};
  int rc = CheckSend(fn, buf, count, datatype, dest, tag, comm, mode, &a);
  if (rc != MPI_SUCCESS) {
    if (rc == kDerivedType) return DerivedSend(fn, buf, count, datatype, dest, tag, comm, mode);
    return rc;
  }
  return zmpi::abi::Report(a.comm, fn, zmpi::core::Send(a));
}

int NonblockingSend(const char* fn, const void* buf, int count, MPI_Datatype datatype, int dest,
                    int tag, MPI_Comm comm, SendMode mode, MPI_Request* request) {
  Request* r = nullptr;
  int rc = StartSend(fn, buf, count, datatype, dest, tag, comm, mode, &r);
  if (rc == MPI_SUCCESS) *request = RequestPool::ToHandle(r);
  return rc;
}

}  // namespace

ZMPI_API int PMPI_Send(const void* buf, int count, MPI_Datatype datatype, int dest, int tag,
                       MPI_Comm comm) {
  ZMPI_ENTER("MPI_Send");
  return BlockingSend("MPI_Send", buf, count, datatype, dest, tag, comm, SendMode::kStandard);
}

ZMPI_API int PMPI_Ssend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag,
                        MPI_Comm comm) {
  ZMPI_ENTER("MPI_Ssend");
  return BlockingSend("MPI_Ssend", buf, count, datatype, dest, tag, comm, SendMode::kSync);
}

ZMPI_API int PMPI_Rsend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag,
                        MPI_Comm comm) {
  ZMPI_ENTER("MPI_Rsend");
  return BlockingSend("MPI_Rsend", buf, count, datatype, dest, tag, comm, SendMode::kReady);
}

ZMPI_API int PMPI_Isend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag,
                        MPI_Comm comm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Isend");
  return NonblockingSend("MPI_Isend", buf, count, datatype, dest, tag, comm, SendMode::kStandard,
                         request);
}

ZMPI_API int PMPI_Issend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag,
                         MPI_Comm comm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Issend");
  return NonblockingSend("MPI_Issend", buf, count, datatype, dest, tag, comm, SendMode::kSync,
                         request);
}

ZMPI_API int PMPI_Irsend(const void* buf, int count, MPI_Datatype datatype, int dest, int tag,
                         MPI_Comm comm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Irsend");
  return NonblockingSend("MPI_Irsend", buf, count, datatype, dest, tag, comm, SendMode::kReady,
                         request);
}

ZMPI_API int PMPI_Recv(void* buf, int count, MPI_Datatype datatype, int source, int tag,
                       MPI_Comm comm, MPI_Status* status) {
  ZMPI_ENTER("MPI_Recv");
  Request* r = nullptr;
  int rc = StartRecv("MPI_Recv", buf, count, datatype, source, tag, comm, &r);
  if (rc != MPI_SUCCESS) return rc;
  return Complete("MPI_Recv", r, status);
}

ZMPI_API int PMPI_Irecv(void* buf, int count, MPI_Datatype datatype, int source, int tag,
                        MPI_Comm comm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Irecv");
  Request* r = nullptr;
  int rc = StartRecv("MPI_Irecv", buf, count, datatype, source, tag, comm, &r);
  if (rc == MPI_SUCCESS) *request = RequestPool::ToHandle(r);
  return rc;
}

ZMPI_API int PMPI_Sendrecv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, int dest,
                           int sendtag, void* recvbuf, int recvcount, MPI_Datatype recvtype,
                           int source, int recvtag, MPI_Comm comm, MPI_Status* status) {
  ZMPI_ENTER("MPI_Sendrecv");
  Request* recv = nullptr;
  Request* send = nullptr;
  int rc = StartRecv("MPI_Sendrecv", recvbuf, recvcount, recvtype, source, recvtag, comm, &recv);
  if (rc != MPI_SUCCESS) return rc;
  rc = StartSend("MPI_Sendrecv", sendbuf, sendcount, sendtype, dest, sendtag, comm,
                 SendMode::kStandard, &send);
  if (rc != MPI_SUCCESS) {
    zmpi::core::Wait(recv, MPI_STATUS_IGNORE).IgnoreError();
    return rc;
  }
  Comm* c = recv->comm;
  Status ss = zmpi::core::Wait(send, MPI_STATUS_IGNORE);
  Status rs = zmpi::core::Wait(recv, status);
  return zmpi::abi::Report(c, "MPI_Sendrecv", ss.ok() ? rs : ss);
}

ZMPI_API int PMPI_Sendrecv_replace(void* buf, int count, MPI_Datatype datatype, int dest,
                                   int sendtag, int source, int recvtag, MPI_Comm comm,
                                   MPI_Status* status) {
  ZMPI_ENTER("MPI_Sendrecv_replace");
  const Datatype* t = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Sendrecv_replace", zmpi::abi::CheckType(datatype, &t));
  ZMPI_CHECK_ARG(nullptr, "MPI_Sendrecv_replace", zmpi::abi::CheckCount(count));
  size_t bytes = static_cast<size_t>(count) * t->size;
  std::unique_ptr<char[]> copy(new char[bytes ? bytes : 1]);
  if (t->type == nullptr) {
    if (bytes) memcpy(copy.get(), buf, bytes);
    return PMPI_Sendrecv(copy.get(), count, datatype, dest, sendtag, buf, count, datatype, source,
                         recvtag, comm, status);
  }
  // A derived type goes out packed (same type signature, as bytes).
  zmpi::core::PackTyped(buf, count, *t, copy.get());
  if (bytes > 0x7fffffff) {
    return zmpi::abi::Report(nullptr, "MPI_Sendrecv_replace",
                             zmpi::Error(zmpi::Code::kCount, "message of %zu bytes", bytes));
  }
  return PMPI_Sendrecv(copy.get(), static_cast<int>(bytes), MPI_BYTE, dest, sendtag, buf, count,
                       datatype, source, recvtag, comm, status);
}

#include "mpi/abi/pt2pt_aliases.inc"
