#include "launcher/agent/temp_dir.h"

#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vector>

namespace zmpi::launcher::agent {

namespace {

int RemoveEntry(const char* path, const struct stat*, int, struct FTW*) {
  return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

}  // namespace

bool RemoveTree(const std::string& path) {
  return nftw(path.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS) == 0;
}

Status TempDir::Create(const std::string& prefix) {
  const char* base = getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + prefix + "XXXXXX";
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
