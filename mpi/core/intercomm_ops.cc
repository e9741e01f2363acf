#include "mpi/core/intercomm_ops.h"

#include <algorithm>
#include <tuple>

#include "mpi/core/coll_p2p.h"
#include "mpi/core/comm_ops.h"
#include "mpi/core/context_agreement.h"
#include "mpi/core/runtime.h"

namespace zmpi::core {
namespace {

// Tags on a peer communicator's collective context that its collectives (0..2^30-1) and
// MPI_Comm_create_group (2^30 | tag) never take: negative ones (matching compares tags for
// equality; only -1, MPI_ANY_TAG, is special, and INT_MIN | tag never is -1 for tag < 2^30).
constexpr int kIntercommTagBase = static_cast<int>(0x80000000u);

bool IsRoot(const Party& p) { return p.members[0] == p.comm->rank(); }

// The leaders swap `mine` for the other group's vector over `bridge`; then every member of
// `party` gets it.
Status Exchange(const Party& party, const Bridge& bridge, const std::vector<int>& mine,
                std::vector<int>* theirs) {
  std::vector<int> count{0};
  if (IsRoot(party)) {
    int n = static_cast<int>(mine.size());
    ZMPI_RETURN_IF_ERROR(CollSendRecv(*bridge.comm, bridge.peer, &n, sizeof(n), bridge.peer,
                                      &count[0], sizeof(int), bridge.tag));
  }
  ZMPI_RETURN_IF_ERROR(PartyBcast(party, &count));
  theirs->assign(count[0], 0);
  if (IsRoot(party)) {
    ZMPI_RETURN_IF_ERROR(CollSendRecv(*bridge.comm, bridge.peer, mine.data(),
                                      mine.size() * sizeof(int), bridge.peer, theirs->data(),
                                      theirs->size() * sizeof(int), bridge.tag));
  }
  return PartyBcast(party, theirs);
}

// Members of `color` ordered by (key, rank) as world ranks; my position in `*mine`.
std::vector<int> Ordered(const std::vector<int>& colors_keys, int color,
                         const std::vector<int>& world, int me, int* mine) {
  std::vector<std::tuple<int, int>> members;
  for (size_t r = 0; r < world.size(); ++r) {
    if (colors_keys[2 * r] == color) members.emplace_back(colors_keys[2 * r + 1], r);
  }
  std::sort(members.begin(), members.end());
  std::vector<int> out;
  *mine = -1;
  for (auto& [k, r] : members) {
    if (static_cast<int>(r) == me) *mine = static_cast<int>(out.size());
    out.push_back(world[r]);
  }
  return out;
}

// Both contexts of a new intercommunicator made from `inter`; released again by Drop.
struct Contexts {
  uint32_t inter = 0;
  uint32_t local = 0;
  void Drop() const {
    Runtime::Get()->contexts().Release(inter);
    Runtime::Get()->contexts().Release(local);
  }
};

StatusOr<Contexts> AgreeBoth(const Party& party, const Bridge& bridge) {
  Contexts c;
  ZMPI_ASSIGN_OR_RETURN(c.inter, AgreeContext(party, &bridge));
  ZMPI_ASSIGN_OR_RETURN(c.local, AgreeContext(party));
  return c;
}

}  // namespace

StatusOr<Comm*> IntercommCreate(Comm& local, int local_leader, Comm* peer, int remote_leader,
                                int tag) {
  Party party = RootedParty(local, local_leader, local.NextCollTag());
  Bridge bridge{peer, remote_leader, kIntercommTagBase | tag};
  std::vector<int> remote;
  ZMPI_RETURN_IF_ERROR(Exchange(party, bridge, local.world_ranks(), &remote));
  for (int w : remote) {
    if (local.RankOfWorld(w) >= 0) {
      return Error(Code::kComm, "world rank %d is in both groups of the intercommunicator", w);
    }
  }
  ZMPI_ASSIGN_OR_RETURN(Contexts c, AgreeBoth(party, bridge));
  return NewInterComm(local.errhandler(), std::move(remote), local.world_ranks(), local.rank(),
                      c.inter, c.local, local.session());
}

StatusOr<Comm*> IntercommFromGroups(const Group& local, int local_leader, const Group& remote,
                                    int remote_leader, const std::string& tag,
                                    MPI_Errhandler errhandler, const Info* info) {
  Runtime& rt = *Runtime::Get();
  Comm& world = *rt.internal_world();
  int me = local.RankOfWorld(rt.world_rank());
  if (me < 0) return Error(Code::kGroup, "the calling process is not in the local group");
  for (int w : remote.world_ranks()) {
    if (local.RankOfWorld(w) >= 0) {
      return Error(Code::kGroup, "world rank %d is in both groups", w);
    }
  }
  Party party{&world, {local.WorldRank(local_leader)}, StringTag(tag, 1)};
  for (int w : local.world_ranks()) {
    if (w != party.members[0]) party.members.push_back(w);
  }
  Bridge bridge{&world, remote.WorldRank(remote_leader), StringTag(tag, 2)};
  ZMPI_ASSIGN_OR_RETURN(Contexts c, AgreeBoth(party, bridge));
  Comm* comm = NewInterComm(errhandler, remote.world_ranks(), local.world_ranks(), me, c.inter,
                            c.local, local.session());
  if (info != nullptr) comm->info() = *info;
  return comm;
}

StatusOr<Comm*> IntercommMerge(Comm& inter, bool high) {
  Party party = WholeParty(*inter.local_comm());
  Bridge bridge{&inter, 0, inter.NextCollTag()};
  std::vector<int> theirs;
  ZMPI_RETURN_IF_ERROR(
      Exchange(party, bridge, {high ? 1 : 0, inter.local_world_ranks()[0]}, &theirs));
  ZMPI_ASSIGN_OR_RETURN(uint32_t context, AgreeContext(party, &bridge));
  const bool local_first =
      (high ? 1 : 0) != theirs[0] ? !high : inter.local_world_ranks()[0] < theirs[1];
  const std::vector<int>& local = inter.local_world_ranks();
  const std::vector<int>& remote = inter.world_ranks();
  std::vector<int> ranks = local_first ? local : remote;
  ranks.insert(ranks.end(), (local_first ? remote : local).begin(),
               (local_first ? remote : local).end());
  int rank = inter.rank() + (local_first ? 0 : static_cast<int>(remote.size()));
  return NewComm(inter, std::move(ranks), rank, context);
}

StatusOr<Comm*> SplitInterComm(Comm& inter, int color, int key) {
  Party party = WholeParty(*inter.local_comm());
  Bridge bridge{&inter, 0, inter.NextCollTag()};
  std::vector<int> local_ck, remote_ck;
  ZMPI_RETURN_IF_ERROR(PartyAllgather(party, {color, key}, &local_ck));
  ZMPI_RETURN_IF_ERROR(Exchange(party, bridge, local_ck, &remote_ck));
  ZMPI_ASSIGN_OR_RETURN(Contexts c, AgreeBoth(party, bridge));
  int me = -1, ignored;
  std::vector<int> local, remote;
  if (color != MPI_UNDEFINED) {
    local = Ordered(local_ck, color, inter.local_world_ranks(), inter.rank(), &me);
    remote = Ordered(remote_ck, color, inter.world_ranks(), -1, &ignored);
  }
  if (color == MPI_UNDEFINED || remote.empty()) {
    c.Drop();
    return static_cast<Comm*>(nullptr);
  }
  return NewInterComm(inter.errhandler(), std::move(remote), std::move(local), me, c.inter, c.local,
                      inter.session());
}

StatusOr<Comm*> CreateInterComm(Comm& inter, const Group& group) {
  for (int w : group.world_ranks()) {
    if (std::find(inter.local_world_ranks().begin(), inter.local_world_ranks().end(), w) ==
        inter.local_world_ranks().end()) {
      return Error(Code::kGroup, "world rank %d of the group is not in the local group", w);
    }
  }
  Party party = WholeParty(*inter.local_comm());
  Bridge bridge{&inter, 0, inter.NextCollTag()};
  std::vector<int> remote;
  ZMPI_RETURN_IF_ERROR(Exchange(party, bridge, group.world_ranks(), &remote));
  ZMPI_ASSIGN_OR_RETURN(Contexts c, AgreeBoth(party, bridge));
  int me = group.RankOfWorld(inter.local_world_ranks()[inter.rank()]);
  if (me < 0 || remote.empty() || group.size() == 0) {
    c.Drop();
    return static_cast<Comm*>(nullptr);
  }
  return NewInterComm(inter.errhandler(), std::move(remote), group.world_ranks(), me, c.inter,
                      c.local, inter.session());
}

}  // namespace zmpi::core
