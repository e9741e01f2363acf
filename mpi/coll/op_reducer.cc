#include "mpi/coll/op_reducer.h"

#include "common/check.h"
#include "mpi/core/op.h"

namespace zmpi::coll {

void OpReducer::Apply(const void* in, void* inout, size_t count) const {
  Status status = core::ApplyOp(op_, type_, in, inout, count);
  ZMPI_CHECK(status.ok());
}

}  // namespace zmpi::coll
