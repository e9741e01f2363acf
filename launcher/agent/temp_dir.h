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

  // Creates $TMPDIR/<prefix>XXXXXX (or /tmp/...) holding an owner lock (see below).
  Status Create(const std::string& prefix);
  // Removes the tree (idempotent). Does not follow symlinks.
  void Remove();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int lock_fd_ = -1;  // flock held on <path>/owner.lock while this object lives
};

// Removes `path` and everything below it; returns false if something could not be removed.
bool RemoveTree(const std::string& path);

// "<label>-<host>-<pid>-": a TempDir prefix that lets RemoveStaleTempDirs find leftovers of a
// process that was killed (SIGKILL skips every cleanup). The host name keeps fake hosts that
// share /tmp but not PID namespaces from judging each other's pids.
std::string OwnedTempPrefix(const std::string& label, const std::string& host);
// Removes $TMPDIR/<label>-<host>-<pid>-* whose owner is gone; returns how many. The owner is
// gone when nobody holds the dir's owner lock: that works across PID namespaces, where the pid
// in the name may be another process's (every agent is PID 1 of its own namespace in the
// cluster tests). Dirs without a lock file (older zmpi) fall back to "the pid no longer runs".
int RemoveStaleTempDirs(const std::string& label, const std::string& host);

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_TEMP_DIR_H_
