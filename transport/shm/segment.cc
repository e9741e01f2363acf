#include "transport/shm/segment.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/platform/platform.h"

namespace zmpi::transport::shm {
namespace {

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
  // Locked before it has a size: a cleaner that finds it unlocked and non-empty knows its
  // creator is dead (shm_format.h). Blocking: a cleaner holds its exclusive lock briefly.
  int locked;
  do {
    locked = flock(fd, LOCK_SH);
  } while (locked != 0 && errno == EINTR);
  if (locked != 0) {
    int err = errno;
    close(fd);
    shm_unlink(name.c_str());
    return SysError("flock", name, err);
  }
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    int err = errno;
    close(fd);
    shm_unlink(name.c_str());
    return SysError("ftruncate", name, err);
  }
  StatusOr<char*> data = MapFd(fd, size, name);
  if (!data.ok()) {
    close(fd);
    shm_unlink(name.c_str());
    return data.status();
  }
  fcntl(fd, F_SETFD, FD_CLOEXEC);  // shm_open sets it; a program's exec must not keep the lock
  return std::unique_ptr<Segment>(new Segment(name, *data, size, fd));
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
    return Error(Code::kOther, "shm: segment %s has %zu bytes, expected at least %zu", name.c_str(),
                 size, min_size);
  }
  StatusOr<char*> data = MapFd(fd, size, name);
  close(fd);
  if (!data.ok()) return data.status();
  return std::unique_ptr<Segment>(new Segment(name, *data, size, /*fd=*/-1));
}

Segment::~Segment() {
  munmap(data_, size_);
  if (fd_ >= 0) {
    shm_unlink(name_.c_str());
    close(fd_);
  }
}

Status Segment::Reserve(size_t offset, size_t len) {
  if (fd_ < 0) return Error(Code::kIntern, "shm: Reserve on a segment this process did not create");
  if (offset > size_ || len > size_ - offset) {
    return Error(Code::kIntern, "shm: Reserve of %zu bytes at %zu outside %s (%zu bytes)", len,
                 offset, name_.c_str(), size_);
  }
  int err = posix_fallocate(fd_, static_cast<off_t>(offset), static_cast<off_t>(len));
  if (err == 0) return OkStatus();
  if (err == ENOSPC) {
    return Error(Code::kNoMem,
                 "shm: %s is full: no room for %zu KiB more of shared memory (%s); free "
                 "space there or run with ZMPI_TRANSPORT=ofi",
                 platform::ShmDirectory(), (len + 1023) / 1024, name_.c_str());
  }
  return SysError("posix_fallocate", name_, err);
}

void Segment::Prefault(size_t offset, size_t len) {
  if (len == 0) return;
  if (!platform::PopulateForWrite(data_ + offset, len)) {
    ZMPI_LOG_ONCE(kDebug, "shm", "no prefault of shared memory (%s): pages fault on first use",
                  strerror(errno));
  }
}

}  // namespace zmpi::transport::shm
