// ProgramCache: executables staged to this agent by zrun, content-addressed by their BLAKE2b-256
// hash, in a private directory (mode 0700) as <dir>/<hex hash> (mode 0700). A program received
// once is reused by later jobs; a partial or corrupt transfer never takes the final name.
#ifndef ZMPI_LAUNCHER_AGENT_PROGRAM_CACHE_H_
#define ZMPI_LAUNCHER_AGENT_PROGRAM_CACHE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "launcher/proto/messages.h"

namespace zmpi::launcher::agent {

// BLAKE2b-256 of the file at `path` (read in pieces, bounded memory).
StatusOr<proto::Hash> HashFile(const std::string& path);
std::string HashHex(const proto::Hash& hash);

class ProgramCache {
 public:
  // Creates `dir` (and parents) with mode 0700 if needed. `for_others`: programs run as
  // another user (zrund's job user): directories are made 0755 (`dir` itself is set to it)
  // and programs 0755, readable and executable by that user, writable only by this one.
  static StatusOr<ProgramCache> Open(const std::string& dir, bool for_others = false);
  // ~/.cache/zmpi/programs (or $XDG_CACHE_HOME/zmpi/programs).
  static std::string DefaultDir();

  // The cached program with this hash, if present and intact.
  std::optional<std::string> Find(const proto::Hash& hash) const;

  // Receiving one program: Begin, Write the pieces in order, Finish (checks size and hash,
  // then renames into place and returns the path). Abandon (or a new Begin) drops a partial one.
  Status Begin(const proto::Hash& hash, uint64_t size);
  Status Write(uint64_t offset, const std::string& data);
  StatusOr<std::string> Finish();
  void Abandon();

  const std::string& dir() const { return dir_; }

 private:
  std::string PathOf(const proto::Hash& hash) const { return dir_ + "/" + HashHex(hash); }

  std::string dir_;
  bool for_others_ = false;
  int fd_ = -1;
  std::string partial_;
  proto::Hash hash_{};
  uint64_t size_ = 0;
  uint64_t written_ = 0;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_PROGRAM_CACHE_H_
