// Point-to-point: starting sends and receives, blocking forms, sendrecv (and their MPI-4
// large-count _c forms, which share every helper through the count type).
#include <cstring>
#include <memory>

#include "mpi/abi/entry.h"
#include "mpi/abi/p2p_args.h"
#include "mpi/core/derived_op.h"
#include "mpi/core/p2p.h"
#include "mpi/core/request.h"
#include "mpi/core/request_ext.h"

using zmpi::Status;
using zmpi::StatusOr;
using zmpi::abi::CheckRecv;
using zmpi::abi::CheckSend;
using zmpi::core::Comm;
using zmpi::core::Datatype;
using zmpi::core::RecvArgs;
using zmpi::core::Request;
using zmpi::core::RequestPool;
using zmpi::core::SendArgs;
using zmpi::core::SendMode;

namespace {

// Checks arguments and starts a send; errors are reported through comm's handler.
template <typename Count>
int StartSend(const char* fn, const void* buf, Count count, MPI_Datatype datatype, int dest,
              int tag, MPI_Comm comm, SendMode mode, Request** out) {
  SendArgs a{};
  int rc = CheckSend(fn, buf, count, datatype, dest, tag, comm, mode, &a);
  if (rc != MPI_SUCCESS) return rc;
  StatusOr<Request*> r = zmpi::core::Isend(a);
  if (!r.ok()) return zmpi::abi::Report(a.comm, fn, r.status());
  *out = *r;
  return MPI_SUCCESS;
}

template <typename Count>
int StartRecv(const char* fn, void* buf, Count count, MPI_Datatype datatype, int source, int tag,
              MPI_Comm comm, Request** out) {
  RecvArgs a{};
  int rc = CheckRecv(fn, buf, count, datatype, source, tag, comm, &a);
  if (rc != MPI_SUCCESS) return rc;
  StatusOr<Request*> r = zmpi::core::Irecv(a);
  if (!r.ok()) return zmpi::abi::Report(a.comm, fn, r.status());
  *out = *r;
  return MPI_SUCCESS;
}

[[gnu::always_inline]] inline int Complete(const char* fn, Request* r, MPI_Status* status) {
  Comm* c = r->comm;
  return zmpi::abi::Report(c, fn, zmpi::core::Wait(r, status));
}

template <typename Count>
[[gnu::always_inline]] inline int BlockingSend(const char* fn, const void* buf, Count count,
                                               MPI_Datatype datatype, int dest, int tag,
                                               MPI_Comm comm, SendMode mode) {
  SendArgs a{};
  int rc = CheckSend(fn, buf, count, datatype, dest, tag, comm, mode, &a);
  if (rc != MPI_SUCCESS) return rc;
  return zmpi::abi::Report(a.comm, fn, zmpi::core::Send(a));
}

template <typename Count>
int NonblockingSend(const char* fn, const void* buf, Count count, MPI_Datatype datatype, int dest,
                    int tag, MPI_Comm comm, SendMode mode, MPI_Request* request) {
  Request* r = nullptr;
  int rc = StartSend(fn, buf, count, datatype, dest, tag, comm, mode, &r);
  if (rc == MPI_SUCCESS) *request = RequestPool::ToHandle(r);
  return rc;
}

template <typename Count>
[[gnu::always_inline]] inline int BlockingRecv(const char* fn, void* buf, Count count,
                                               MPI_Datatype datatype, int source, int tag,
                                               MPI_Comm comm, MPI_Status* status) {
  Request* r = nullptr;
  int rc = StartRecv(fn, buf, count, datatype, source, tag, comm, &r);
  if (rc != MPI_SUCCESS) return rc;
  return Complete(fn, r, status);
}

template <typename Count>
int NonblockingRecv(const char* fn, void* buf, Count count, MPI_Datatype datatype, int source,
                    int tag, MPI_Comm comm, MPI_Request* request) {
  Request* r = nullptr;
  int rc = StartRecv(fn, buf, count, datatype, source, tag, comm, &r);
  if (rc == MPI_SUCCESS) *request = RequestPool::ToHandle(r);
  return rc;
}

// Checks both halves of a sendrecv before anything is posted: a receive posted before a
// failing send check would be left waiting for a message nobody sends.
template <typename Count>
int CheckSendrecv(const char* fn, const void* sendbuf, Count sendcount, MPI_Datatype sendtype,
                  int dest, int sendtag, void* recvbuf, Count recvcount, MPI_Datatype recvtype,
                  int source, int recvtag, MPI_Comm comm, SendArgs* send, RecvArgs* recv) {
  int rc =
      CheckSend(fn, sendbuf, sendcount, sendtype, dest, sendtag, comm, SendMode::kStandard, send);
  if (rc != MPI_SUCCESS) return rc;
  return CheckRecv(fn, recvbuf, recvcount, recvtype, source, recvtag, comm, recv);
}

// Runs a checked sendrecv: the receive is posted first, so two ranks exchanging with each
// other cannot both wait in a send.
int RunSendrecv(const char* fn, const SendArgs& s, const RecvArgs& r, MPI_Status* status) {
  StatusOr<Request*> recv = zmpi::core::Irecv(r);
  if (!recv.ok()) return zmpi::abi::Report(r.comm, fn, recv.status());
  StatusOr<Request*> send = zmpi::core::Isend(s);
  if (!send.ok()) {
    // The receive is already posted: withdraw it if nothing matched it yet.
    zmpi::core::Cancel(*recv).IgnoreError();
    zmpi::core::Wait(*recv, MPI_STATUS_IGNORE).IgnoreError();
    return zmpi::abi::Report(s.comm, fn, send.status());
  }
  Status ss = zmpi::core::Wait(*send, MPI_STATUS_IGNORE);
  Status rs = zmpi::core::Wait(*recv, status);
  return zmpi::abi::Report(r.comm, fn, ss.ok() ? rs : ss);
}

template <typename Count>
int Sendrecv(const char* fn, const void* sendbuf, Count sendcount, MPI_Datatype sendtype, int dest,
             int sendtag, void* recvbuf, Count recvcount, MPI_Datatype recvtype, int source,
             int recvtag, MPI_Comm comm, MPI_Status* status) {
  SendArgs s{};
  RecvArgs r{};
  int rc = CheckSendrecv(fn, sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount,
                         recvtype, source, recvtag, comm, &s, &r);
  if (rc != MPI_SUCCESS) return rc;
  return RunSendrecv(fn, s, r, status);
}

// Checks a *_replace call into send and receive arguments over one buffer.
template <typename Count>
int CheckReplace(const char* fn, void* buf, Count count, MPI_Datatype datatype, int dest,
                 int sendtag, int source, int recvtag, MPI_Comm comm, SendArgs* send,
                 RecvArgs* recv) {
  return CheckSendrecv<Count>(fn, buf, count, datatype, dest, sendtag, buf, count, datatype, source,
                              recvtag, comm, send, recv);
}

// The send half of a *_replace call leaves from a packed copy of the buffer (taken before the
// receive overwrites it); `s` then describes that copy as plain bytes.
std::unique_ptr<char[]> CopyOf(SendArgs* s) {
  std::unique_ptr<char[]> copy(new char[s->bytes ? s->bytes : 1]);
  if (s->type != nullptr) {
    zmpi::core::PackTyped(s->buf, s->count, *s->type, copy.get());
  } else if (s->bytes) {
    memcpy(copy.get(), s->buf, s->bytes);
  }
  s->buf = copy.get();
  s->type = nullptr;
  return copy;
}

template <typename Count>
int SendrecvReplace(const char* fn, void* buf, Count count, MPI_Datatype datatype, int dest,
                    int sendtag, int source, int recvtag, MPI_Comm comm, MPI_Status* status) {
  SendArgs s{};
  RecvArgs r{};
  int rc = CheckReplace(fn, buf, count, datatype, dest, sendtag, source, recvtag, comm, &s, &r);
  if (rc != MPI_SUCCESS) return rc;
  std::unique_ptr<char[]> copy = CopyOf(&s);
  return RunSendrecv(fn, s, r, status);
}

int StartCompound(const char* fn, const SendArgs& s, const RecvArgs& r,
                  std::unique_ptr<char[]> owned, MPI_Request* request) {
  ZMPI_CHECK_ARG(r.comm, fn, zmpi::abi::CheckPointer(request, "request"));
  StatusOr<Request*> req = zmpi::core::Isendrecv(s, r, std::move(owned));
  if (!req.ok()) return zmpi::abi::Report(r.comm, fn, req.status());
  *request = RequestPool::ToHandle(*req);
  return MPI_SUCCESS;
}

template <typename Count>
int Isendrecv(const char* fn, const void* sendbuf, Count sendcount, MPI_Datatype sendtype, int dest,
              int sendtag, void* recvbuf, Count recvcount, MPI_Datatype recvtype, int source,
              int recvtag, MPI_Comm comm, MPI_Request* request) {
  SendArgs s{};
  RecvArgs r{};
  int rc = CheckSendrecv(fn, sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount,
                         recvtype, source, recvtag, comm, &s, &r);
  if (rc != MPI_SUCCESS) return rc;
  return StartCompound(fn, s, r, nullptr, request);
}

template <typename Count>
int IsendrecvReplace(const char* fn, void* buf, Count count, MPI_Datatype datatype, int dest,
                     int sendtag, int source, int recvtag, MPI_Comm comm, MPI_Request* request) {
  SendArgs s{};
  RecvArgs r{};
  int rc = CheckReplace(fn, buf, count, datatype, dest, sendtag, source, recvtag, comm, &s, &r);
  if (rc != MPI_SUCCESS) return rc;
  std::unique_ptr<char[]> copy = CopyOf(&s);
  return StartCompound(fn, s, r, std::move(copy), request);
}

}  // namespace

// The classic (int count) and large-count (MPI_Count) entry points of one call.
#define ZMPI_SEND_FORMS(Name, body_fn, mode)                                                      \
  ZMPI_API int PMPI_##Name(const void* buf, int count, MPI_Datatype datatype, int dest, int tag,  \
                           MPI_Comm comm) {                                                       \
    ZMPI_ENTER("MPI_" #Name);                                                                     \
    return body_fn("MPI_" #Name, buf, count, datatype, dest, tag, comm, mode);                    \
  }                                                                                               \
  ZMPI_API int PMPI_##Name##_c(const void* buf, MPI_Count count, MPI_Datatype datatype, int dest, \
                               int tag, MPI_Comm comm) {                                          \
    ZMPI_ENTER("MPI_" #Name "_c");                                                                \
    return body_fn("MPI_" #Name "_c", buf, count, datatype, dest, tag, comm, mode);               \
  }

#define ZMPI_ISEND_FORMS(Name, mode)                                                              \
  ZMPI_API int PMPI_##Name(const void* buf, int count, MPI_Datatype datatype, int dest, int tag,  \
                           MPI_Comm comm, MPI_Request* request) {                                 \
    ZMPI_ENTER("MPI_" #Name);                                                                     \
    return NonblockingSend("MPI_" #Name, buf, count, datatype, dest, tag, comm, mode, request);   \
  }                                                                                               \
  ZMPI_API int PMPI_##Name##_c(const void* buf, MPI_Count count, MPI_Datatype datatype, int dest, \
                               int tag, MPI_Comm comm, MPI_Request* request) {                    \
    ZMPI_ENTER("MPI_" #Name "_c");                                                                \
    return NonblockingSend("MPI_" #Name "_c", buf, count, datatype, dest, tag, comm, mode,        \
                           request);                                                              \
  }

ZMPI_SEND_FORMS(Send, BlockingSend, SendMode::kStandard)
ZMPI_SEND_FORMS(Ssend, BlockingSend, SendMode::kSync)
ZMPI_SEND_FORMS(Rsend, BlockingSend, SendMode::kReady)
ZMPI_ISEND_FORMS(Isend, SendMode::kStandard)
ZMPI_ISEND_FORMS(Issend, SendMode::kSync)
ZMPI_ISEND_FORMS(Irsend, SendMode::kReady)

ZMPI_API int PMPI_Recv(void* buf, int count, MPI_Datatype datatype, int source, int tag,
                       MPI_Comm comm, MPI_Status* status) {
  ZMPI_ENTER("MPI_Recv");
  return BlockingRecv("MPI_Recv", buf, count, datatype, source, tag, comm, status);
}

ZMPI_API int PMPI_Recv_c(void* buf, MPI_Count count, MPI_Datatype datatype, int source, int tag,
                         MPI_Comm comm, MPI_Status* status) {
  ZMPI_ENTER("MPI_Recv_c");
  return BlockingRecv("MPI_Recv_c", buf, count, datatype, source, tag, comm, status);
}

ZMPI_API int PMPI_Irecv(void* buf, int count, MPI_Datatype datatype, int source, int tag,
                        MPI_Comm comm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Irecv");
  return NonblockingRecv("MPI_Irecv", buf, count, datatype, source, tag, comm, request);
}

ZMPI_API int PMPI_Irecv_c(void* buf, MPI_Count count, MPI_Datatype datatype, int source, int tag,
                          MPI_Comm comm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Irecv_c");
  return NonblockingRecv("MPI_Irecv_c", buf, count, datatype, source, tag, comm, request);
}

ZMPI_API int PMPI_Sendrecv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, int dest,
                           int sendtag, void* recvbuf, int recvcount, MPI_Datatype recvtype,
                           int source, int recvtag, MPI_Comm comm, MPI_Status* status) {
  ZMPI_ENTER("MPI_Sendrecv");
  return Sendrecv("MPI_Sendrecv", sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount,
                  recvtype, source, recvtag, comm, status);
}

ZMPI_API int PMPI_Sendrecv_c(const void* sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                             int dest, int sendtag, void* recvbuf, MPI_Count recvcount,
                             MPI_Datatype recvtype, int source, int recvtag, MPI_Comm comm,
                             MPI_Status* status) {
  ZMPI_ENTER("MPI_Sendrecv_c");
  return Sendrecv("MPI_Sendrecv_c", sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount,
                  recvtype, source, recvtag, comm, status);
}

ZMPI_API int PMPI_Sendrecv_replace(void* buf, int count, MPI_Datatype datatype, int dest,
                                   int sendtag, int source, int recvtag, MPI_Comm comm,
                                   MPI_Status* status) {
  ZMPI_ENTER("MPI_Sendrecv_replace");
  return SendrecvReplace("MPI_Sendrecv_replace", buf, count, datatype, dest, sendtag, source,
                         recvtag, comm, status);
}

ZMPI_API int PMPI_Sendrecv_replace_c(void* buf, MPI_Count count, MPI_Datatype datatype, int dest,
                                     int sendtag, int source, int recvtag, MPI_Comm comm,
                                     MPI_Status* status) {
  ZMPI_ENTER("MPI_Sendrecv_replace_c");
  return SendrecvReplace("MPI_Sendrecv_replace_c", buf, count, datatype, dest, sendtag, source,
                         recvtag, comm, status);
}

ZMPI_API int PMPI_Isendrecv(const void* sendbuf, int sendcount, MPI_Datatype sendtype, int dest,
                            int sendtag, void* recvbuf, int recvcount, MPI_Datatype recvtype,
                            int source, int recvtag, MPI_Comm comm, MPI_Request* request) {
  ZMPI_ENTER("MPI_Isendrecv");
  return Isendrecv("MPI_Isendrecv", sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount,
                   recvtype, source, recvtag, comm, request);
}

ZMPI_API int PMPI_Isendrecv_c(const void* sendbuf, MPI_Count sendcount, MPI_Datatype sendtype,
                              int dest, int sendtag, void* recvbuf, MPI_Count recvcount,
                              MPI_Datatype recvtype, int source, int recvtag, MPI_Comm comm,
                              MPI_Request* request) {
  ZMPI_ENTER("MPI_Isendrecv_c");
  return Isendrecv("MPI_Isendrecv_c", sendbuf, sendcount, sendtype, dest, sendtag, recvbuf,
                   recvcount, recvtype, source, recvtag, comm, request);
}

ZMPI_API int PMPI_Isendrecv_replace(void* buf, int count, MPI_Datatype datatype, int dest,
                                    int sendtag, int source, int recvtag, MPI_Comm comm,
                                    MPI_Request* request) {
  ZMPI_ENTER("MPI_Isendrecv_replace");
  return IsendrecvReplace("MPI_Isendrecv_replace", buf, count, datatype, dest, sendtag, source,
                          recvtag, comm, request);
}

ZMPI_API int PMPI_Isendrecv_replace_c(void* buf, MPI_Count count, MPI_Datatype datatype, int dest,
                                      int sendtag, int source, int recvtag, MPI_Comm comm,
                                      MPI_Request* request) {
  ZMPI_ENTER("MPI_Isendrecv_replace_c");
  return IsendrecvReplace("MPI_Isendrecv_replace_c", buf, count, datatype, dest, sendtag, source,
                          recvtag, comm, request);
}

#include "mpi/abi/pt2pt_aliases.inc"
