// Reducer: the combining step of Reduce/Allreduce, separate from MPI_Op so algorithms can be
// tested with any associative operation (including non-commutative ones).
#ifndef ZMPI_MPI_COLL_REDUCER_H_
#define ZMPI_MPI_COLL_REDUCER_H_

#include <cstddef>

namespace zmpi::coll {

class Reducer {
 public:
  virtual ~Reducer() = default;
  // Bytes of one element.
  virtual size_t elem_size() const = 0;
  // Whether a (op) b == b (op) a; if not, algorithms keep rank order (lower ranks left).
  virtual bool commutative() const = 0;
  // inout[i] = in[i] (op) inout[i] for i < count; `in` is the left operand. Cannot fail:
  // callers check the op against the type before any data moves.
  virtual void Apply(const void* in, void* inout, size_t count) const = 0;
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_REDUCER_H_
