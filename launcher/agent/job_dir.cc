#include "launcher/agent/job_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace zmpi::launcher::agent {

namespace {

std::vector<std::string> Components(const std::string& name) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t slash = name.find('/', start);
    out.push_back(name.substr(start, slash == std::string::npos ? slash : slash - start));
    if (slash == std::string::npos) return out;
    start = slash + 1;
  }
}

}  // namespace

Status CheckRelativeName(const std::string& name, const char* what) {
  if (name.empty() || name.size() > 4096 || name.find('\0') != std::string::npos) {
    return Error(Code::kArg, "%s: '%s' is not a usable file name", what, name.c_str());
  }
  if (name[0] == '/') return Error(Code::kArg, "%s: '%s' is absolute", what, name.c_str());
  for (const std::string& c : Components(name)) {
    if (c.empty() || c == "." || c == "..") {
      return Error(Code::kArg, "%s: '%s' must not contain '.', '..' or '//'", what, name.c_str());
    }
  }
  return OkStatus();
}

Status MakeParents(const std::string& root, const std::string& name) {
  std::vector<std::string> parts = Components(name);
  std::string path = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    path += "/" + parts[i];
    if (mkdir(path.c_str(), 0755) == 0) continue;
    struct stat st;
    if (errno != EEXIST || lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Error(Code::kOther, "cannot make the folder %s: %s", path.c_str(),
                   errno == EEXIST ? "a file or link is in the way" : strerror(errno));
    }
  }
  return OkStatus();
}

Status CopyNewFile(const std::string& from, const std::string& to, uint32_t mode) {
  int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Error(Code::kOther, "cannot read %s: %s", from.c_str(), strerror(errno));
  int out = open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode & 0777);
  if (out < 0) {
    int e = errno;
    close(in);
    return Error(Code::kOther, "cannot create %s: %s", to.c_str(), strerror(e));
  }
  std::vector<char> buf(1 << 16);
  Status s = OkStatus();
  for (;;) {
    ssize_t n = read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n < 0) s = Error(Code::kOther, "cannot read %s: %s", from.c_str(), strerror(errno));
      break;
    }
    for (ssize_t done = 0; done < n && s.ok();) {
      ssize_t w = write(out, buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) s = Error(Code::kOther, "cannot write %s: %s", to.c_str(), strerror(errno));
      done += w > 0 ? w : 0;
    }
    if (!s.ok()) break;
  }
  close(in);
  fchmod(out, mode & 0777);  // the umask applied at creation
  if (close(out) != 0 && s.ok()) {
    s = Error(Code::kOther, "cannot write %s: %s", to.c_str(), strerror(errno));
  }
  if (!s.ok()) unlink(to.c_str());
  return s;
}

StatusOr<std::string> FreeName(const std::string& root, const std::string& name,
                               const std::string& host) {
  struct stat st;
  if (lstat((root + "/" + name).c_str(), &st) != 0 && errno == ENOENT) return name;
  for (int i = 0; i < 1000; ++i) {
    std::string candidate = name + "." + host + (i == 0 ? "" : "." + std::to_string(i));
    if (lstat((root + "/" + candidate).c_str(), &st) != 0 && errno == ENOENT) return candidate;
  }
  return Error(Code::kOther, "no free name for %s from %s in %s", name.c_str(), host.c_str(),
               root.c_str());
}

}  // namespace zmpi::launcher::agent
