// Single copy between processes on one host: reading (and writing) another process's memory
// by pid, the path large shared-memory messages take (transport/shm/peer_process.h).
//
// Inline on purpose: on Linux these are process_vm_readv/process_vm_writev called directly
// from the transport's hot path, with no call through platform.h. Where the OS has no such
// call (the portable build, Haiku) kHasProcessMemory is false, both return -1 with errno
// ENOSYS, and the shared-memory transport's probe turns single copy off (messages then stream
// through the rings).
#ifndef ZMPI_COMMON_PLATFORM_PROCESS_MEMORY_H_
#define ZMPI_COMMON_PLATFORM_PROCESS_MEMORY_H_

#include <errno.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>

// A target that includes this header defines ZMPI_PLATFORM_LINUX as 1 or 0
// (common/CMakeLists.txt). glibc declares process_vm_readv in <sys/uio.h> (with _GNU_SOURCE,
// which g++ defines).
#ifndef ZMPI_PLATFORM_LINUX
#error "define ZMPI_PLATFORM_LINUX for this target (common/CMakeLists.txt)"
#endif

namespace zmpi::platform {

#if ZMPI_PLATFORM_LINUX
inline constexpr bool kHasProcessMemory = true;
#else
inline constexpr bool kHasProcessMemory = false;
#endif

// process_vm_readv(pid, local, local_count, remote, remote_count, 0): bytes read, or -1 with
// errno (ESRCH: the process is gone).
inline ssize_t ReadProcessMemory(pid_t pid, const iovec* local, size_t local_count,
                                 const iovec* remote, size_t remote_count) {
#if ZMPI_PLATFORM_LINUX
  return process_vm_readv(pid, local, local_count, remote, remote_count, 0);
#else
  (void)pid, (void)local, (void)local_count, (void)remote, (void)remote_count;
  errno = ENOSYS;
  return -1;
#endif
}

// process_vm_writev: the same, from local memory into the process's.
inline ssize_t WriteProcessMemory(pid_t pid, const iovec* local, size_t local_count,
                                  const iovec* remote, size_t remote_count) {
#if ZMPI_PLATFORM_LINUX
  return process_vm_writev(pid, local, local_count, remote, remote_count, 0);
#else
  (void)pid, (void)local, (void)local_count, (void)remote, (void)remote_count;
  errno = ENOSYS;
  return -1;
#endif
}

}  // namespace zmpi::platform

#endif  // ZMPI_COMMON_PLATFORM_PROCESS_MEMORY_H_
