// The memory geometry of the machine a process runs on, read at run time: the same binary
// runs on x86-64 (4 KiB pages, 64-byte lines) and on aarch64 kernels and cores with 4, 16 or
// 64 KiB pages and 64- or 128-byte lines (Apple M-series, some Neoverse/ThunderX parts).
// Shared-memory layouts space independently written words by CacheLineSize() and round
// mappings and madvise ranges to PageSize().
#ifndef ZMPI_COMMON_PLATFORM_MEMORY_SIZES_H_
#define ZMPI_COMMON_PLATFORM_MEMORY_SIZES_H_

#include <cstddef>

namespace zmpi::platform {

// sysconf(_SC_PAGESIZE) (the kernel's AT_PAGESZ). Read once; thread-safe.
size_t PageSize();

// The larger of 64 and the L1 data cache line size the system reports (sysconf, then the
// CPU's own register where user code may read it (aarch64 CTR_EL0), then sysfs), rounded up to
// a power of two and capped at 1024. 64 where nothing answers. Read once; thread-safe.
size_t CacheLineSize();

}  // namespace zmpi::platform

#endif  // ZMPI_COMMON_PLATFORM_MEMORY_SIZES_H_
