// The platform layer from POSIX alone (platform.h): the portable build (-DZMPI_PORTABLE=ON),
// for Haiku and for testing that build on Linux. What POSIX lacks is said per function; the
// OS-specific code is Haiku's image query for the executable's path and the CPU affinity call
// where the system declares one (ZMPI_HAVE_SCHED_SETAFFINITY, found by common/CMakeLists.txt).
#if defined(__HAIKU__)
// Haiku declares sched_setaffinity in headers/compatibility/gnu/sched.h for these only.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

#include "common/platform/platform.h"

#if ZMPI_HAVE_SCHED_SETAFFINITY
#include <sched.h>
#endif

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
double LoadAverage() { return -1; }

#if ZMPI_HAVE_SCHED_SETAFFINITY
namespace {

// Haiku (libgnu, since 2023) names the set cpuset_t with CPUSET_* macros and returns its
// status code (a negative errno value) instead of -1 and errno; glibc has cpu_set_t, CPU_*.
#if defined(__HAIKU__)
using OsCpuSet = cpuset_t;
void Clear(OsCpuSet* set) { CPUSET_ZERO(set); }
void Add(int cpu, OsCpuSet* set) { CPUSET_SET(cpu, set); }
bool Has(int cpu, const OsCpuSet* set) { return CPUSET_ISSET(cpu, set) != 0; }
#else
using OsCpuSet = cpu_set_t;
void Clear(OsCpuSet* set) { CPU_ZERO(set); }
void Add(int cpu, OsCpuSet* set) { CPU_SET(cpu, set); }
bool Has(int cpu, const OsCpuSet* set) { return CPU_ISSET(cpu, set); }
#endif
constexpr int kOsCpus = static_cast<int>(sizeof(OsCpuSet) * 8);

int CallError(int rc) { return rc == -1 ? errno : rc; }

}  // namespace

const char* CpuBindingCall() { return "sched_setaffinity"; }

Status BindToCpus(pid_t pid, const CpuSet& cpus) {
  OsCpuSet set;
  Clear(&set);
  for (int cpu = 0; cpu < kMaxCpus && cpu < kOsCpus; ++cpu) {
    if (cpus.test(static_cast<size_t>(cpu))) Add(cpu, &set);
  }
  int rc = sched_setaffinity(pid, sizeof(set), &set);
  if (rc != 0) {
    return Error(Code::kOther, "sched_setaffinity(%d): %s", static_cast<int>(pid),
                 strerror(CallError(rc)));
  }
  return OkStatus();
}

StatusOr<CpuSet> CpuAffinity(pid_t pid) {
  OsCpuSet set;
  Clear(&set);
  int rc = sched_getaffinity(pid, sizeof(set), &set);
  if (rc != 0) {
    return Error(Code::kOther, "sched_getaffinity(%d): %s", static_cast<int>(pid),
                 strerror(CallError(rc)));
  }
  CpuSet out;
  for (int cpu = 0; cpu < kMaxCpus && cpu < kOsCpus; ++cpu) {
    if (Has(cpu, &set)) out.set(static_cast<size_t>(cpu));
  }
  return out;
}
#else
// No affinity call in POSIX.
const char* CpuBindingCall() { return nullptr; }

Status BindToCpus(pid_t pid, const CpuSet&) {
  return Error(Code::kUnsupported, "this system cannot bind pid %d to CPUs", static_cast<int>(pid));
}

StatusOr<CpuSet> CpuAffinity(pid_t pid) {
  return Error(Code::kUnsupported, "this system cannot tell the CPUs of pid %d",
               static_cast<int>(pid));
}
#endif

// A binding the rank could undo is no owner's limit: without a way to forbid affinity
// changes there is no confinement.
bool CanConfineToCpus() { return false; }

Status ConfineToCpus(pid_t pid, const CpuSet&) {
  return Error(Code::kUnsupported, "this system cannot restrict pid %d to a set of CPUs",
               static_cast<int>(pid));
}

bool ForbidAffinityChanges() { return false; }

// POSIX has no call for it (sched_getcpu is a GNU extension).
int CurrentCpu() { return -1; }

}  // namespace zmpi::platform
