#include "mpi/topo/cart_topology.h"

#include <cstdint>

#include "mpi/include/mpi.h"

namespace zmpi::topo {

StatusOr<std::unique_ptr<CartTopology>> CartTopology::Make(int ndims, const int* dims,
                                                           const int* periods, int max_size) {
  if (ndims < 0) return Error(Code::kArg, "ndims %d is negative", ndims);
  if (ndims > 0 && (dims == nullptr || periods == nullptr)) {
    return Error(Code::kArg, "dims or periods is NULL");
  }
  int64_t size = 1;
  for (int i = 0; i < ndims; ++i) {
    if (dims[i] <= 0) return Error(Code::kDims, "dims[%d] = %d is not positive", i, dims[i]);
    size *= dims[i];
    if (size > max_size) {
      return Error(Code::kArg, "the grid has more points than the %d processes", max_size);
    }
  }
  std::vector<int> p(ndims);
  for (int i = 0; i < ndims; ++i) p[i] = periods[i] != 0;
  return std::unique_ptr<CartTopology>(
      new CartTopology(std::vector<int>(dims, dims + ndims), std::move(p), static_cast<int>(size)));
}

std::unique_ptr<core::Topology> CartTopology::Clone() const {
  return std::unique_ptr<CartTopology>(new CartTopology(dims_, periods_, size_));
}

void CartTopology::Coords(int rank, int* coords) const {
  for (int i = ndims() - 1; i >= 0; --i) {
    coords[i] = rank % dims_[i];
    rank /= dims_[i];
  }
}

StatusOr<int> CartTopology::Rank(const int* coords) const {
  int rank = 0;
  for (int i = 0; i < ndims(); ++i) {
    int c = coords[i];
    if (c < 0 || c >= dims_[i]) {
      if (!periods_[i]) {
        return Error(Code::kArg, "coords[%d] = %d is outside the non-periodic [0, %d)", i, c,
                     dims_[i]);
      }
      c %= dims_[i];
      if (c < 0) c += dims_[i];
    }
    rank = rank * dims_[i] + c;
  }
  return rank;
}

void CartTopology::Shift(int rank, int direction, int disp, int* source, int* dest) const {
  std::vector<int> coords(ndims());
  Coords(rank, coords.data());
  const int here = coords[direction];
  const int extent = dims_[direction];
  // The neighbour `offset` steps away along `direction`, or MPI_PROC_NULL.
  auto neighbour = [&](int64_t offset) {
    int64_t c = here + offset;
    if (c < 0 || c >= extent) {
      if (!periods_[direction]) return MPI_PROC_NULL;
      c %= extent;
      if (c < 0) c += extent;
    }
    coords[direction] = static_cast<int>(c);
    int r = Rank(coords.data()).value();
    coords[direction] = here;
    return r;
  };
  *dest = neighbour(disp);
  *source = neighbour(-static_cast<int64_t>(disp));
}

int CartTopology::SubColor(int rank, const int* remain) const {
  std::vector<int> coords(ndims());
  Coords(rank, coords.data());
  int color = 0;
  for (int i = 0; i < ndims(); ++i) {
    if (!remain[i]) color = color * dims_[i] + coords[i];
  }
  return color;
}

std::unique_ptr<CartTopology> CartTopology::Sub(const int* remain) const {
  std::vector<int> dims, periods;
  int size = 1;
  for (int i = 0; i < ndims(); ++i) {
    if (!remain[i]) continue;
    dims.push_back(dims_[i]);
    periods.push_back(periods_[i]);
    size *= dims_[i];
  }
  return std::unique_ptr<CartTopology>(new CartTopology(std::move(dims), std::move(periods), size));
}

}  // namespace zmpi::topo
