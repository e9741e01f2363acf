#include "mpi/io/posix_store.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "mpi/include/mpi.h"

namespace zmpi::io {

Status ErrnoStatus(int err, const char* call, const std::string& path) {
  Code code = Code::kIo;
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      code = Code::kNoSuchFile;
      break;
    case EEXIST:
      code = Code::kFileExists;
      break;
    case EACCES:
    case EPERM:
      code = Code::kAccess;
      break;
    case EROFS:
      code = Code::kReadOnly;
      break;
    case ENOSPC:
    case EFBIG:
      code = Code::kNoSpace;
      break;
    case EDQUOT:
      code = Code::kQuota;
      break;
    case ENAMETOOLONG:
    case EISDIR:
      code = Code::kBadFile;
      break;
    case ETXTBSY:
      code = Code::kFileInUse;
      break;
    default:
      break;
  }
  return Error(code, "%s(%s): %s", call, path.c_str(), strerror(err));
}

StatusOr<std::unique_ptr<Store>> PosixStore::Open(const std::string& path, int amode,
                                                  std::string shared_path) {
  int flags = O_CLOEXEC;
  bool writable = true;
  if (amode & MPI_MODE_RDONLY) {
    flags |= O_RDONLY;
    writable = false;
  } else if (amode & MPI_MODE_WRONLY) {
    flags |= O_WRONLY;
  } else {
    flags |= O_RDWR;
  }
  if (amode & MPI_MODE_CREATE) flags |= O_CREAT;
  if (amode & MPI_MODE_EXCL) flags |= O_EXCL;
  int fd;
  do {
    fd = open(path.c_str(), flags, 0666);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoStatus(errno, "open", path);
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    return Error(Code::kBadFile, "%s is a directory", path.c_str());
  }
  return std::unique_ptr<Store>(new PosixStore(fd, writable, std::move(shared_path)));
}

PosixStore::~PosixStore() { Close().IgnoreError(); }

StatusOr<size_t> PosixStore::ReadAt(int64_t offset, void* buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = pread(fd_, static_cast<char*>(buf) + done, len - done,
                      static_cast<off_t>(offset + static_cast<int64_t>(done)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (errno == EBADF) return Error(Code::kAccess, "the file is not open for reading");
      return ErrnoStatus(errno, "pread", "file");
    }
    if (n == 0) break;  // end of file
    done += static_cast<size_t>(n);
  }
  return done;
}

Status PosixStore::WriteAt(int64_t offset, const void* buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = pwrite(fd_, static_cast<const char*>(buf) + done, len - done,
                       static_cast<off_t>(offset + static_cast<int64_t>(done)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (errno == EBADF) return Error(Code::kReadOnly, "the file is not open for writing");
      return ErrnoStatus(errno, "pwrite", "file");
    }
    done += static_cast<size_t>(n);
  }
  return OkStatus();
}

StatusOr<int64_t> PosixStore::Size() {
  struct stat st;
  if (fstat(fd_, &st) != 0) return ErrnoStatus(errno, "fstat", "file");
  return static_cast<int64_t>(st.st_size);
}

Status PosixStore::Resize(int64_t size) {
  int rc;
  do {
    rc = ftruncate(fd_, static_cast<off_t>(size));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (errno == EBADF || errno == EINVAL) {
      return Error(Code::kReadOnly, "the file is not open for writing");
    }
    return ErrnoStatus(errno, "ftruncate", "file");
  }
  return OkStatus();
}

Status PosixStore::Preallocate(int64_t size) {
  ZMPI_ASSIGN_OR_RETURN(int64_t current, Size());
  if (current >= size) return OkStatus();
  int rc = posix_fallocate(fd_, 0, static_cast<off_t>(size));
  if (rc == 0) return OkStatus();
  if (rc == EBADF) return Error(Code::kReadOnly, "the file is not open for writing");
  if (rc == EOPNOTSUPP || rc == EINVAL) return Resize(size);  // no fallocate here: extend
  return ErrnoStatus(rc, "posix_fallocate", "file");
}

Status PosixStore::Sync() {
  if (fsync(fd_) != 0 && errno != EINVAL && errno != EROFS && errno != EBADF) {
    return ErrnoStatus(errno, "fsync", "file");
  }
  return OkStatus();
}

namespace {

int OpenSidecar(const std::string& path) {
  int fd;
  do {
    fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// Where the sidecar goes when the file's directory is not writable: /tmp, same name (every
// rank of a host decides alike).
std::string FallbackSidecar(const std::string& path) {
  size_t slash = path.rfind('/');
  return "/tmp/" + (slash == std::string::npos ? path : path.substr(slash + 1));
}

}  // namespace

void PosixStore::RemoveShared() {
  unlink(shared_path_.c_str());
  unlink(FallbackSidecar(shared_path_).c_str());
}

Status PosixStore::OpenShared() {
  if (shared_fd_ >= 0) return OkStatus();
  int fd = OpenSidecar(shared_path_);
  if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
    shared_path_ = FallbackSidecar(shared_path_);
    fd = OpenSidecar(shared_path_);
  }
  if (fd < 0) return ErrnoStatus(errno, "open (shared file pointer)", shared_path_);
  shared_fd_ = fd;
  return OkStatus();
}

Status PosixStore::LockShared(short type) {
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 8;
  int rc;
  do {
    rc = fcntl(shared_fd_, F_SETLKW, &fl);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return ErrnoStatus(errno, "fcntl (shared file pointer)", shared_path_);
  return OkStatus();
}

// The sidecar holds the pointer as 8 bytes in host order; an empty sidecar is 0.
StatusOr<int64_t> PosixStore::FetchAddShared(int64_t delta) {
  ZMPI_RETURN_IF_ERROR(OpenShared());
  ZMPI_RETURN_IF_ERROR(LockShared(F_WRLCK));
  int64_t value = 0;
  ssize_t n = pread(shared_fd_, &value, sizeof value, 0);
  Status s;
  if (n < 0) {
    s = ErrnoStatus(errno, "pread (shared file pointer)", shared_path_);
  } else {
    if (n != sizeof value) value = 0;
    int64_t next = value + delta;
    if (delta != 0 && pwrite(shared_fd_, &next, sizeof next, 0) != sizeof next) {
      s = ErrnoStatus(errno, "pwrite (shared file pointer)", shared_path_);
    }
  }
  LockShared(F_UNLCK).IgnoreError();
  if (!s.ok()) return s;
  return value;
}

Status PosixStore::SetShared(int64_t value) {
  ZMPI_RETURN_IF_ERROR(OpenShared());
  ZMPI_RETURN_IF_ERROR(LockShared(F_WRLCK));
  Status s;
  if (pwrite(shared_fd_, &value, sizeof value, 0) != sizeof value) {
    s = ErrnoStatus(errno, "pwrite (shared file pointer)", shared_path_);
  }
  LockShared(F_UNLCK).IgnoreError();
  return s;
}

// A read-only descriptor cannot hold a write lock; nothing writes through it, so reads of a
// read-only file need none.
Status PosixStore::Lock(int64_t offset, int64_t len) {
  if (!writable_ || len <= 0) return OkStatus();
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = static_cast<off_t>(offset);
  fl.l_len = static_cast<off_t>(len);
  int rc;
  do {
    rc = fcntl(fd_, F_SETLKW, &fl);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return ErrnoStatus(errno, "fcntl (lock)", "file");
  return OkStatus();
}

Status PosixStore::Unlock(int64_t offset, int64_t len) {
  if (!writable_ || len <= 0) return OkStatus();
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_UNLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = static_cast<off_t>(offset);
  fl.l_len = static_cast<off_t>(len);
  if (fcntl(fd_, F_SETLK, &fl) != 0) return ErrnoStatus(errno, "fcntl (unlock)", "file");
  return OkStatus();
}

Status PosixStore::Close() {
  Status s;
  if (shared_fd_ >= 0) {
    close(shared_fd_);
    shared_fd_ = -1;
  }
  if (fd_ >= 0) {
    if (close(fd_) != 0 && errno != EINTR) s = ErrnoStatus(errno, "close", "file");
    fd_ = -1;
  }
  return s;
}

}  // namespace zmpi::io
