// JobFiles: the files side of one job on an agent (docs/zrund.md, "Working directory and
// files"). For a Launch with job_dir set, the ranks work in a fresh directory
// <work root>/<nspace>.<host> (mode 0700): the staged files zrun named are taken from the
// content-addressed cache (agent::ProgramCache, the same one as programs) or received once
// into it, copied into the directory under their relative names, and after the job the
// files matching the collect patterns go back to zrun as FileChunks; then the directory is
// removed. Without job_dir the ranks work in Launch.cwd and nothing is staged or collected.
#ifndef ZMPI_LAUNCHER_ZRUND_JOB_FILES_H_
#define ZMPI_LAUNCHER_ZRUND_JOB_FILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/agent/link.h"
#include "launcher/agent/program_cache.h"
#include "launcher/proto/messages.h"

namespace zmpi::launcher::zrund {

// What one host sends back: at most this many files and bytes (kMaxStageBytes); files beyond
// are announced as skipped (FileChunk::kSkipped) so that zrun can say so.
inline constexpr size_t kMaxCollectedFiles = 4096;

class JobFiles {
 public:
  // `cache` holds staged files by hash; `work_root` is where job directories are made.
  JobFiles(agent::ProgramCache* cache, std::string work_root, std::string host)
      : cache_(cache), work_root_(std::move(work_root)), host_(std::move(host)) {}
  ~JobFiles();
  JobFiles(const JobFiles&) = delete;
  JobFiles& operator=(const JobFiles&) = delete;

  // Checks the staged names and patterns; returns the indices of staged files not cached.
  StatusOr<std::vector<uint32_t>> Missing(const proto::Launch& launch) const;
  // Receives the staged file `file` (its FileChunks, 10 s bound per piece) into the cache.
  Status Receive(agent::Link* link, const proto::StagedFile& file);
  // Makes the job directory and puts the staged files in it. Returns its path.
  StatusOr<std::string> Make(const proto::Launch& launch, const std::string& nspace);
  // Sends the files of the job directory matching `launch.collect` (regular files only, no
  // symbolic link followed; staged files still unchanged are left out), in name order.
  Status Collect(agent::Link* link, const proto::Launch& launch);
  // Removes the job directory (also done by the destructor).
  void Remove();

  const std::string& dir() const { return dir_; }

 private:
  agent::ProgramCache* cache_;
  std::string work_root_;
  std::string host_;
  std::string dir_;
};

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_LAUNCHER_ZRUND_JOB_FILES_H_
