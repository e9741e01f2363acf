#include "mpi/topo/topo_ops.h"

#include <utility>

#include "mpi/core/comm_ops.h"

namespace zmpi::topo {
namespace {

Status NoTopology(const core::Comm& comm, const char* wanted) {
  return Error(Code::kTopology, "communicator 0x%x has no %s topology", comm.handle(), wanted);
}

// The first `members` ranks of the parent, in the parent's order, with `topology`.
StatusOr<core::Comm*> FirstRanks(core::Comm& parent, int members,
                                 std::unique_ptr<core::Topology> topology) {
  core::Comm* comm = nullptr;
  if (members == parent.size()) {
    ZMPI_ASSIGN_OR_RETURN(comm, core::DupComm(parent));
  } else {
    const int color = parent.rank() < members ? 0 : MPI_UNDEFINED;
    ZMPI_ASSIGN_OR_RETURN(comm, core::SplitComm(parent, color, parent.rank()));
  }
  if (comm != nullptr) comm->set_topology(std::move(topology));
  return comm;
}

}  // namespace

StatusOr<const CartTopology*> CartOf(const core::Comm& comm) {
  const core::Topology* t = comm.topology();
  if (t == nullptr || t->kind() != core::TopologyKind::kCart) return NoTopology(comm, "Cartesian");
  return static_cast<const CartTopology*>(t);
}

StatusOr<const GraphTopology*> GraphOf(const core::Comm& comm) {
  const core::Topology* t = comm.topology();
  if (t == nullptr || t->kind() != core::TopologyKind::kGraph) return NoTopology(comm, "graph");
  return static_cast<const GraphTopology*>(t);
}

StatusOr<const DistGraphTopology*> DistGraphOf(const core::Comm& comm) {
  const core::Topology* t = comm.topology();
  if (t == nullptr || t->kind() != core::TopologyKind::kDistGraph) {
    return NoTopology(comm, "distributed graph");
  }
  return static_cast<const DistGraphTopology*>(t);
}

StatusOr<core::Comm*> CartCreate(core::Comm& parent, int ndims, const int* dims,
                                 const int* periods) {
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<CartTopology> cart,
                        CartTopology::Make(ndims, dims, periods, parent.size()));
  const int members = cart->size();
  return FirstRanks(parent, members, std::move(cart));
}

StatusOr<core::Comm*> CartSub(core::Comm& parent, const int* remain_dims) {
  ZMPI_ASSIGN_OR_RETURN(const CartTopology* cart, CartOf(parent));
  if (cart->ndims() > 0 && remain_dims == nullptr) {
    return Error(Code::kArg, "remain_dims is NULL");
  }
  std::unique_ptr<CartTopology> sub = cart->Sub(remain_dims);
  // Keeping no dimension makes a zero-dimensional grid, which (as from MPI_Cart_create with
  // ndims 0) holds one process: rank 0 of the parent; the others get MPI_COMM_NULL. MPICH does
  // the same (its test suite's topo/cartsuball checks it).
  const int color = sub->ndims() == 0 ? (parent.rank() == 0 ? 0 : MPI_UNDEFINED)
                                      : cart->SubColor(parent.rank(), remain_dims);
  // Within one color, parent rank order is the row-major order of the kept dimensions.
  ZMPI_ASSIGN_OR_RETURN(core::Comm * comm, core::SplitComm(parent, color, parent.rank()));
  if (comm != nullptr) comm->set_topology(std::move(sub));  // nullptr: MPI_COMM_NULL
  return comm;
}

StatusOr<int> CartMap(const core::Comm& comm, int ndims, const int* dims, const int* periods) {
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<CartTopology> cart,
                        CartTopology::Make(ndims, dims, periods, comm.size()));
  return comm.rank() < cart->size() ? comm.rank() : MPI_UNDEFINED;
}

StatusOr<core::Comm*> GraphCreate(core::Comm& parent, int nnodes, const int* index,
                                  const int* edges) {
  ZMPI_ASSIGN_OR_RETURN(std::unique_ptr<GraphTopology> graph,
                        GraphTopology::Make(nnodes, index, edges, parent.size()));
  // Every member sees nnodes == 0 alike, so none of them communicates.
  if (nnodes == 0) return static_cast<core::Comm*>(nullptr);
  return FirstRanks(parent, nnodes, std::move(graph));
}

StatusOr<int> GraphMap(const core::Comm& comm, int nnodes, const int* index, const int* edges) {
  ZMPI_RETURN_IF_ERROR(GraphTopology::Make(nnodes, index, edges, comm.size()).status());
  return comm.rank() < nnodes ? comm.rank() : MPI_UNDEFINED;
}

StatusOr<core::Comm*> DistGraphCreateAdjacent(core::Comm& parent, const Adjacency& in,
                                              const Adjacency& out, bool weighted) {
  ZMPI_RETURN_IF_ERROR(DistGraphTopology::Check(in, weighted, parent.size()));
  ZMPI_RETURN_IF_ERROR(DistGraphTopology::Check(out, weighted, parent.size()));
  ZMPI_ASSIGN_OR_RETURN(core::Comm * comm, core::DupComm(parent));
  comm->set_topology(DistGraphTopology::Make(in, out, weighted));
  return comm;
}

}  // namespace zmpi::topo
