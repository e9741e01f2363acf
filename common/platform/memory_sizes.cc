#include "common/platform/memory_sizes.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>

namespace zmpi::platform {
namespace {

constexpr size_t kMinLine = 64;
constexpr size_t kMaxLine = 1024;

size_t RoundUpPow2(size_t v) {
  size_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

long LineFromSysconf() {
#ifdef _SC_LEVEL1_DCACHE_LINESIZE
  return sysconf(_SC_LEVEL1_DCACHE_LINESIZE);  // 0 or -1 where glibc cannot tell
#else
  return 0;
#endif
}

long LineFromCpu() {
#if defined(__aarch64__)
  // CTR_EL0.DminLine (bits 19:16): log2 of the smallest data cache line in 4-byte words.
  // Linux lets EL0 read it (or traps and emulates the read).
  uint64_t ctr = 0;
  asm volatile("mrs %0, ctr_el0" : "=r"(ctr));
  return 4L << ((ctr >> 16) & 0xf);
#else
  return 0;
#endif
}

long LineFromSysfs() {
  FILE* f = fopen("/sys/devices/system/cpu/cpu0/cache/index0/coherency_line_size", "r");
  if (f == nullptr) return 0;
  long v = 0;
  if (fscanf(f, "%ld", &v) != 1) v = 0;
  fclose(f);
  return v;
}

size_t DetectLine() {
  long v = LineFromSysconf();
  if (v <= 0) v = LineFromCpu();
  if (v <= 0) v = LineFromSysfs();
  size_t line = v > 0 ? RoundUpPow2(static_cast<size_t>(v)) : kMinLine;
  if (line < kMinLine) line = kMinLine;
  if (line > kMaxLine) line = kMaxLine;
  return line;
}

}  // namespace

size_t PageSize() {
  static const size_t page = [] {
    const long v = sysconf(_SC_PAGESIZE);
    return v > 0 ? static_cast<size_t>(v) : size_t{4096};
  }();
  return page;
}

size_t CacheLineSize() {
  static const size_t line = DetectLine();
  return line;
}

}  // namespace zmpi::platform
