// Requests of non-blocking and persistent collectives (RequestKind::kCollective): the
// request's extension drives the operation (a schedule, mpi/coll/sched) and the core only
// knows it through CollectiveExt. Starting one advances it once at the call; if it is not
// done yet it joins the Engine's pending operations, so every progress pass (the request's
// own Test/Wait, and any other MPI call that progresses) advances it. Completion goes through
// FinishSpecial: the status is empty (MPI_ANY_SOURCE, MPI_ANY_TAG, count 0). MPI_Cancel is
// refused (MPI_ERR_REQUEST), MPI_Request_free of an active one lets it finish first.
#ifndef ZMPI_MPI_CORE_COLL_REQUEST_H_
#define ZMPI_MPI_CORE_COLL_REQUEST_H_

#include <memory>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/request.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

struct CollectiveExt : RequestExtension {
  // Runs the operation as far as it goes without blocking; true once it is done, with
  // *error its outcome. Called outside transport callbacks: it may start sends and receives.
  virtual bool Advance(Status* error) = 0;
  // Back to the beginning (MPI_Start of a persistent request that completed).
  virtual void Rewind() = 0;
  // Fails the posted parts whose peer died, so the operation ends (with kProcAborted) instead
  // of waiting forever; waits call it about once a second (FailDeadPeers in p2p.h).
  virtual void FailDeadPeers() = 0;
};

// A request of kind kCollective on `comm` owning `ext`; persistent ones start inactive.
Request* NewCollective(Comm& comm, std::unique_ptr<CollectiveExt> ext, bool persistent);
// Starts (or restarts: the caller rearmed it) a kCollective request. Errors come through the
// request; this cannot fail.
void StartCollective(Request* request);
// FinishSpecial for kCollective: empty status (but for the count of status_bytes, which
// only non-blocking file accesses set), the request's error; releases it unless persistent
// (then inactive).
Status FinishCollective(Request* request, MPI_Status* status);
// The status of a completed collective, leaving MPI_ERROR alone: empty but for `bytes`.
void CollectiveStatus(MPI_Status* status, size_t bytes = 0);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_COLL_REQUEST_H_
