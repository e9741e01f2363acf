// An operation that advances in steps during progress (MPI_Comm_idup's context agreement):
// the Engine calls Advance after each progress pass while the operation is pending, outside
// any transport callback, so Advance may start sends and receives. Advance returns true once
// the operation is done; the Engine then destroys it. Nothing on the hot path pays for this
// but one test of an empty list per pass.
#ifndef ZMPI_MPI_CORE_PENDING_OP_H_
#define ZMPI_MPI_CORE_PENDING_OP_H_

namespace zmpi::core {

class PendingOp {
 public:
  virtual ~PendingOp() = default;
  virtual bool Advance() = 0;
};

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_PENDING_OP_H_
