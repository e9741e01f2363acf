#include "launcher/agent/temp_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <vector>

namespace zmpi::launcher::agent {

namespace {

int RemoveEntry(const char* path, const struct stat*, int, struct FTW*) {
  return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

std::string TempBase() {
  const char* base = getenv("TMPDIR");
  return base && *base ? base : "/tmp";
}

constexpr char kOwnerLock[] = "/owner.lock";

// Whether the dir's owner is gone: its lock file is free, or (no lock file) its pid is dead.
bool OwnerGone(const std::string& dir, pid_t pid) {
  int fd = open((dir + kOwnerLock).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return errno == ENOENT && kill(pid, 0) != 0 && errno == ESRCH;
  bool free = flock(fd, LOCK_EX | LOCK_NB) == 0;
  close(fd);
  return free;
}

}  // namespace

bool RemoveTree(const std::string& path) {
  return nftw(path.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS) == 0;
}

std::string OwnedTempPrefix(const std::string& label, const std::string& host) {
  return label + "-" + host + "-" + std::to_string(getpid()) + "-";
}

int RemoveStaleTempDirs(const std::string& label, const std::string& host) {
  std::string start = label + "-" + host + "-";
  DIR* dir = opendir(TempBase().c_str());
  if (dir == nullptr) return 0;
  std::vector<std::string> stale;
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name.compare(0, start.size(), start) != 0) continue;
    char* end = nullptr;
    long pid = strtol(name.c_str() + start.size(), &end, 10);
    if (pid <= 0 || *end != '-') continue;
    if (OwnerGone(TempBase() + "/" + name, static_cast<pid_t>(pid))) stale.push_back(name);
  }
  closedir(dir);
  for (const std::string& name : stale) RemoveTree(TempBase() + "/" + name);
  return static_cast<int>(stale.size());
}

Status TempDir::Create(const std::string& prefix) {
  std::string pattern = TempBase() + "/" + prefix + "XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    return Error(Code::kOther, "mkdtemp(%s): %s", pattern.c_str(), strerror(errno));
  }
  path_ = buf.data();
  // Held until Remove or exit; O_CLOEXEC keeps it out of the ranks we start.
  lock_fd_ = open((path_ + kOwnerLock).c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (lock_fd_ < 0 || flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    Status error = Error(Code::kOther, "owner lock in %s: %s", path_.c_str(), strerror(errno));
    Remove();
    return error;
  }
  return OkStatus();
}

void TempDir::Remove() {
  if (path_.empty()) return;
  RemoveTree(path_);
  path_.clear();
  if (lock_fd_ >= 0) close(lock_fd_);
  lock_fd_ = -1;
}

}  // namespace zmpi::launcher::agent
