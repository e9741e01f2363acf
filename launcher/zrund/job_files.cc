#include "launcher/zrund/job_files.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "common/log.h"
#include "launcher/agent/job_dir.h"
#include "launcher/agent/temp_dir.h"

namespace zmpi::launcher::zrund {

namespace {

constexpr int kChunkTimeoutMs = 10000;

Status MakeDirs(const std::string& dir, mode_t mode) {
  for (size_t at = 1; at <= dir.size(); ++at) {
    if (at != dir.size() && dir[at] != '/') continue;
    std::string part = dir.substr(0, at);
    if (mkdir(part.c_str(), mode) != 0 && errno != EEXIST) {
      return Error(Code::kOther, "cannot create %s: %s", part.c_str(), strerror(errno));
    }
  }
  return OkStatus();
}

Status SendFile(agent::Link* link, uint64_t job_id, const std::string& path,
                const std::string& name, const struct stat& st) {
  proto::FileChunk chunk;
  chunk.job_id = job_id;
  chunk.name = name;
  chunk.size = static_cast<uint64_t>(st.st_size);
  chunk.mode = st.st_mode & 0777;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Error(Code::kOther, "cannot read %s: %s", path.c_str(), strerror(errno));
  std::string buf(proto::kMaxExeChunkData, '\0');
  Status s = OkStatus();
  // An empty file is one empty piece; a file that shrank meanwhile is padded with nothing:
  // the piece that cannot be read ends it short, and zrun drops it (size mismatch).
  do {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), chunk.size - chunk.offset));
    ssize_t n = want == 0 ? 0 : pread(fd, buf.data(), want, static_cast<off_t>(chunk.offset));
    if (n < 0 || (want > 0 && n == 0)) {
      s = Error(Code::kOther, "%s changed while being sent", path.c_str());
      break;
    }
    chunk.data.assign(buf.data(), static_cast<size_t>(n));
    s = link->Send(chunk);
    chunk.offset += static_cast<uint64_t>(n);
  } while (s.ok() && chunk.offset < chunk.size);
  close(fd);
  return s;
}

}  // namespace

JobFiles::~JobFiles() { Remove(); }

StatusOr<std::vector<uint32_t>> JobFiles::Missing(const proto::Launch& launch) const {
  std::vector<uint32_t> missing;
  std::set<std::string> names;
  for (uint32_t i = 0; i < launch.stage.size(); ++i) {
    const proto::StagedFile& f = launch.stage[i];
    ZMPI_RETURN_IF_ERROR(agent::CheckRelativeName(f.name, "staged file"));
    if (!names.insert(f.name).second) {
      return Error(Code::kArg, "staged file %s named twice", f.name.c_str());
    }
    if (!cache_->Find(f.hash).has_value()) missing.push_back(i);
  }
  for (const std::string& pattern : launch.collect) {
    ZMPI_RETURN_IF_ERROR(agent::CheckRelativeName(pattern, "collect pattern"));
  }
  return missing;
}

Status JobFiles::Receive(agent::Link* link, const proto::StagedFile& file) {
  ZMPI_RETURN_IF_ERROR(cache_->Begin(file.hash, file.size));
  uint64_t got = 0;
  do {
    StatusOr<proto::Frame> frame = link->Receive(kChunkTimeoutMs);
    StatusOr<proto::FileChunk> chunk =
        frame.ok() ? agent::DecodeAs<proto::FileChunk>(frame.value()) : frame.status();
    Status written = chunk.ok() ? OkStatus() : chunk.status();
    if (written.ok() && (chunk->name != file.name || chunk->offset != got)) {
      written = Error(Code::kArg, "zrun sent %s at %llu while %s at %llu was due",
                      chunk->name.c_str(), static_cast<unsigned long long>(chunk->offset),
                      file.name.c_str(), static_cast<unsigned long long>(got));
    }
    if (written.ok()) written = cache_->Write(chunk->offset, chunk->data);
    if (!written.ok()) {
      cache_->Abandon();
      return written;
    }
    got += chunk->data.size();
  } while (got < file.size);
  ZMPI_RETURN_IF_ERROR(cache_->Finish().status());
  fprintf(stderr, "zrund: staged file %s received, %llu bytes\n", file.name.c_str(),
          static_cast<unsigned long long>(file.size));
  return OkStatus();
}

StatusOr<std::string> JobFiles::Make(const proto::Launch& launch, const std::string& nspace) {
  if (work_root_.empty()) return Error(Code::kIntern, "the agent has no work directory");
  ZMPI_RETURN_IF_ERROR(MakeDirs(work_root_, 0700));
  std::string dir = work_root_ + "/" + nspace + "." + host_;
  if (mkdir(dir.c_str(), 0700) != 0) {
    return Error(Code::kOther, "cannot create the job directory %s: %s", dir.c_str(),
                 strerror(errno));
  }
  dir_ = dir;
  int cached = 0;
  for (const proto::StagedFile& f : launch.stage) {
    std::optional<std::string> from = cache_->Find(f.hash);
    if (!from.has_value()) {
      return Error(Code::kOther, "staged file %s is not in the cache", f.name.c_str());
    }
    ZMPI_RETURN_IF_ERROR(agent::MakeParents(dir_, f.name));
    ZMPI_RETURN_IF_ERROR(agent::CopyNewFile(*from, dir_ + "/" + f.name, f.mode));
    ++cached;
  }
  if (cached > 0) {
    fprintf(stderr, "zrund: job %s: %d staged files in %s\n", nspace.c_str(), cached, dir_.c_str());
  }
  return dir_;
}

Status JobFiles::Collect(agent::Link* link, const proto::Launch& launch) {
  if (dir_.empty() || launch.collect.empty()) return OkStatus();
  std::set<std::string> names;  // relative to dir_, sorted, each once
  for (const std::string& pattern : launch.collect) {
    glob_t g{};
    std::string full = dir_ + "/" + pattern;
    if (glob(full.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) names.insert(g.gl_pathv[i] + dir_.size() + 1);
    }
    globfree(&g);
  }
  uint64_t sent = 0;
  size_t files = 0;
  for (const std::string& name : names) {
    std::string path = dir_ + "/" + name;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    auto staged = std::find_if(launch.stage.begin(), launch.stage.end(),
                               [&name](const proto::StagedFile& f) { return f.name == name; });
    if (staged != launch.stage.end()) {
      StatusOr<proto::Hash> now = agent::HashFile(path);
      if (now.ok() && now.value() == staged->hash) continue;  // zrun has it already
    }
    uint64_t size = static_cast<uint64_t>(st.st_size);
    if (files >= kMaxCollectedFiles || size > proto::kMaxStageBytes - sent) {
      proto::FileChunk skipped;
      skipped.job_id = launch.job_id;
      skipped.name = name;
      skipped.size = std::min<uint64_t>(size, proto::kMaxStageBytes);
      skipped.flags = proto::FileChunk::kSkipped;
      ZMPI_RETURN_IF_ERROR(link->Send(skipped));
      continue;
    }
    ZMPI_RETURN_IF_ERROR(SendFile(link, launch.job_id, path, name, st));
    sent += size;
    ++files;
  }
  ZMPI_LOG(kInfo, "zrund", "collected %zu files (%llu bytes) from %s", files,
           static_cast<unsigned long long>(sent), dir_.c_str());
  return OkStatus();
}

void JobFiles::Remove() {
  if (dir_.empty()) return;
  if (!agent::RemoveTree(dir_)) ZMPI_LOG(kWarn, "zrund", "cannot remove %s", dir_.c_str());
  dir_.clear();
}

}  // namespace zmpi::launcher::zrund
