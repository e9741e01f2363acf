// zrun's side of the job folders on other hosts (docs/zrund.md, "Working directory and files"):
// which files --stage names (with their names in the job folder, sizes and hashes), sending one
// to an agent that asks for it, and CollectSink, which writes the files an agent sends back
// after the job into zrun's working directory without ever replacing a file that is there.
#ifndef ZMPI_LAUNCHER_ZRUN_FILE_STAGING_H_
#define ZMPI_LAUNCHER_ZRUN_FILE_STAGING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/agent/link.h"
#include "launcher/proto/messages.h"

namespace zmpi::launcher::zrun {

struct StageSource {
  std::string path;  // on this host
  proto::StagedFile file;
};

// The name a --stage argument gets in the job folder: a relative path that stays below the
// current directory keeps its path ("run/namelist.input", "./a" -> "a"); anything else (an
// absolute path, one with "..") is placed at the top under its last component.
std::string StagedName(const std::string& arg);

// Expands the --stage arguments: a file is itself, a folder is every regular file below it
// (symbolic links to regular files included, other links and empty folders left out), named
// StagedName(folder) + "/" + its path below the folder. Refuses a missing path, a name staged
// twice, more than proto::kMaxStagedFiles files or more than proto::kMaxStageBytes in all
// (checked before any file is read), with a message fit for "zrun: <message>".
StatusOr<std::vector<StageSource>> ExpandStage(const std::vector<std::string>& args);

// Sends `source` as FileChunks over `link`.
Status SendStagedFile(agent::Link* link, uint64_t job_id, const StageSource& source);

// Receives the collected files of one host into `root` (zrun's working directory). A file
// goes to its relative name if that is free, else to `<name>.<host>`, `<name>.<host>.1`, ...
// (agent::FreeName); it is written under a temporary name first and linked into place, so a
// file that exists is never replaced and a half-received one never takes a real name.
class CollectSink {
 public:
  CollectSink(std::string root, std::string host)
      : root_(std::move(root)), host_(std::move(host)) {}
  ~CollectSink();
  CollectSink(const CollectSink&) = delete;
  CollectSink& operator=(const CollectSink&) = delete;

  // Takes the next piece. `notes` gets lines for the user (a file saved under another name,
  // one the agent skipped); an error means this file is lost (the next one may still come).
  Status Take(const proto::FileChunk& chunk, std::vector<std::string>* notes);

  int files() const { return files_; }
  uint64_t bytes() const { return bytes_; }

 private:
  void Drop();

  std::string root_;
  std::string host_;
  int fd_ = -1;
  std::string temp_;       // the file being received, under its temporary name
  proto::FileChunk head_;  // name, size, mode of that file
  uint64_t got_ = 0;
  int files_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_FILE_STAGING_H_
