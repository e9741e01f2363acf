#include "mpi/core/comm_ops.h"

#include <algorithm>
#include <tuple>

#include "mpi/core/coll_p2p.h"
#include "mpi/core/object_attributes.h"
#include "mpi/core/runtime.h"

namespace zmpi::core {

Status AllgatherInt(Comm& comm, int value, std::vector<int>* out) {
  const int n = comm.size();
  const int tag = comm.NextCollTag();
  out->assign(n, 0);
  if (comm.rank() != 0) {
    ZMPI_RETURN_IF_ERROR(CollSend(comm, 0, tag, &value, sizeof(value)));
    return CollRecv(comm, 0, tag, out->data(), n * sizeof(int));
  }
  (*out)[0] = value;
  for (int r = 1; r < n; ++r) {
    ZMPI_RETURN_IF_ERROR(CollRecv(comm, r, tag, &(*out)[r], sizeof(int)));
  }
  for (int r = 1; r < n; ++r) {
    ZMPI_RETURN_IF_ERROR(CollSend(comm, r, tag, out->data(), n * sizeof(int)));
  }
  return OkStatus();
}

Status BarrierAll(Comm& comm) {
  std::vector<int> ignored;
  return AllgatherInt(comm, 0, &ignored);
}

StatusOr<Comm*> DupComm(Comm& parent) {
  Runtime& rt = *Runtime::Get();
  ZMPI_ASSIGN_OR_RETURN(uint32_t context, rt.AgreeOnContext(parent));
  Comm* comm = rt.AddComm(parent.world_ranks(), parent.rank(), context);
  comm->set_errhandler(parent.errhandler());
  if (parent.topology() != nullptr) comm->set_topology(parent.topology()->Clone());
  Status copied = CopyAttributes(HandleKind::kComm, parent.handle(), comm->handle());
  if (!copied.ok()) {
    rt.FreeComm(comm);
    return copied;
  }
  return comm;
}

StatusOr<Comm*> SplitComm(Comm& parent, int color, int key) {
  Runtime& rt = *Runtime::Get();
  std::vector<int> colors, keys;
  ZMPI_RETURN_IF_ERROR(AllgatherInt(parent, color, &colors));
  ZMPI_RETURN_IF_ERROR(AllgatherInt(parent, key, &keys));
  ZMPI_ASSIGN_OR_RETURN(uint32_t context, rt.AgreeOnContext(parent));
  if (color == MPI_UNDEFINED) return static_cast<Comm*>(nullptr);
  // Members of my color ordered by (key, parent rank).
  std::vector<std::tuple<int, int>> members;
  for (int r = 0; r < parent.size(); ++r) {
    if (colors[r] == color) members.emplace_back(keys[r], r);
  }
  std::sort(members.begin(), members.end());
  std::vector<int> world_ranks;
  int my_rank = -1;
  for (auto& [k, r] : members) {
    if (r == parent.rank()) my_rank = static_cast<int>(world_ranks.size());
    world_ranks.push_back(parent.WorldRank(r));
  }
  Comm* comm = rt.AddComm(std::move(world_ranks), my_rank, context);
  comm->set_errhandler(parent.errhandler());
  return comm;
}

Status FreeCommAndAttributes(Comm* comm) {
  ZMPI_RETURN_IF_ERROR(DeleteAttributes(HandleKind::kComm, comm->handle()));
  Runtime::Get()->FreeComm(comm);
  return OkStatus();
}

}  // namespace zmpi::core
