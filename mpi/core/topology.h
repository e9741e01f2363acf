// The process topology a communicator may carry (MPI-4.1 chapter 8): the interface the core
// knows. The concrete kinds (Cartesian, graph, distributed graph) live in mpi/topo/, which
// builds on the core; the core only owns one through Comm and copies it on MPI_Comm_dup.
#ifndef ZMPI_MPI_CORE_TOPOLOGY_H_
#define ZMPI_MPI_CORE_TOPOLOGY_H_

#include <memory>

#include "mpi/include/mpi.h"

namespace zmpi::core {

// Values are MPI_Topo_test's answers.
enum class TopologyKind : int {
  kGraph = MPI_GRAPH,
  kCart = MPI_CART,
  kDistGraph = MPI_DIST_GRAPH,
};

// An immutable description of how a communicator's ranks are connected. Owned by one Comm;
// Clone gives the copy a duplicated communicator carries.
class Topology {
 public:
  virtual ~Topology() = default;
  virtual TopologyKind kind() const = 0;
  virtual std::unique_ptr<Topology> Clone() const = 0;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_TOPOLOGY_H_
