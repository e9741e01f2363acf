#include "transport/shm/segment.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

namespace zmpi::transport::shm {
namespace {

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14
#endif

Status SysError(const char* what, const std::string& name, int err) {
  return Error(Code::kOther, "shm: %s(%s): %s", what, name.c_str(), strerror(err));
}

StatusOr<char*> MapFd(int fd, size_t size, const std::string& name) {
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return SysError("mmap", name, errno);
  return static_cast<char*>(p);
}

}  // namespace

StatusOr<std::unique_ptr<Segment>> Segment::Create(const std::string& name, size_t size) {
  if (name.size() < 2 || name[0] != '/' || name.find('/', 1) != std::string::npos) {
    return Error(Code::kArg, "shm: bad segment name '%s'", name.c_str());
  }
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0 && errno == EEXIST) {
    // A previous job with the same name died without cleanup: its memory is garbage to us.
    ZMPI_LOG(kInfo, "shm", "replacing stale segment %s", name.c_str());
    shm_unlink(name.c_str());
    fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  }
  if (fd < 0) return SysError("shm_open", name, errno);
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    int err = errno;
    close(fd);
    shm_unlink(name.c_str());
    return SysError("ftruncate", name, err);
  }
  StatusOr<char*> data = MapFd(fd, size, name);
  close(fd);
  if (!data.ok()) {
    shm_unlink(name.c_str());
    return data.status();
  }
  return std::unique_ptr<Segment>(new Segment(name, *data, size, /*owner=*/true));
}

StatusOr<std::unique_ptr<Segment>> Segment::Open(const std::string& name, size_t min_size) {
  int fd = shm_open(name.c_str(), O_RDWR, 0);
  if (fd < 0) return SysError("shm_open", name, errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return SysError("fstat", name, err);
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size < min_size) {
    close(fd);
    return Error(Code::kOther, "shm: segment %s has %zu bytes, expected at least %zu",
                 name.c_str(), size, min_size);
  }
  StatusOr<char*> data = MapFd(fd, size, name);
  close(fd);
  if (!data.ok()) return data.status();
  return std::unique_ptr<Segment>(new Segment(name, *data, size, /*owner=*/false));
}

Segment::~Segment() {
  munmap(data_, size_);
  if (owner_) shm_unlink(name_.c_str());
}

void Segment::Prefault(size_t offset, size_t len) {
  if (len == 0) return;
  if (madvise(data_ + offset, len, MADV_POPULATE_WRITE) != 0) {
    ZMPI_LOG_ONCE(kDebug, "shm", "madvise(MADV_POPULATE_WRITE): %s", strerror(errno));
  }
}

}  // namespace zmpi::transport::shm
