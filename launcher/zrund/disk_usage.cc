#include "launcher/zrund/disk_usage.h"

#include <ftw.h>
#include <sys/stat.h>

#include <cstdint>

#include "launcher/zrund/owner.h"

namespace zmpi::launcher::zrund {

namespace {

// nftw has no user pointer: the walk's state (the agent walks from one thread).
thread_local uint64_t walk_bytes = 0;
thread_local size_t walk_left = 0;

int AddEntry(const char*, const struct stat* st, int type, struct FTW*) {
  if (type == FTW_F || type == FTW_D || type == FTW_DP || type == FTW_SL) {
    walk_bytes += static_cast<uint64_t>(st->st_blocks) * 512;
  }
  return --walk_left == 0 ? 1 : 0;  // nonzero stops the walk
}

}  // namespace

uint64_t StagedBytes(const proto::Launch& launch) {
  uint64_t bytes = launch.exe_size;
  for (const proto::StagedFile& f : launch.stage) {  // saturating: sizes come from the client
    bytes = f.size > UINT64_MAX - bytes ? UINT64_MAX : bytes + f.size;
  }
  return bytes;
}

Status CheckStaging(const proto::Launch& launch, uint64_t limit, const std::string& host) {
  const uint64_t staged = StagedBytes(launch);
  if (limit == 0 || staged <= limit) return OkStatus();
  return Error(Code::kArg,
               "%s takes at most %s of program and staged files per job (its owner's limit, "
               "zrund --max-disk); this job brings %s",
               host.c_str(), FormatSize(limit).c_str(), FormatSize(staged).c_str());
}

uint64_t DiskUsage(const std::string& dir, size_t max_entries) {
  walk_bytes = 0;
  walk_left = max_entries == 0 ? 1 : max_entries;
  if (nftw(dir.c_str(), AddEntry, 16, FTW_PHYS | FTW_MOUNT) < 0) return 0;
  return walk_bytes;
}

}  // namespace zmpi::launcher::zrund
