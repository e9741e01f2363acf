#include "launcher/agent/shm_cleaner.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <random>

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

}  // namespace zmpi::launcher::agent
