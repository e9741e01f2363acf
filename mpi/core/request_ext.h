// Requests built over the engine's sends and receives: persistent requests (MPI_Send_init &
// co., started with MPI_Start), compound requests (MPI_Isendrecv: one request over several
// sends and receives), generalized requests (MPI_Grequest_start: completed by the user), and
// the completion paths (wait, test, get_status, free, cancel) that every kind other than a
// plain send or receive takes. Nothing here is on the plain send/receive path: those reach
// it only through the `special` flag, tested once in Finish.
#ifndef ZMPI_MPI_CORE_REQUEST_EXT_H_
#define ZMPI_MPI_CORE_REQUEST_EXT_H_

#include <cstddef>
#include <memory>

#include "common/status.h"
#include "mpi/core/p2p.h"
#include "mpi/core/request.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

// ---- persistent sends and receives ----

enum class PersistentMode { kStandard, kSync, kReady, kBuffered };

// An inactive persistent request with the arguments of a send (or a receive); MPI_Start
// starts it. Arguments are checked by the caller. With a non-contiguous datatype (args.type)
// each start runs a typed send or receive (derived_op.h) with fresh staging state, as a part
// of the persistent request; the type may be freed by the user meanwhile.
Request* SendInit(const SendArgs& args, PersistentMode mode);
Request* RecvInit(const RecvArgs& args);
// Starts an inactive persistent request of any kind (kRequest when it is active or not
// persistent). On an error at start the request stays inactive.
Status Start(Request* request);

// ---- parts: requests that complete another (compound, partitioned, buffered) ----

// Makes `child` a part of `parent`: `hook(child)` runs when the child completes (at once if it
// already has), after which the child is released. The hook reads child->parent/part.
void Adopt(Request* child, Request* parent, uint32_t part, void (*hook)(Request*));

// ---- compound requests ----

// MPI_Isendrecv: starts the receive, then the send, as one request whose status is the
// receive's. `owned` (may be null) is kept until the request is released (the send buffer
// of MPI_Isendrecv_replace). Arguments are checked by the caller.
StatusOr<Request*> Isendrecv(const SendArgs& send, const RecvArgs& recv,
                             std::unique_ptr<char[]> owned);

// ---- generalized requests ----

Request* GrequestStart(MPI_Grequest_query_function* query_fn, MPI_Grequest_free_function* free_fn,
                       MPI_Grequest_cancel_function* cancel_fn, void* extra_state);
// MPI_Grequest_complete; kRequest when the request is not generalized or already complete.
Status GrequestComplete(Request* request);
// The request of a handle for MPI_Grequest_complete: also one the user already freed with
// MPI_Request_free (the standard lets both calls come in either order). nullptr if none.
Request* FindGeneralized(MPI_Request handle);

// ---- completion of any kind ----

// Finish for requests with `special` set (see Finish in p2p.h).
Status FinishSpecial(Request* request, MPI_Status* status);
// MPI_Request_get_status: progresses once; when complete fills `status` (generalized: through
// query_fn) and sets *flag, freeing nothing.
Status GetStatus(Request* request, bool* flag, MPI_Status* status);
// MPI_Request_free of any request: released now when complete (inactive persistent), else when
// it completes; a generalized request's free_fn runs once both it and Grequest_complete came.
Status FreeRequest(Request* request);
// MPI_Cancel of any request.
Status Cancel(Request* request);
// Inactive persistent requests count as null in the multi-completion calls.
inline bool Inactive(const Request* r) { return r->persistent && !r->active; }

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_REQUEST_EXT_H_
