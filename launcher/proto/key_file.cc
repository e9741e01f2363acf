#include "launcher/proto/key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/check.h"

namespace zmpi::launcher::proto {
namespace {

constexpr char kClusterIdLabel[] = "zmpi/1 cluster id";
constexpr size_t kClusterIdBytes = 16;

Status Errno(const char* what, const std::string& path) {
  return Error(Code::kOther, "key file %s: %s: %s", path.c_str(), what, strerror(errno));
}

// mkdir -p for the parents of `path`, new directories with mode 0700.
Status MakeParents(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    std::string dir = path.substr(0, slash);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Errno("mkdir", dir);
  }
  return OkStatus();
}

}  // namespace

void EnsureSodium() { ZMPI_CHECK(sodium_init() >= 0); }

Status KeyFile::Create(const std::string& path) {
  EnsureSodium();
  ZMPI_RETURN_IF_ERROR(MakeParents(path));
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Error(Code::kOther, "key file %s exists; not overwriting it", path.c_str());
    return Errno("create", path);
  }
  uint8_t key[kKeySize];
  randombytes_buf(key, sizeof(key));
  bool ok = fchmod(fd, 0600) == 0 && write(fd, key, sizeof(key)) == static_cast<ssize_t>(sizeof(key)) &&
            fsync(fd) == 0;
  int saved = errno;
  sodium_memzero(key, sizeof(key));
  close(fd);
  if (!ok) {
    unlink(path.c_str());
    errno = saved;
    return Errno("write", path);
  }
  return OkStatus();
}

StatusOr<std::unique_ptr<KeyFile>> KeyFile::Load(const std::string& path) {
  EnsureSodium();
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ELOOP) return Error(Code::kOther, "key file %s is a symlink", path.c_str());
    return Errno("open", path);
  }
  struct stat st;
  Status status;
  if (fstat(fd, &st) != 0) {
    status = Errno("stat", path);
  } else if (!S_ISREG(st.st_mode)) {
    status = Error(Code::kOther, "key file %s is not a regular file", path.c_str());
  } else if ((st.st_mode & 077) != 0) {
    status = Error(Code::kOther, "key file %s has mode %03o; it must be private (chmod 600)",
                   path.c_str(), static_cast<unsigned>(st.st_mode & 0777));
  } else if (st.st_uid != geteuid()) {
    status = Error(Code::kOther, "key file %s belongs to uid %u, not to this user (%u)",
                   path.c_str(), static_cast<unsigned>(st.st_uid), static_cast<unsigned>(geteuid()));
  } else if (st.st_size != static_cast<off_t>(kKeySize)) {
    status = Error(Code::kOther, "key file %s has %lld bytes; a key has %zu", path.c_str(),
                   static_cast<long long>(st.st_size), kKeySize);
  }
  std::unique_ptr<KeyFile> key(new KeyFile());
  if (status.ok() && read(fd, key->key_, kKeySize) != static_cast<ssize_t>(kKeySize)) {
    status = Errno("read", path);
  }
  close(fd);
  if (!status.ok()) return status;
  return key;
}

std::unique_ptr<KeyFile> KeyFile::FromBytes(const uint8_t* bytes) {
  EnsureSodium();
  std::unique_ptr<KeyFile> key(new KeyFile());
  std::memcpy(key->key_, bytes, kKeySize);
  return key;
}

std::string KeyFile::DefaultPath() {
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && *home != '\0' ? home : ".") + "/.config/zmpi/cluster.key";
}

KeyFile::~KeyFile() { sodium_memzero(key_, sizeof(key_)); }

std::string KeyFile::ClusterId() const {
  uint8_t id[kClusterIdBytes];
  crypto_generichash(id, sizeof(id), reinterpret_cast<const uint8_t*>(kClusterIdLabel),
                     sizeof(kClusterIdLabel) - 1, key_, kKeySize);
  char hex[2 * kClusterIdBytes + 1];
  sodium_bin2hex(hex, sizeof(hex), id, sizeof(id));
  return hex;
}

}  // namespace zmpi::launcher::proto
