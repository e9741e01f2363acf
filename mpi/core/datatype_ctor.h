// The MPI type constructors over the datatype engine: each checks what only the whole argument
// list can tell (bounds of a subarray, a darray's process grid), builds the engine node, keeps
// the arguments for MPI_Type_get_contents and names the result by a new handle.
//
// Counts and displacements arrive as int64 whatever the C binding's width; `large` says the
// call was a _c form, which decides where MPI_Type_get_contents reports counts (ints or large
// counts). `olds` must be valid handles (the caller checks them, MPI_ERR_TYPE).
#ifndef ZMPI_MPI_CORE_DATATYPE_CTOR_H_
#define ZMPI_MPI_CORE_DATATYPE_CTOR_H_

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

using Int64s = std::vector<int64_t>;

StatusOr<MPI_Datatype> TypeContiguous(int64_t count, MPI_Datatype old, bool large);
// stride in elements (vector) or bytes (hvector, `bytes`).
StatusOr<MPI_Datatype> TypeVector(int64_t count, int64_t blocklen, int64_t stride, bool bytes,
                                  MPI_Datatype old, bool large);
// combiner: MPI_COMBINER_INDEXED, HINDEXED, INDEXED_BLOCK or HINDEXED_BLOCK (blocklens holds
// one value for the block forms). Displacements in elements (INDEXED*) or bytes (HINDEXED*).
StatusOr<MPI_Datatype> TypeIndexed(int combiner, const Int64s& blocklens, const Int64s& disps,
                                   MPI_Datatype old, bool large);
StatusOr<MPI_Datatype> TypeStruct(const Int64s& blocklens, const Int64s& disps,
                                  const std::vector<MPI_Datatype>& olds, bool large);
StatusOr<MPI_Datatype> TypeSubarray(const Int64s& sizes, const Int64s& subsizes,
                                    const Int64s& starts, int order, MPI_Datatype old, bool large);
StatusOr<MPI_Datatype> TypeDarray(int size, int rank, const Int64s& gsizes,
                                  const std::vector<int>& distribs, const std::vector<int>& dargs,
                                  const std::vector<int>& psizes, int order, MPI_Datatype old,
                                  bool large);
StatusOr<MPI_Datatype> TypeResized(MPI_Datatype old, int64_t lb, int64_t extent, bool large);
// MPI_Type_dup: also copies old's attributes (their copy callbacks run); a failing callback
// fails the call and leaves no new type.
StatusOr<MPI_Datatype> TypeDup(MPI_Datatype old);
// MPI_Type_free: the type's attributes are deleted first (their delete callbacks run, the last
// set first); a failing callback fails the call and the type stays.
Status TypeFree(MPI_Datatype handle);
// MPI_Type_create_f90_*: combiner MPI_COMBINER_F90_{INTEGER,REAL,COMPLEX}; p/r may be
// MPI_UNDEFINED (r only for integer). Cached: the same (p, r) gives the same handle.
StatusOr<MPI_Datatype> TypeF90(int combiner, int p, int r);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_DATATYPE_CTOR_H_
