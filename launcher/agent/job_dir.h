// File-system helpers for job directories and staged/collected files, shared by zrun (which
// writes collected files into its working directory) and zrund (which makes a fresh job
// directory per job): names relative to a directory that cannot leave it, parent folders,
// and copies that never replace an existing file (RemoveTree: temp_dir.h).
#ifndef ZMPI_LAUNCHER_AGENT_JOB_DIR_H_
#define ZMPI_LAUNCHER_AGENT_JOB_DIR_H_

#include <cstdint>
#include <string>

#include "common/status.h"

namespace zmpi::launcher::agent {

// OK if `name` is a relative path that stays inside its directory: not empty, not absolute,
// no empty, "." or ".." components, no NUL, at most 4096 bytes. `what` starts the message.
Status CheckRelativeName(const std::string& name, const char* what);

// Creates the folders of `name` below `root` (mode 0755; `root` itself must exist).
// Refuses to pass through a symbolic link.
Status MakeParents(const std::string& root, const std::string& name);

// Copies the file `from` to the new file `to` (created with O_EXCL, permission bits `mode`).
Status CopyNewFile(const std::string& from, const std::string& to, uint32_t mode);

// `name` with a suffix that names no existing file below `root`: `name` itself if free, else
// `name.<host>`, then `name.<host>.1`, `name.<host>.2`, ... (at most 1000 tries).
StatusOr<std::string> FreeName(const std::string& root, const std::string& name,
                               const std::string& host);

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_JOB_DIR_H_
