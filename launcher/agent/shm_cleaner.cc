#include "launcher/agent/shm_cleaner.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <random>

#include "common/contract.h"

namespace zmpi::launcher::agent {

std::string MakeJobShmPrefix() {
  std::random_device rd;
  char buf[64];
  snprintf(buf, sizeof(buf), "zmpi-%d-%08x-", static_cast<int>(getpid()), rd());
  return buf;
}

int RemoveShmSegments(const std::string& prefix, const std::string& shm_dir) {
  if (prefix.empty() || prefix.find('/') != std::string::npos) return 0;
  DIR* dir = opendir(shm_dir.c_str());
  if (dir == nullptr) return 0;
  int removed = 0;
  while (dirent* entry = readdir(dir)) {
    if (std::string(entry->d_name).compare(0, prefix.size(), prefix) != 0) continue;
    if (unlink((shm_dir + "/" + entry->d_name).c_str()) == 0) ++removed;
  }
  closedir(dir);
  return removed;
}

namespace {

// The first bytes say the creator locked it (contract.h); a creator writes them only after
// it has taken its lock, so an object being created does not qualify yet.
bool FollowsLockConvention(int fd) {
  uint32_t head[2] = {0, 0};
  return pread(fd, head, sizeof(head), 0) == static_cast<ssize_t>(sizeof(head)) &&
         head[0] == contract::kShmLockedMagic && head[1] >= contract::kShmLockedMinVersion;
}

}  // namespace

int RemoveDeadShmSegments(const std::string& shm_dir) {
  DIR* dir = opendir(shm_dir.c_str());
  if (dir == nullptr) return 0;
  const size_t prefix_len = strlen(contract::kShmNamePrefix);
  int removed = 0;
  while (dirent* entry = readdir(dir)) {
    if (strncmp(entry->d_name, contract::kShmNamePrefix, prefix_len) != 0) continue;
    const std::string path = shm_dir + "/" + entry->d_name;
    int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st;
    // Checked while we hold the lock: the creator is gone and cannot come back.
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
        FollowsLockConvention(fd) && flock(fd, LOCK_EX | LOCK_NB) == 0) {
      if (unlink(path.c_str()) == 0) ++removed;
    }
    close(fd);  // drops our lock
  }
  closedir(dir);
  return removed;
}

}  // namespace zmpi::launcher::agent
