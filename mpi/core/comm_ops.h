// Collective communicator construction and destruction over intra- and intercommunicators
// (MPI-4.1 §7.4), and the two tiny collectives MPI_Finalize needs. These run over core
// point-to-point on the parent's collective context and stay simple (linear):
// communicator creation is rare and never on a hot path. The tuned collectives for users
// live in mpi/coll.
//
// Every new communicator is made by one of two functions: MakeDup (a copy of a parent:
// dup, idup, dup_with_info) and NewComm (anything else); every communicator ends in
// FreeComm. Attribute copy and delete hook into those three.
#ifndef ZMPI_MPI_CORE_COMM_OPS_H_
#define ZMPI_MPI_CORE_COMM_OPS_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/group.h"
#include "mpi/core/info.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

// Every member's `value`, in rank order.
Status AllgatherInt(Comm& comm, int value, std::vector<int>* out);
// Returns when every member has called it.
Status BarrierAll(Comm& comm);

// The copy of `parent` on new contexts (`local_context`: intercommunicators' local group),
// with parent's error handler and `info` (parent's hints when nullptr).
Comm* MakeDup(Comm& parent, uint32_t context, uint32_t local_context, const Info* info);
// A new communicator addressing `world_ranks` as `rank`, errhandler and session from `parent`.
Comm* NewComm(const Comm& parent, std::vector<int> world_ranks, int rank, uint32_t context);
// A new intercommunicator: `remote` addressed, `local` its local group, `rank` in local; it
// derives from `session` (Comm::session).
Comm* NewInterComm(MPI_Errhandler errhandler, std::vector<int> remote, std::vector<int> local,
                   int rank, uint32_t context, uint32_t local_context, MPI_Session session);

// MPI_Comm_dup / MPI_Comm_dup_with_info (info nullptr: the parent's hints): also the parent's
// process topology (MakeDup) and attributes through their copy callbacks (if one fails, the new
// communicator is freed and its error returned).
StatusOr<Comm*> DupComm(Comm& parent, const Info* info = nullptr);
// MPI_Comm_idup(_with_info): returns the request at once; `*out` is set when it completes.
StatusOr<MPI_Request> IdupComm(Comm& parent, const Info* info, MPI_Comm* out);
// MPI_Comm_split: nullptr for color MPI_UNDEFINED (or an empty remote side).
StatusOr<Comm*> SplitComm(Comm& parent, int color, int key);
// MPI_Comm_split_type; `info` may be nullptr.
StatusOr<Comm*> SplitTypeComm(Comm& parent, int split_type, int key, const Info* info);
// MPI_Comm_create: `group` a subgroup of parent's (local) group; nullptr for non-members.
StatusOr<Comm*> CreateComm(Comm& parent, const Group& group);
// MPI_Comm_create_group: collective over `group`'s members only.
StatusOr<Comm*> CreateCommGroup(Comm& parent, const Group& group, int tag);
// MPI_Comm_create_from_group: collective over `group`, no parent (sessions).
StatusOr<Comm*> CreateCommFromGroup(const Group& group, const std::string& tag,
                                    MPI_Errhandler errhandler, const Info* info);
// MPI_Comm_free: the handle goes now; pending operations still complete.
void FreeComm(Comm* comm);
// MPI_Comm_free: runs the attributes' delete callbacks (if one fails, the communicator stays
// and its error is returned), then FreeComm.
Status FreeCommAndAttributes(Comm* comm);
// MPI_Comm_disconnect: waits for every pending operation on `comm`, then frees it.
Status DisconnectComm(Comm* comm);
// MPI_Comm_compare.
int CompareComms(const Comm& a, const Comm& b);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_COMM_OPS_H_
