// MPI_Dims_create: a balanced factorization of a number of processes into grid dimensions.
#ifndef ZMPI_MPI_TOPO_DIMS_H_
#define ZMPI_MPI_TOPO_DIMS_H_

#include "common/status.h"

namespace zmpi::topo {

// Fills the zero entries of dims[0..ndims) so that the product of all entries is `nnodes`,
// keeping the nonzero entries as given. The filled entries are as close to each other as
// possible (the smallest difference between the largest and the smallest of them; among
// equally close choices, the one whose remaining entries are closest: the smallest spread
// without the largest entry, then without the two largest, ...) and appear in
// non-increasing order.
// Errors: kArg for nnodes <= 0, ndims < 0 or dims == nullptr with ndims > 0; kDims for a
// negative entry, for nonzero entries whose product does not divide nnodes, and for a full
// dims (or ndims == 0) whose product is not nnodes. dims is unchanged on error.
Status DimsCreate(int nnodes, int ndims, int* dims);

}  // namespace zmpi::topo

#endif  // ZMPI_MPI_TOPO_DIMS_H_
