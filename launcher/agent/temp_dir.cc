#include "launcher/agent/temp_dir.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
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
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) stale.push_back(name);
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
  return OkStatus();
}

void TempDir::Remove() {
  if (path_.empty()) return;
  RemoveTree(path_);
  path_.clear();
}

}  // namespace zmpi::launcher::agent
