// InlineArray: a fixed-length array of `n` trivially copyable elements, inside the object up to
// kInline of them, so per-rank arrays of collectives on small communicators cost no heap
// allocation. Contents are uninitialized after Resize.
#ifndef ZMPI_MPI_COLL_INLINE_ARRAY_H_
#define ZMPI_MPI_COLL_INLINE_ARRAY_H_

#include <cstddef>
#include <memory>

namespace zmpi::coll {

template <typename T, size_t kInline = 16>
class InlineArray {
 public:
  InlineArray() = default;
  explicit InlineArray(size_t n) { Resize(n); }
  InlineArray(const InlineArray&) = delete;
  InlineArray& operator=(const InlineArray&) = delete;

  void Resize(size_t n) {
    size_ = n;
    if (n <= kInline) {
      data_ = inline_;
      return;
    }
    heap_.reset(new T[n]);
    data_ = heap_.get();
  }
  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }

 private:
  T inline_[kInline];
  std::unique_ptr<T[]> heap_;
  T* data_ = inline_;
  size_t size_ = 0;
};

}  // namespace zmpi::coll

#endif  // ZMPI_MPI_COLL_INLINE_ARRAY_H_
