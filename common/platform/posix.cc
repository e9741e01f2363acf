// The platform layer from POSIX alone (platform.h): the portable build (-DZMPI_PORTABLE=ON),
// for Haiku and for testing that build on Linux. What POSIX lacks is said per function; the
// only OS-specific code is Haiku's image query for the executable's path.
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

#include "common/platform/platform.h"

#if defined(__HAIKU__)
#include <OS.h>
#include <image.h>
#endif

namespace zmpi::platform {

const char* Name() { return "posix"; }

// No process descriptors in POSIX: callers poll ProcessGone.
int OpenProcessWatch(pid_t) { return -1; }

bool ProcessGone(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

std::string ProcessNamespace() { return ""; }

// No parent-death signal in POSIX: the agent's children notice the agent's death by EOF on
// their pipes, and the agent kills its process groups when it ends normally.
bool KillWhenParentDies() { return false; }

// getentropy (POSIX.1-2024; glibc 2.25, Haiku) blocks only until the source is seeded.
bool FillRandom(void* buf, size_t len, bool block) {
  (void)block;
  constexpr size_t kMaxPerCall = 256;  // getentropy's limit
  char* at = static_cast<char*>(buf);
  while (len > 0) {
    size_t n = len < kMaxPerCall ? len : kMaxPerCall;
    if (getentropy(at, n) != 0) return false;
    at += n;
    len -= n;
  }
  return true;
}

StatusOr<std::string> ExecutablePath() {
#if defined(__HAIKU__)
  image_info info;
  int32 cookie = 0;
  while (get_next_image_info(B_CURRENT_TEAM, &cookie, &info) == B_OK) {
    if (info.type == B_APP_IMAGE) return std::string(info.name);
  }
  return Error(Code::kOther, "get_next_image_info found no application image");
#else
  // POSIX has no such call. A portable build tested on Linux reads the kernel's link, the
  // answer Haiku's image query gives, so that the callers run under the test suite.
  char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return Error(Code::kUnsupported, "this system cannot tell the executable's path");
  return std::string(path, static_cast<size_t>(n));
#endif
}

// POSIX keeps the arguments in main's argv only.
std::vector<std::string> CommandLineArguments() { return {}; }

// No directory of descriptors in POSIX: every number below the limit is asked.
std::vector<int> OpenDescriptors() {
  long limit = sysconf(_SC_OPEN_MAX);
  if (limit <= 0 || limit > 65536) limit = 65536;  // asking more costs more than it finds
  std::vector<int> out;
  for (int fd = 0; fd < limit; ++fd) {
    if (fcntl(fd, F_GETFD) >= 0) out.push_back(fd);
  }
  return out;
}

const char* ShmDirectory() {
#if defined(__HAIKU__)
  return "/var/shared_memory";
#else
  return "/dev/shm";  // where glibc's and the BSDs' shm_open objects are files, if anywhere
#endif
}

// No such request in POSIX: pages fault on first use.
bool PopulateForWrite(void*, size_t) {
  errno = ENOSYS;
  return false;
}

void AllowMemoryAccessBySiblings() {}

// POSIX has no wait on a word of shared memory (process-shared condition variables would
// need a mutex in the segment that a dead rank could leave locked): waiting ranks poll.
bool CanWaitOnWords() { return false; }
void WaitOnWord(const std::atomic<uint32_t>*, uint32_t, double) {}
void WakeWordWaiters(std::atomic<uint32_t>*) {}

// POSIX has getrusage for oneself and waited-for children only: no accounting of others.
uint64_t ProcessCpuTicks(pid_t) { return 0; }
bool SystemCpuTicks(uint64_t*, uint64_t*) { return false; }
uint64_t ResidentBytes(pid_t) { return 0; }

bool CanConfineToCpus() { return false; }

Status ConfineToCpus(pid_t pid, const CpuSet&) {
  return Error(Code::kUnsupported, "this system cannot restrict pid %d to a set of CPUs",
               static_cast<int>(pid));
}

bool ForbidAffinityChanges() { return false; }

}  // namespace zmpi::platform
