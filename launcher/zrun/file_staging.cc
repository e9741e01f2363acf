#include "launcher/zrun/file_staging.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "launcher/agent/job_dir.h"
#include "launcher/agent/program_cache.h"

namespace zmpi::launcher::zrun {

namespace {

// nftw has no user pointer: the walk in progress (ExpandStage is not re-entered).
struct Walk {
  std::string top;
  std::string name;
  std::vector<StageSource>* out = nullptr;
};
Walk* g_walk = nullptr;

int AddEntry(const char* path, const struct stat* lst, int type, struct FTW*) {
  struct stat st = *lst;
  if (type == FTW_SL && stat(path, &st) != 0) return 0;  // a dangling link
  if (!S_ISREG(st.st_mode)) return 0;
  StageSource s;
  s.path = path;
  s.file.name = g_walk->name + (path + g_walk->top.size());
  s.file.size = static_cast<uint64_t>(st.st_size);
  s.file.mode = st.st_mode & 0777;
  g_walk->out->push_back(std::move(s));
  return 0;
}

std::string Gib(uint64_t bytes) {
  char text[32];
  snprintf(text, sizeof(text), "%.1f GiB", static_cast<double>(bytes) / (1ull << 30));
  return text;
}

}  // namespace

std::string StagedName(const std::string& arg) {
  std::string name;
  size_t start = 0;
  bool outside = !arg.empty() && arg[0] == '/';
  while (start <= arg.size()) {
    size_t slash = arg.find('/', start);
    if (slash == std::string::npos) slash = arg.size();
    std::string part = arg.substr(start, slash - start);
    if (part == "..") outside = true;
    if (!part.empty() && part != ".") name += (name.empty() ? "" : "/") + part;
    start = slash + 1;
  }
  if (outside) name = name.substr(name.find_last_of('/') + 1);  // npos + 1 == 0
  return name;
}

StatusOr<std::vector<StageSource>> ExpandStage(const std::vector<std::string>& args) {
  std::vector<StageSource> out;
  for (const std::string& arg : args) {
    std::string name = StagedName(arg);
    if (name.empty() || name == "..") {
      return Error(Code::kArg, "--stage %s: name a file or folder below it", arg.c_str());
    }
    struct stat st;
    if (stat(arg.c_str(), &st) != 0) {
      return Error(Code::kArg, "--stage %s: %s", arg.c_str(), strerror(errno));
    }
    if (S_ISREG(st.st_mode)) {
      out.push_back(StageSource{
          arg, proto::StagedFile{name, static_cast<uint64_t>(st.st_size), {}, st.st_mode & 0777}});
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      return Error(Code::kArg, "--stage %s: not a regular file or folder", arg.c_str());
    }
    std::string top = arg;
    while (top.size() > 1 && top.back() == '/') top.pop_back();
    Walk walk{top, name, &out};
    g_walk = &walk;
    int rc = nftw(top.c_str(), AddEntry, 16, FTW_PHYS);
    g_walk = nullptr;
    if (rc != 0) return Error(Code::kArg, "--stage %s: cannot read it all", arg.c_str());
  }
  if (out.size() > proto::kMaxStagedFiles) {
    return Error(Code::kArg,
                 "--stage: %zu files are more than zrun stages (%u); stage an archive and "
                 "unpack it in the job",
                 out.size(), proto::kMaxStagedFiles);
  }
  uint64_t total = 0;
  std::set<std::string> names;
  for (const StageSource& s : out) {
    if (!names.insert(s.file.name).second) {
      return Error(Code::kArg, "--stage: two files would be %s in the job folder",
                   s.file.name.c_str());
    }
    ZMPI_RETURN_IF_ERROR(agent::CheckRelativeName(s.file.name, "--stage"));
    total += s.file.size;
    if (s.file.size > proto::kMaxStageBytes || total > proto::kMaxStageBytes) {
      return Error(Code::kArg, "--stage: %s in all (with %s) is more than zrun stages (%s)",
                   Gib(total).c_str(), s.path.c_str(), Gib(proto::kMaxStageBytes).c_str());
    }
  }
  for (StageSource& s : out) {
    StatusOr<proto::Hash> hash = agent::HashFile(s.path);
    if (!hash.ok()) return Error(Code::kArg, "--stage: %s", hash.status().message().c_str());
    s.file.hash = hash.value();
  }
  return out;
}

Status SendStagedFile(agent::Link* link, uint64_t job_id, const StageSource& source) {
  int fd = open(source.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Error(Code::kOther, "cannot read %s: %s", source.path.c_str(), strerror(errno));
  }
  proto::FileChunk chunk;
  chunk.job_id = job_id;
  chunk.name = source.file.name;
  chunk.size = source.file.size;
  chunk.mode = source.file.mode;
  std::string buf(proto::kMaxExeChunkData, '\0');
  Status s = OkStatus();
  do {  // an empty file is one empty piece
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), chunk.size - chunk.offset));
    ssize_t n = want == 0 ? 0 : pread(fd, buf.data(), want, static_cast<off_t>(chunk.offset));
    if (n < 0 || (want > 0 && n == 0)) {
      s = Error(Code::kOther, "%s changed while being sent", source.path.c_str());
      break;
    }
    chunk.data.assign(buf.data(), static_cast<size_t>(n));
    s = link->Send(chunk);
    chunk.offset += static_cast<uint64_t>(n);
  } while (s.ok() && chunk.offset < chunk.size);
  close(fd);
  return s;
}

CollectSink::~CollectSink() { Drop(); }

void CollectSink::Drop() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (!temp_.empty()) unlink(temp_.c_str());
  temp_.clear();
}

Status CollectSink::Take(const proto::FileChunk& chunk, std::vector<std::string>* notes) {
  if (chunk.flags & proto::FileChunk::kSkipped) {
    notes->push_back("zrun: warning: did not collect " + chunk.name + " (" +
                     std::to_string(chunk.size) + " bytes) from " + host_ +
                     ": over 4 GiB or 4096 files from one host");
    return OkStatus();
  }
  if (chunk.offset == 0) {  // a new file; one that was cut short is lost
    Drop();
    ZMPI_RETURN_IF_ERROR(agent::CheckRelativeName(chunk.name, "collected file"));
    ZMPI_RETURN_IF_ERROR(agent::MakeParents(root_, chunk.name));
    std::string dir = root_ + "/" + chunk.name.substr(0, chunk.name.find_last_of('/') + 1);
    std::string templ = dir + ".zrun-collect-XXXXXX";
    fd_ = mkostemp(templ.data(), O_CLOEXEC);
    if (fd_ < 0)
      return Error(Code::kOther, "cannot save %s from %s: %s", chunk.name.c_str(), host_.c_str(),
                   strerror(errno));
    temp_ = templ;
    head_ = chunk;
    head_.data.clear();
    got_ = 0;
  } else if (fd_ < 0 || chunk.name != head_.name || chunk.offset != got_) {
    Drop();
    return Error(Code::kOther, "%s sent a piece of %s out of order", host_.c_str(),
                 chunk.name.c_str());
  }
  for (size_t done = 0; done < chunk.data.size();) {
    ssize_t n = write(fd_, chunk.data.data() + done, chunk.data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      Drop();
      return Error(Code::kOther, "cannot save %s from %s: %s", head_.name.c_str(), host_.c_str(),
                   strerror(e));
    }
    done += static_cast<size_t>(n);
  }
  got_ += chunk.data.size();
  if (got_ < head_.size) return OkStatus();
  fchmod(fd_, head_.mode & 0777);
  int closed = close(fd_);
  fd_ = -1;
  if (closed != 0) {
    int e = errno;
    Drop();
    return Error(Code::kOther, "cannot save %s from %s: %s", head_.name.c_str(), host_.c_str(),
                 strerror(e));
  }
  for (int attempt = 0;; ++attempt) {
    ZMPI_ASSIGN_OR_RETURN(std::string name, agent::FreeName(root_, head_.name, host_));
    if (link(temp_.c_str(), (root_ + "/" + name).c_str()) == 0) {
      if (name != head_.name) {
        notes->push_back("zrun: warning: " + head_.name + " from " + host_ + " saved as " + name +
                         ": " + head_.name + " exists here");
      }
      break;
    }
    if (errno != EEXIST || attempt > 100) {
      int e = errno;
      Drop();
      return Error(Code::kOther, "cannot save %s from %s: %s", head_.name.c_str(), host_.c_str(),
                   strerror(e));
    }
  }
  unlink(temp_.c_str());
  temp_.clear();
  ++files_;
  bytes_ += head_.size;
  return OkStatus();
}

}  // namespace zmpi::launcher::zrun
