// A POSIX shared-memory object mapped into this process. The creator owns the name, holds a
// shared flock(2) on the object for its lifetime (shm_format.h, "Lifetime") and unlinks the
// name on destruction; an opener only unmaps. Move-only through unique_ptr.
#ifndef ZMPI_TRANSPORT_SHM_SEGMENT_H_
#define ZMPI_TRANSPORT_SHM_SEGMENT_H_

#include <cstddef>
#include <memory>
#include <string>

#include "common/status.h"

namespace zmpi::transport::shm {

class Segment {
 public:
  // Creates `name` ("/..." with no other slash) of `size` zeroed bytes and maps it. A stale
  // object with the same name (left by a dead job) is replaced. The object is sparse: no
  // memory is used until Reserve or a write.
  static StatusOr<std::unique_ptr<Segment>> Create(const std::string& name, size_t size);
  // Maps an existing object whole; fails if it is smaller than `min_size`.
  static StatusOr<std::unique_ptr<Segment>> Open(const std::string& name, size_t min_size);

  ~Segment();
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  char* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& name() const { return name_; }

  // Creator: allocates the memory behind [offset, offset + len) now (posix_fallocate), so a
  // full /dev/shm is an error here (kNoMem, saying so) instead of a SIGBUS on first touch.
  Status Reserve(size_t offset, size_t len);

  // Faults in [offset, offset + len) for writing so the hot path takes no page faults.
  // Best effort: older kernels lack MADV_POPULATE_WRITE and then pages fault on first use.
  void Prefault(size_t offset, size_t len);

 private:
  Segment(std::string name, char* data, size_t size, int fd)
      : name_(std::move(name)), data_(data), size_(size), fd_(fd) {}

  std::string name_;
  char* data_;
  size_t size_;
  int fd_;  // the creator's, holding the lock; -1 for an opener
};

}  // namespace zmpi::transport::shm

#endif  // ZMPI_TRANSPORT_SHM_SEGMENT_H_
