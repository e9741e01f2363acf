// Disk used by a job (zrund --max-disk, docs/owner.md): what it stages and what its ranks
// write into its job directory.
#ifndef ZMPI_LAUNCHER_ZRUND_DISK_USAGE_H_
#define ZMPI_LAUNCHER_ZRUND_DISK_USAGE_H_

#include <cstdint>
#include <string>

#include "common/status.h"
#include "launcher/proto/messages.h"

namespace zmpi::launcher::zrund {

// Bytes a launch brings onto this host: its program (when zrun offers a copy) and its staged
// files, as declared in the Launch (checked before any of it is received).
uint64_t StagedBytes(const proto::Launch& launch);

// Refuses a launch whose StagedBytes exceed `limit` (0 = no limit), naming the owner's option.
Status CheckStaging(const proto::Launch& launch, uint64_t limit, const std::string& host);

// Disk blocks (st_blocks, bytes) of every file and directory under `dir`, without following
// symbolic links or crossing into other file systems; at most `max_entries` entries are
// counted (a walk of a directory tree the ranks fill stays bounded in time). 0 if `dir` is gone.
uint64_t DiskUsage(const std::string& dir, size_t max_entries = 200000);

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_LAUNCHER_ZRUND_DISK_USAGE_H_
