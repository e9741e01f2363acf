// Completion of requests (wait/test families), probe, cancel, free.
#include <vector>

#include "mpi/abi/entry.h"
#include "mpi/core/p2p.h"
#include "mpi/core/request.h"

using zmpi::Code;
using zmpi::Status;
using zmpi::core::Comm;
using zmpi::core::ProgressLoop;
using zmpi::core::Request;
using zmpi::core::Runtime;

namespace {

void EmptyStatus(MPI_Status* status) {
  if (status == MPI_STATUS_IGNORE || status == nullptr) return;
  status->MPI_SOURCE = MPI_ANY_SOURCE;
  status->MPI_TAG = MPI_ANY_TAG;
  status->MPI_ERROR = MPI_SUCCESS;
  status->count_lo = 0;
  status->count_hi_and_cancelled = 0;
}

// Looks up a request handle; MPI_REQUEST_NULL gives nullptr with OK.
Status Lookup(MPI_Request handle, Request** out) {
  *out = nullptr;
  if (handle == MPI_REQUEST_NULL) return zmpi::OkStatus();
  *out = Runtime::Get()->requests().FromHandle(handle);
  if (*out == nullptr || (*out)->user_freed) {
    return zmpi::Error(Code::kRequest, "invalid request handle 0x%x", handle);
  }
  return zmpi::OkStatus();
}

Status LookupAll(int count, MPI_Request* handles, std::vector<Request*>* out) {
  if (count < 0) return zmpi::Error(Code::kCount, "negative count %d", count);
  out->resize(count);
  for (int i = 0; i < count; ++i) ZMPI_RETURN_IF_ERROR(Lookup(handles[i], &(*out)[i]));
  return zmpi::OkStatus();
}

// Finishes request i of a multi-completion call; returns its error code.
int FinishOne(Request* r, MPI_Request* handle, MPI_Status* status, Comm** comm) {
  *comm = r->comm;
  Status s = zmpi::core::Finish(r, status);
  *handle = MPI_REQUEST_NULL;
  return static_cast<int>(s.code());
}

MPI_Status* StatusAt(MPI_Status* statuses, int i) {
  return statuses == MPI_STATUSES_IGNORE ? MPI_STATUS_IGNORE : &statuses[i];
}

}  // namespace

ZMPI_API int PMPI_Wait(MPI_Request* request, MPI_Status* status) {
  ZMPI_ENTER("MPI_Wait");
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Wait", Lookup(*request, &r));
  if (r == nullptr) {
    EmptyStatus(status);
    return MPI_SUCCESS;
  }
  Comm* c = r->comm;
  *request = MPI_REQUEST_NULL;
  return zmpi::abi::Report(c, "MPI_Wait", zmpi::core::Wait(r, status));
}

ZMPI_API int PMPI_Test(MPI_Request* request, int* flag, MPI_Status* status) {
  ZMPI_ENTER("MPI_Test");
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Test", Lookup(*request, &r));
  if (r == nullptr) {
    *flag = 1;
    EmptyStatus(status);
    return MPI_SUCCESS;
  }
  Comm* c = r->comm;
  bool done = false;
  Status s = zmpi::core::Test(r, &done, status);
  *flag = done;
  if (done) *request = MPI_REQUEST_NULL;
  return zmpi::abi::Report(c, "MPI_Test", s);
}

ZMPI_API int PMPI_Waitall(int count, MPI_Request requests[], MPI_Status statuses[]) {
  ZMPI_ENTER("MPI_Waitall");
  std::vector<Request*> rs;
  ZMPI_CHECK_ARG(nullptr, "MPI_Waitall", LookupAll(count, requests, &rs));
  ProgressLoop loop;
  for (Request* r : rs) {
    if (r != nullptr) zmpi::core::WaitComplete(r, loop);
  }
  bool failed = false;
  Comm* comm = nullptr;
  for (int i = 0; i < count; ++i) {
    if (rs[i] == nullptr) {
      EmptyStatus(StatusAt(statuses, i));
      continue;
    }
    failed |= FinishOne(rs[i], &requests[i], StatusAt(statuses, i), &comm) != MPI_SUCCESS;
  }
  if (!failed) return MPI_SUCCESS;
  return zmpi::abi::Report(comm, "MPI_Waitall",
                           zmpi::Error(Code::kInStatus, "a request failed; see its status"));
}

ZMPI_API int PMPI_Testall(int count, MPI_Request requests[], int* flag, MPI_Status statuses[]) {
  ZMPI_ENTER("MPI_Testall");
  std::vector<Request*> rs;
  ZMPI_CHECK_ARG(nullptr, "MPI_Testall", LookupAll(count, requests, &rs));
  Runtime::Get()->engine().Progress();
  *flag = 1;
  for (Request* r : rs) {
    if (r != nullptr && !r->complete) *flag = 0;
  }
  if (!*flag) return MPI_SUCCESS;
  return PMPI_Waitall(count, requests, statuses);
}

// Index of a complete request among rs (after one progress pass), MPI_UNDEFINED if all are
// null, or -1 if none is complete yet.
static int FindComplete(const std::vector<Request*>& rs) {
  bool any = false;
  for (size_t i = 0; i < rs.size(); ++i) {
    if (rs[i] == nullptr) continue;
    any = true;
    if (rs[i]->complete) return static_cast<int>(i);
  }
  return any ? -1 : MPI_UNDEFINED;
}

static int CompleteAny(const char* fn, int count, MPI_Request requests[], int* index, int* flag,
                       MPI_Status* status, bool block) {
  std::vector<Request*> rs;
  ZMPI_CHECK_ARG(nullptr, fn, LookupAll(count, requests, &rs));
  ProgressLoop loop;
  int i = FindComplete(rs);
  while (i == -1) {
    loop.Turn();
    if (loop.Every(1.0)) zmpi::core::FailDeadPeers(rs.data(), count);
    i = FindComplete(rs);
    if (!block) break;
  }
  *flag = i != -1;
  *index = i == -1 ? MPI_UNDEFINED : i;
  if (i == MPI_UNDEFINED) EmptyStatus(status);
  if (i < 0) return MPI_SUCCESS;
  Comm* comm = nullptr;
  int rc = FinishOne(rs[i], &requests[i], status, &comm);
  return zmpi::abi::Report(comm, fn, Status(static_cast<Code>(rc), "request failed"));
}

ZMPI_API int PMPI_Waitany(int count, MPI_Request requests[], int* index, MPI_Status* status) {
  ZMPI_ENTER("MPI_Waitany");
  int flag = 0;
  return CompleteAny("MPI_Waitany", count, requests, index, &flag, status, true);
}

ZMPI_API int PMPI_Testany(int count, MPI_Request requests[], int* index, int* flag,
                          MPI_Status* status) {
  ZMPI_ENTER("MPI_Testany");
  return CompleteAny("MPI_Testany", count, requests, index, flag, status, false);
}

ZMPI_API int PMPI_Waitsome(int incount, MPI_Request requests[], int* outcount, int indices[],
                           MPI_Status statuses[]) {
  ZMPI_ENTER("MPI_Waitsome");
  std::vector<Request*> rs;
  ZMPI_CHECK_ARG(nullptr, "MPI_Waitsome", LookupAll(incount, requests, &rs));
  ProgressLoop loop;
  while (FindComplete(rs) == -1) {
    loop.Turn();
    if (loop.Every(1.0)) zmpi::core::FailDeadPeers(rs.data(), incount);
  }
  if (FindComplete(rs) == MPI_UNDEFINED) {
    *outcount = MPI_UNDEFINED;
    return MPI_SUCCESS;
  }
  int n = 0;
  bool failed = false;
  Comm* comm = nullptr;
  for (int i = 0; i < incount; ++i) {
    if (rs[i] == nullptr || !rs[i]->complete) continue;
    indices[n] = i;
    failed |= FinishOne(rs[i], &requests[i], StatusAt(statuses, n), &comm) != MPI_SUCCESS;
    ++n;
  }
  *outcount = n;
  if (!failed) return MPI_SUCCESS;
  return zmpi::abi::Report(comm, "MPI_Waitsome",
                           zmpi::Error(Code::kInStatus, "a request failed; see its status"));
}

static int DoProbe(const char* fn, int source, int tag, MPI_Comm comm, int* flag,
                   MPI_Status* status, bool block) {
  Comm* c = nullptr;
  ZMPI_CHECK_ARG(nullptr, fn, zmpi::abi::CheckComm(comm, &c));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckRecvRank(*c, source));
  ZMPI_CHECK_ARG(c, fn, zmpi::abi::CheckRecvTag(tag));
  if (source == MPI_PROC_NULL) {
    *flag = 1;
    EmptyStatus(status);
    if (status != MPI_STATUS_IGNORE) status->MPI_SOURCE = MPI_PROC_NULL;
    return MPI_SUCCESS;
  }
  zmpi::core::Engine& engine = Runtime::Get()->engine();
  int src = 0, t = 0;
  size_t bytes = 0;
  ProgressLoop loop;
  engine.Progress();
  bool found = engine.Probe(c->p2p_context(), source, tag, &src, &t, &bytes);
  while (!found && block) {
    loop.Turn();
    found = engine.Probe(c->p2p_context(), source, tag, &src, &t, &bytes);
  }
  *flag = found;
  if (found && status != MPI_STATUS_IGNORE) {
    status->MPI_SOURCE = src;
    status->MPI_TAG = t;
    status->MPI_ERROR = MPI_SUCCESS;
    status->count_lo = static_cast<int>(bytes & 0xffffffffu);
    status->count_hi_and_cancelled = static_cast<int>((static_cast<uint64_t>(bytes) >> 32) << 1);
  }
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status* status) {
  ZMPI_ENTER("MPI_Probe");
  int flag = 0;
  return DoProbe("MPI_Probe", source, tag, comm, &flag, status, true);
}

ZMPI_API int PMPI_Iprobe(int source, int tag, MPI_Comm comm, int* flag, MPI_Status* status) {
  ZMPI_ENTER("MPI_Iprobe");
  return DoProbe("MPI_Iprobe", source, tag, comm, flag, status, false);
}

ZMPI_API int PMPI_Request_free(MPI_Request* request) {
  ZMPI_ENTER("MPI_Request_free");
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Request_free", Lookup(*request, &r));
  if (r == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Request_free",
                             zmpi::Error(Code::kRequest, "MPI_REQUEST_NULL cannot be freed"));
  }
  if (r->complete) Runtime::Get()->requests().Release(r);
  else r->user_freed = true;  // released by the engine when it completes
  *request = MPI_REQUEST_NULL;
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Cancel(MPI_Request* request) {
  ZMPI_ENTER("MPI_Cancel");
  Request* r = nullptr;
  ZMPI_CHECK_ARG(nullptr, "MPI_Cancel", Lookup(*request, &r));
  if (r == nullptr) {
    return zmpi::abi::Report(nullptr, "MPI_Cancel",
                             zmpi::Error(Code::kRequest, "MPI_REQUEST_NULL cannot be cancelled"));
  }
  // Receives not yet matched are withdrawn; sends are never cancelled (MPI 4.1 deprecates it),
  // which the standard allows: MPI_Test_cancelled then reports false.
  if (r->kind == zmpi::core::RequestKind::kRecv && !r->complete &&
      Runtime::Get()->engine().CancelRecv(r)) {
    r->cancelled = true;
    Runtime::Get()->engine().Complete(r);
  }
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Test_cancelled(const MPI_Status* status, int* flag) {
  *flag = status->count_hi_and_cancelled & 1;
  return MPI_SUCCESS;
}

#include "mpi/abi/request_aliases.inc"
