// A Cartesian topology (MPI_Cart_create): a grid of dims[0] x ... x dims[ndims-1] processes,
// each dimension periodic or not, ranks laid out in row-major order (the last coordinate
// varies fastest). Pure coordinate arithmetic; creating the communicator is topo_ops.h's job.
#ifndef ZMPI_MPI_TOPO_CART_TOPOLOGY_H_
#define ZMPI_MPI_TOPO_CART_TOPOLOGY_H_

#include <memory>
#include <vector>

#include "common/status.h"
#include "mpi/core/topology.h"

namespace zmpi::topo {

class CartTopology final : public core::Topology {
 public:
  // Validates the shape: ndims >= 0 (kArg), every dims[i] > 0 (kDims), at most `max_size`
  // processes in all (kArg). `periods` entries are true when nonzero. ndims == 0 is the
  // zero-dimensional grid of one process.
  static StatusOr<std::unique_ptr<CartTopology>> Make(int ndims, const int* dims,
                                                      const int* periods, int max_size);

  core::TopologyKind kind() const override { return core::TopologyKind::kCart; }
  std::unique_ptr<core::Topology> Clone() const override;

  int ndims() const { return static_cast<int>(dims_.size()); }
  const std::vector<int>& dims() const { return dims_; }
  const std::vector<int>& periods() const { return periods_; }  // 0 or 1
  // Number of grid points (1 for ndims == 0).
  int size() const { return size_; }

  // coords[0..ndims) of `rank`, which must be in [0, size).
  void Coords(int rank, int* coords) const;
  // The rank at coords[0..ndims): periodic coordinates wrap; out of range on a non-periodic
  // dimension is kArg.
  StatusOr<int> Rank(const int* coords) const;
  // MPI_Cart_shift for `rank` along `direction` (in [0, ndims)) by `disp`: the ranks to
  // receive from and send to, MPI_PROC_NULL past a non-periodic edge.
  void Shift(int rank, int direction, int disp, int* source, int* dest) const;

  // MPI_Cart_sub's split of this grid by remain[0..ndims) (nonzero: keep the dimension):
  // `rank`'s color (its coordinates in the dropped dimensions, as one number) and the
  // topology of its part (the kept dimensions; ndims 0 when none is kept).
  int SubColor(int rank, const int* remain) const;
  std::unique_ptr<CartTopology> Sub(const int* remain) const;

 private:
  CartTopology(std::vector<int> dims, std::vector<int> periods, int size)
      : dims_(std::move(dims)), periods_(std::move(periods)), size_(size) {}

  std::vector<int> dims_;
  std::vector<int> periods_;
  int size_;
};

}  // namespace zmpi::topo

#endif  // ZMPI_MPI_TOPO_CART_TOPOLOGY_H_
