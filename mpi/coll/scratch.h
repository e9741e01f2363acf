// Scratch: a temporary byte buffer that is not initialized (a std::vector would zero it
// first, a full extra pass over memory for large collectives).
#ifndef ZMPI_MPI_COLL_SCRATCH_H_
#define ZMPI_MPI_COLL_SCRATCH_H_

#include <cstddef>
#include <memory>

namespace zmpi::coll {

class Scratch {
 public:
  Scratch() = default;
  explicit Scratch(size_t bytes) { Reserve(bytes); }

  // Makes room for at least `bytes`; earlier contents are lost if it grows.
  void Reserve(size_t bytes) {
    if (data_ != nullptr && bytes <= size_) return;
    data_.reset(new char[bytes > 0 ? bytes : 1]);
    size_ = bytes;
  }
  char* data() { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return data_ == nullptr; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_SCRATCH_H_
