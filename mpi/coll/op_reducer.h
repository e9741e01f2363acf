// OpReducer: a Reducer for a predefined MPI_Op on a predefined datatype.
#ifndef ZMPI_MPI_COLL_OP_REDUCER_H_
#define ZMPI_MPI_COLL_OP_REDUCER_H_

#include <cstddef>

#include "mpi/coll/reducer.h"
#include "mpi/core/datatype.h"
#include "mpi/include/mpi.h"

namespace zmpi::coll {

class OpReducer final : public Reducer {
 public:
  // The pair must have passed core::CheckOpType; `type` outlives this object.
  OpReducer(MPI_Op op, const core::Datatype& type) : op_(op), type_(type) {}

  size_t elem_size() const override { return type_.size; }
  // Every predefined op is commutative.
  bool commutative() const override { return true; }
  void Apply(const void* in, void* inout, size_t count) const override;

 private:
  MPI_Op op_;
  const core::Datatype& type_;
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_OP_REDUCER_H_
