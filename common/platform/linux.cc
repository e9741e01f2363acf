// The platform layer on Linux (platform.h).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "common/platform/platform.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434  // same number on every architecture since Linux 5.3
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14
#endif

namespace zmpi::platform {
namespace {

#if defined(__x86_64__)
constexpr uint32_t kNativeArch = AUDIT_ARCH_X86_64;
constexpr uint32_t kX32Bit = 0x40000000;  // x32 system calls: the same numbers with this bit
#elif defined(__aarch64__)
constexpr uint32_t kNativeArch = AUDIT_ARCH_AARCH64;
constexpr uint32_t kX32Bit = 0;
#else
#error "the affinity filter knows x86_64 and aarch64"
#endif

}  // namespace

const char* Name() { return "linux"; }

int OpenProcessWatch(pid_t pid) {
  long fd = syscall(SYS_pidfd_open, pid, 0);  // close-on-exec; readable once the process exits
  return fd < 0 ? -1 : static_cast<int>(fd);
}

bool ProcessGone(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

std::string ProcessNamespace() {
  char target[128];
  ssize_t n = readlink("/proc/self/ns/pid", target, sizeof(target) - 1);
  return n > 0 ? std::string(target, static_cast<size_t>(n)) : std::string("?");
}

bool KillWhenParentDies() { return prctl(PR_SET_PDEATHSIG, SIGKILL) == 0; }

bool FillRandom(void* buf, size_t len, bool block) {
  char* at = static_cast<char*>(buf);
  while (len > 0) {
    ssize_t n = getrandom(at, len, block ? 0 : GRND_NONBLOCK);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

StatusOr<std::string> ExecutablePath() {
  char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return Error(Code::kOther, "readlink(/proc/self/exe): %s", strerror(errno));
  return std::string(path, static_cast<size_t>(n));
}

std::vector<std::string> CommandLineArguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> out;
  size_t start = all.find('\0');  // after argv[0]
  while (start != std::string::npos && start + 1 < all.size()) {
    size_t end = all.find('\0', start + 1);
    out.push_back(all.substr(start + 1, end == std::string::npos ? end : end - start - 1));
    start = end;
  }
  return out;
}

std::vector<int> OpenDescriptors() {
  std::vector<int> out;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return out;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    long fd = strtol(e->d_name, &end, 10);
    if (end != e->d_name && *end == '\0' && fd != dirfd(dir)) out.push_back(static_cast<int>(fd));
  }
  closedir(dir);
  std::sort(out.begin(), out.end());
  return out;
}

const char* ShmDirectory() { return "/dev/shm"; }

bool PopulateForWrite(void* addr, size_t len) {
  return madvise(addr, len, MADV_POPULATE_WRITE) == 0;
}

void AllowMemoryAccessBySiblings() {
  // EINVAL: no Yama, nothing to allow.
  prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
}

bool CanWaitOnWords() { return true; }

// A std::atomic<uint32_t> is a plain 32-bit word (checked below), which is what a futex is.
// Shared futexes (no FUTEX_PRIVATE_FLAG): the word lives in memory other processes map.
static_assert(sizeof(std::atomic<uint32_t>) == 4 && std::atomic<uint32_t>::is_always_lock_free);

void WaitOnWord(const std::atomic<uint32_t>* word, uint32_t expected, double seconds) {
  timespec timeout;
  timeout.tv_sec = static_cast<time_t>(seconds);
  timeout.tv_nsec = static_cast<long>((seconds - static_cast<double>(timeout.tv_sec)) * 1e9);
  // EAGAIN (the word changed already), ETIMEDOUT and EINTR all mean: look again.
  syscall(SYS_futex, word, FUTEX_WAIT, expected, &timeout, nullptr, 0);
}

void WakeWordWaiters(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

uint64_t ProcessCpuTicks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  uint64_t sum = 0;
  for (int i = 3; i <= 17 && fields >> f; ++i) {
    if (i >= 14) sum += strtoull(f.c_str(), nullptr, 10);  // utime stime cutime cstime
  }
  return sum;
}

bool SystemCpuTicks(uint64_t* busy, uint64_t* total) {
  std::ifstream in("/proc/stat");
  std::string cpu;
  if (!(in >> cpu)) return false;
  uint64_t v[10] = {};
  *total = 0;
  for (int i = 0; i < 10 && in >> v[i]; ++i) *total += i < 8 ? v[i] : 0;  // guest is in user
  *busy = *total - (v[3] + v[4]);                                         // idle + iowait
  return true;
}

uint64_t ResidentBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/statm");
  uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

double LoadAverage() {
  double load[1];
  return getloadavg(load, 1) == 1 ? load[0] : -1;
}

const char* CpuBindingCall() { return "sched_setaffinity"; }

int CurrentCpu() { return sched_getcpu(); }

Status BindToCpus(pid_t pid, const CpuSet& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu = 0; cpu < kMaxCpus && cpu < CPU_SETSIZE; ++cpu) {
    if (cpus.test(static_cast<size_t>(cpu))) CPU_SET(cpu, &set);
  }
  if (sched_setaffinity(pid, sizeof(set), &set) != 0) {
    return Error(Code::kOther, "sched_setaffinity(%d): %s", static_cast<int>(pid), strerror(errno));
  }
  return OkStatus();
}

StatusOr<CpuSet> CpuAffinity(pid_t pid) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(pid, sizeof(set), &set) != 0) {
    return Error(Code::kOther, "sched_getaffinity(%d): %s", static_cast<int>(pid), strerror(errno));
  }
  CpuSet out;
  for (int cpu = 0; cpu < kMaxCpus && cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) out.set(static_cast<size_t>(cpu));
  }
  return out;
}

bool CanConfineToCpus() { return true; }

// The same call as a binding: ForbidAffinityChanges makes it a limit.
Status ConfineToCpus(pid_t pid, const CpuSet& cpus) { return BindToCpus(pid, cpus); }

bool ForbidAffinityChanges() {
  // A seccomp filter that fails sched_setaffinity with EPERM; system calls of another ABI
  // (int 0x80 on x86_64) all fail, as they would be a way around it.
  constexpr uint32_t kNr = static_cast<uint32_t>(__NR_sched_setaffinity);
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kNativeArch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kNr, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kNr | kX32Bit, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
  };
  sock_fprog program{static_cast<unsigned short>(sizeof(filter) / sizeof(filter[0])), filter};
  return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

}  // namespace zmpi::platform
