// Agreement on a new communicator's context id among the processes that will share it: every
// party member offers its free context ids, the offers are AND-ed at the party's root (its
// first member), a bridge (intercommunicators: the two leaders) AND-s the two roots' results,
// and the root broadcasts the lowest common id, which every member takes. Rounds repeat while
// concurrent agreements hold the ids (context_agreement_op.h has the protocol, context_pool.h
// the rule that lets concurrent agreements, blocking or not, in any order and from any thread,
// all finish). Messages go on the collective context of the party's communicator with the
// party's tag; communicator creation is rare, so the exchange is linear.
#ifndef ZMPI_MPI_CORE_CONTEXT_AGREEMENT_H_
#define ZMPI_MPI_CORE_CONTEXT_AGREEMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "mpi/core/comm.h"

namespace zmpi::core {

// The processes that agree: `members` are ranks in `comm` (members[0] is the root; every
// member lists them in the same order), talking on comm's collective context with `tag`.
struct Party {
  Comm* comm;
  std::vector<int> members;
  int tag;
};
// The leaders' link between two parties: the root of each party talks to `peer` (a rank
// in `comm`) on comm's collective context with `tag`.
struct Bridge {
  Comm* comm;
  int peer;
  int tag;
};

// The whole communicator as a party (all ranks, its next collective tag).
Party WholeParty(Comm& comm);
// A context agreed by the party (and the party on the far side of `bridge`, if any).
StatusOr<uint32_t> AgreeContext(const Party& party, const Bridge* bridge = nullptr);
// MPI_Comm_dup & co.: over all members; an intercommunicator agrees across both groups.
StatusOr<uint32_t> AgreeContext(Comm& comm);

// A tag in [0, 2^30) for a string tag (MPI-4 sessions' constructions), varied by `salt`.
int StringTag(const std::string& tag, int salt);
// A party over all of `comm` with `root` first.
Party RootedParty(Comm& comm, int root, int tag);

// Small exchanges for communicator construction over a party (linear through the root).
// Every member's `value`s (the same count each), in member order.
Status PartyAllgather(const Party& party, const std::vector<int>& values, std::vector<int>* out);
// The root's `values` (count as given) to every member.
Status PartyBcast(const Party& party, std::vector<int>* values);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_CONTEXT_AGREEMENT_H_
