#include "mpi/core/comm_ops.h"

#include <algorithm>
#include <tuple>

#include "mpi/core/coll_p2p.h"
#include "mpi/core/object_attributes.h"
#include "mpi/core/context_agreement.h"
#include "mpi/core/intercomm_ops.h"
#include "mpi/core/p2p.h"
#include "mpi/core/runtime.h"

namespace zmpi::core {
namespace {

// Tags on a parent's collective context that its collectives never take (NextCollTag stays
// below 2^30): MPI_Comm_create_group's exchange among the group's members.
constexpr int kCreateGroupTagBase = 0x40000000;

// The party of `group`'s members in `comm` (ranks in comm's addressed group), or kGroup if
// some member is not in comm, kRank-free otherwise.
StatusOr<Party> GroupParty(Comm& comm, const Group& group, int tag) {
  Party p{&comm, {}, tag};
  p.members.reserve(group.size());
  for (int w : group.world_ranks()) {
    int r = comm.RankOfWorld(w);
    if (r < 0)
      return Error(Code::kGroup, "world rank %d of the group is not in the communicator", w);
    p.members.push_back(r);
  }
  return p;
}

// Members of `color` ordered by (key, rank), as world ranks of `ranks_world`; `my_index`
// gets the position of `me` (or -1).
std::vector<int> OrderByKey(const std::vector<int>& colors_keys, int color,
                            const std::vector<int>& ranks_world, int me, int* my_index) {
  std::vector<std::tuple<int, int>> members;
  for (size_t r = 0; r < ranks_world.size(); ++r) {
    if (colors_keys[2 * r] == color) members.emplace_back(colors_keys[2 * r + 1], r);
  }
  std::sort(members.begin(), members.end());
  std::vector<int> out;
  *my_index = -1;
  for (auto& [k, r] : members) {
    if (r == me) *my_index = static_cast<int>(out.size());
    out.push_back(ranks_world[r]);
  }
  return out;
}

}  // namespace

Status AllgatherInt(Comm& comm, int value, std::vector<int>* out) {
  return PartyAllgather(WholeParty(comm), {value}, out);
}

Status BarrierAll(Comm& comm) {
  std::vector<int> ignored;
  return AllgatherInt(comm, 0, &ignored);
}

Comm* NewComm(const Comm& parent, std::vector<int> world_ranks, int rank, uint32_t context) {
  Comm* comm = Runtime::Get()->AddComm(std::move(world_ranks), rank, context);
  comm->set_errhandler(parent.errhandler());
  comm->set_session(parent.session());
  return comm;
}

Comm* NewInterComm(MPI_Errhandler errhandler, std::vector<int> remote, std::vector<int> local,
                   int rank, uint32_t context, uint32_t local_context, MPI_Session session) {
  Comm* comm = Runtime::Get()->AddComm(std::move(remote), rank, context);
  comm->MakeInter(std::make_unique<Comm>(MPI_COMM_NULL, std::move(local), rank, local_context));
  comm->set_errhandler(errhandler);
  comm->set_session(session);
  return comm;
}

Comm* MakeDup(Comm& parent, uint32_t context, uint32_t local_context, const Info* info) {
  Comm* comm;
  if (parent.is_inter()) {
    comm = NewInterComm(parent.errhandler(), parent.world_ranks(), parent.local_world_ranks(),
                        parent.rank(), context, local_context, parent.session());
  } else {
    comm = NewComm(parent, parent.world_ranks(), parent.rank(), context);
  }
  comm->info() = info != nullptr ? *info : parent.info();
  if (parent.topology() != nullptr) comm->set_topology(parent.topology()->Clone());
  return comm;
}

StatusOr<Comm*> DupComm(Comm& parent, const Info* info) {
  ZMPI_ASSIGN_OR_RETURN(uint32_t context, AgreeContext(parent));
  uint32_t local_context = 0;
  if (parent.is_inter()) {
    ZMPI_ASSIGN_OR_RETURN(local_context, AgreeContext(*parent.local_comm()));
  }
  Comm* comm = MakeDup(parent, context, local_context, info);
  Status copied = CopyAttributes(HandleKind::kComm, parent.handle(), comm->handle());
  if (!copied.ok()) {
    FreeComm(comm);
    return copied;
  }
  return comm;
}

StatusOr<Comm*> SplitComm(Comm& parent, int color, int key) {
  if (parent.is_inter()) return SplitInterComm(parent, color, key);
  std::vector<int> colors_keys;
  ZMPI_RETURN_IF_ERROR(PartyAllgather(WholeParty(parent), {color, key}, &colors_keys));
  ZMPI_ASSIGN_OR_RETURN(uint32_t context, AgreeContext(parent));
  if (color == MPI_UNDEFINED) {
    Runtime::Get()->contexts().Release(context);
    return static_cast<Comm*>(nullptr);
  }
  int my_rank;
  std::vector<int> world_ranks =
      OrderByKey(colors_keys, color, parent.world_ranks(), parent.rank(), &my_rank);
  return NewComm(parent, std::move(world_ranks), my_rank, context);
}

StatusOr<Comm*> SplitTypeComm(Comm& parent, int split_type, int key, const Info* info) {
  // The only resource we can name is the host (shared memory): one communicator per host.
  const std::vector<int>& local = Runtime::Get()->bootstrap().local_ranks();
  int color = local.empty() ? 0 : local.front();
  std::string type = "mpi_shared_memory";
  if (split_type == MPI_UNDEFINED) color = MPI_UNDEFINED;
  if (split_type == MPI_COMM_TYPE_HW_GUIDED) {
    const std::string* v = info ? info->Get("mpi_hw_resource_type") : nullptr;
    // MPI-4.1 §7.4.2: a resource type this implementation does not know gives MPI_COMM_NULL.
    if (v == nullptr || *v != type) color = MPI_UNDEFINED;
  }
  if (split_type == MPI_COMM_TYPE_HW_UNGUIDED) {
    // Only a strict subset of the parent may result: hosts split it only if it spans several.
    int here = 0;
    for (int w : parent.world_ranks()) here += std::binary_search(local.begin(), local.end(), w);
    if (here == parent.size()) color = MPI_UNDEFINED;
  }
  ZMPI_ASSIGN_OR_RETURN(Comm * comm, SplitComm(parent, color, key));
  if (comm != nullptr && split_type != MPI_COMM_TYPE_SHARED) {
    comm->info().Set("mpi_hw_resource_type", type);
  }
  return comm;
}

StatusOr<Comm*> CreateComm(Comm& parent, const Group& group) {
  if (parent.is_inter()) return CreateInterComm(parent, group);
  for (int w : group.world_ranks()) {
    if (parent.RankOfWorld(w) < 0) {
      return Error(Code::kGroup, "world rank %d of the group is not in the communicator", w);
    }
  }
  int my_rank = group.RankOfWorld(parent.WorldRank(parent.rank()));
  ZMPI_ASSIGN_OR_RETURN(uint32_t context, AgreeContext(parent));
  if (my_rank < 0) {
    Runtime::Get()->contexts().Release(context);
    return static_cast<Comm*>(nullptr);
  }
  return NewComm(parent, group.world_ranks(), my_rank, context);
}

StatusOr<Comm*> CreateCommGroup(Comm& parent, const Group& group, int tag) {
  int my_rank = group.RankOfWorld(parent.WorldRank(parent.rank()));
  if (my_rank < 0) return static_cast<Comm*>(nullptr);
  ZMPI_ASSIGN_OR_RETURN(Party party, GroupParty(parent, group, kCreateGroupTagBase | tag));
  ZMPI_ASSIGN_OR_RETURN(uint32_t context, AgreeContext(party));
  return NewComm(parent, group.world_ranks(), my_rank, context);
}

StatusOr<Comm*> CreateCommFromGroup(const Group& group, const std::string& tag,
                                    MPI_Errhandler errhandler, const Info* info) {
  Runtime& rt = *Runtime::Get();
  Comm& world = *rt.internal_world();
  int my_rank = group.RankOfWorld(rt.world_rank());
  if (my_rank < 0) return Error(Code::kGroup, "the calling process is not in the group");
  ZMPI_ASSIGN_OR_RETURN(Party party, GroupParty(world, group, StringTag(tag, 0)));
  ZMPI_ASSIGN_OR_RETURN(uint32_t context, AgreeContext(party));
  Comm* comm = NewComm(world, group.world_ranks(), my_rank, context);
  comm->set_errhandler(errhandler);
  comm->set_session(group.session());
  if (info != nullptr) comm->info() = *info;
  return comm;
}

void FreeComm(Comm* comm) { Runtime::Get()->FreeComm(comm); }

Status FreeCommAndAttributes(Comm* comm) {
  ZMPI_RETURN_IF_ERROR(DeleteAttributes(HandleKind::kComm, comm->handle()));
  FreeComm(comm);
  return OkStatus();
}

Status DisconnectComm(Comm* comm) {
  Runtime& rt = *Runtime::Get();
  ProgressLoop loop;
  while (
      rt.requests().AnyLive([comm](const Request& r) { return r.comm == comm && !r.complete; })) {
    loop.Turn();
  }
  return FreeCommAndAttributes(comm);
}

int CompareComms(const Comm& a, const Comm& b) {
  if (&a == &b) return MPI_IDENT;
  if (a.is_inter() != b.is_inter()) return MPI_UNEQUAL;
  Group al(a.local_world_ranks()), bl(b.local_world_ranks());
  int local = al.Compare(bl);
  int remote = MPI_IDENT;
  if (a.is_inter()) remote = Group(a.world_ranks()).Compare(Group(b.world_ranks()));
  int worst = std::max(local, remote);
  return worst == MPI_IDENT ? MPI_CONGRUENT : worst;
}

}  // namespace zmpi::core
