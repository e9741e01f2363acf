// The operating system behind one interface: every call zmpi makes that POSIX does not define
// lives behind these functions, so that the rest of the tree compiles on any POSIX system
// (Linux, Haiku). Two implementations, chosen at build time (common/CMakeLists.txt):
//   linux.cc  Linux (pidfd_open, prctl, getrandom, /proc/self, close_range, madvise hints,
//             sched_setaffinity, a seccomp filter);
//   posix.cc  only POSIX (plus the one Haiku call for the executable's path): what the
//             portable build (-DZMPI_PORTABLE=ON, docs/haiku.md) uses, also on Linux.
// Single-copy transfers between processes (process_vm_readv) are in process_memory.h: they
// sit on the shared-memory hot path and are inline there, not calls through this file.
//
// Every function is thread-safe. Those marked "async-signal-safe" may run between fork and
// exec.
#ifndef ZMPI_COMMON_PLATFORM_PLATFORM_H_
#define ZMPI_COMMON_PLATFORM_PLATFORM_H_

#include <sys/types.h>

#include <atomic>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace zmpi::platform {

// "linux" or "posix": which implementation this build has (for logs and --doctor).
const char* Name();

// ---- processes ----

// A descriptor that becomes readable (POLLIN) once process `pid` has exited, immune to pid
// reuse (Linux: a pidfd), or -1 where the OS has none: then ask ProcessGone.
int OpenProcessWatch(pid_t pid);
// Whether `pid` no longer exists (kill(pid, 0) fails with ESRCH). A reused pid reads as alive.
bool ProcessGone(pid_t pid);
// Names this process's pid namespace (Linux: the target of /proc/self/ns/pid), "" where the OS
// has one namespace: two processes' pids mean the same only where these are equal.
std::string ProcessNamespace();

// Asks the OS to SIGKILL the calling process when its parent exits. Returns false where the
// OS cannot (the caller must then notice the parent's death another way, e.g. EOF on a pipe
// from it). Async-signal-safe. Credentials changes clear it on Linux: call it after them.
bool KillWhenParentDies();

// ---- randomness ----

// Fills `buf` with `len` bytes from the OS's random source. `block`: wait for the source to
// be seeded (early boot) rather than fail. False if the source cannot be read.
bool FillRandom(void* buf, size_t len, bool block);

// ---- the running program ----

// Absolute path of the running executable (not of a shared library).
StatusOr<std::string> ExecutablePath();
// The program's arguments after argv[0], as the process was started ({} where the OS cannot
// tell without the program's help).
std::vector<std::string> CommandLineArguments();
// The descriptors open in this process now, ascending.
std::vector<int> OpenDescriptors();

// ---- shared memory ----

// Where shm_open's objects appear as files ("/dev/shm" on Linux), for cleanup of segments
// that dead jobs left behind; "" where they are not files.
const char* ShmDirectory();
// Asks the OS to back [addr, addr+len) of a shared mapping with memory now, so that a full
// shared-memory file system fails here instead of raising SIGBUS on first touch. False (and
// nothing done) where the OS has no such request or it failed: pages then fault on first use.
bool PopulateForWrite(void* addr, size_t len);
// Lets sibling processes read this process's memory (the single-copy path: Linux's Yama
// ptrace scope 1 allows only ancestors by default). No-op where there is nothing to allow.
void AllowMemoryAccessBySiblings();

// ---- waiting for another process ----

// Whether WaitOnWord blocks here (Linux: a futex on shared memory).
bool CanWaitOnWords();
// Blocks while the 32-bit word at `word` (in memory shared between processes) holds
// `expected`, until WakeWordWaiters on it, `seconds` pass or a signal; may also return
// spuriously. Returns at once where CanWaitOnWords is false.
void WaitOnWord(const std::atomic<uint32_t>* word, uint32_t expected, double seconds);
// Wakes every process blocked in WaitOnWord on `word`. No-op where CanWaitOnWords is false.
void WakeWordWaiters(std::atomic<uint32_t>* word);

// ---- accounting (zrund's owner controls: docs/owner.md) ----

// Clock ticks of CPU time process `pid` and its waited-for children used; 0 if it is gone or
// the OS cannot tell.
uint64_t ProcessCpuTicks(pid_t pid);
// The whole machine's CPU time in clock ticks since boot: busy (not idle, not waiting for
// I/O) and total. False where the OS cannot tell.
bool SystemCpuTicks(uint64_t* busy, uint64_t* total);
// Resident bytes of process `pid` (shared pages it touched included); 0 if it is gone or the
// OS cannot tell.
uint64_t ResidentBytes(pid_t pid);
// The machine's 1-minute load average; -1 where the OS cannot tell.
double LoadAverage();

// ---- CPUs ----

// A set of CPUs by the OS's number (hwloc's PU os_index).
inline constexpr int kMaxCpus = 1024;
using CpuSet = std::bitset<kMaxCpus>;

// The OS call that binds a process to CPUs here ("sched_setaffinity"), or null where the OS
// has none: then BindToCpus and CpuAffinity are kUnsupported and ranks run unbound.
const char* CpuBindingCall();
// Sets the CPUs process `pid` runs on: a rank's binding to its core, a placement (unlike
// ConfineToCpus, the owner's limit). `pid` must be single-threaded, a child held before exec:
// the call sets one thread's affinity (Linux and Haiku alike), which threads it starts later
// inherit on Linux. kUnsupported where CpuBindingCall() is null.
Status BindToCpus(pid_t pid, const CpuSet& cpus);
// The CPUs process `pid` (its main thread) may run on.
StatusOr<CpuSet> CpuAffinity(pid_t pid);

// Whether ConfineToCpus and ForbidAffinityChanges work here.
bool CanConfineToCpus();
// Restricts process `pid` to `cpus` (an owner's hard limit). kUnsupported where the OS has no
// process affinity call.
Status ConfineToCpus(pid_t pid, const CpuSet& cpus);
// The CPU the calling thread runs on at this instant (it may move right after), or -1 where the
// OS does not say. Cheap where it matters (Linux: glibc reads it from the thread's rseq area).
int CurrentCpu();
// Makes affinity changes fail with EPERM in the calling process and all it starts, so a rank
// cannot leave the CPUs it was confined to. False where the OS cannot. Async-signal-safe.
bool ForbidAffinityChanges();

}  // namespace zmpi::platform

#endif  // ZMPI_COMMON_PLATFORM_PLATFORM_H_
