// TempDir: a private directory (mode 0700) that is removed with its contents when the owner
// goes away. Used for the PMIx server's rendezvous files.
#ifndef ZMPI_LAUNCHER_AGENT_TEMP_DIR_H_
#define ZMPI_LAUNCHER_AGENT_TEMP_DIR_H_

#include <string>

#include "common/status.h"

namespace zmpi::launcher::agent {

class TempDir {
 public:
  TempDir() = default;
  ~TempDir() { Remove(); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Creates $TMPDIR/<prefix>XXXXXX (or /tmp/...).
  Status Create(const std::string& prefix);
  // Removes the tree (idempotent). Does not follow symlinks.
  void Remove();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Removes `path` and everything below it; returns false if something could not be removed.
bool RemoveTree(const std::string& path);

// "<label>-<host>-<pid>-": a TempDir prefix that lets RemoveStaleTempDirs find leftovers of a
// process that was killed (SIGKILL skips every cleanup). The host name keeps fake hosts that
// share /tmp but not PID namespaces from judging each other's pids.
std::string OwnedTempPrefix(const std::string& label, const std::string& host);
// Removes $TMPDIR/<label>-<host>-<pid>-* whose pid no longer runs; returns how many.
int RemoveStaleTempDirs(const std::string& label, const std::string& host);

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_TEMP_DIR_H_
