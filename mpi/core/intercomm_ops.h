// Intercommunicator construction (MPI-4.1 §7.6): create from two groups' leaders, merge,
// and split/create over an existing intercommunicator. Contexts are agreed by both groups:
// each group ANDs its offers at its leader, the leaders AND across (context_agreement.h),
// and each leader broadcasts the result in its group. The new intercommunicator's local
// group gets its own context too (its hidden local communicator: Comm::local_comm).
#ifndef ZMPI_MPI_CORE_INTERCOMM_OPS_H_
#define ZMPI_MPI_CORE_INTERCOMM_OPS_H_

#include <string>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/group.h"
#include "mpi/core/info.h"

namespace zmpi::core {

// MPI_Intercomm_create: `peer` and `remote_leader` matter at the local leader only.
StatusOr<Comm*> IntercommCreate(Comm& local, int local_leader, Comm* peer, int remote_leader,
                                int tag);
// MPI_Intercomm_create_from_groups (sessions: no parent communicator).
StatusOr<Comm*> IntercommFromGroups(const Group& local, int local_leader, const Group& remote,
                                    int remote_leader, const std::string& tag,
                                    MPI_Errhandler errhandler, const Info* info);
// MPI_Intercomm_merge: the group passing high=false comes first (ties: the group whose
// leader has the lower world rank).
StatusOr<Comm*> IntercommMerge(Comm& inter, bool high);
// MPI_Comm_split and MPI_Comm_create on an intercommunicator.
StatusOr<Comm*> SplitInterComm(Comm& inter, int color, int key);
StatusOr<Comm*> CreateInterComm(Comm& inter, const Group& group);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_INTERCOMM_OPS_H_
