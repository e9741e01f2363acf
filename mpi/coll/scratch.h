// Scratch: a temporary byte buffer that is not initialized (a std::vector would zero it
// first, a full extra pass over memory for large collectives). Small sizes live inside the
// object, so small collectives do not touch the heap. Aligned for any element type.
#ifndef ZMPI_MPI_COLL_SCRATCH_H_
#define ZMPI_MPI_COLL_SCRATCH_H_

#include <cstddef>
#include <memory>

namespace zmpi::coll {

class Scratch {
 public:
  Scratch() = default;
  explicit Scratch(size_t bytes) { Reserve(bytes); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  // Makes room for at least `bytes`; earlier contents are lost if it grows.
  void Reserve(size_t bytes) {
    if (data_ != nullptr && bytes <= size_) return;
    if (bytes <= kInline) {
      data_ = inline_;
      size_ = kInline;
      return;
    }
    heap_.reset(new char[bytes]);
    data_ = heap_.get();
    size_ = bytes;
  }
  char* data() { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return data_ == nullptr; }

 private:
  static constexpr size_t kInline = 256;
  alignas(alignof(std::max_align_t)) char inline_[kInline];
  std::unique_ptr<char[]> heap_;
  char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_SCRATCH_H_
