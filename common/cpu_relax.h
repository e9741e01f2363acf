#ifndef ZMPI_COMMON_CPU_RELAX_H_
#define ZMPI_COMMON_CPU_RELAX_H_

// CpuRelax(): the spin-wait hint of the CPU the code is compiled for. It tells the core that
// the thread is busy-waiting (x86 `pause`, Arm `yield`), which saves power and lets a sibling
// hardware thread run; it is not a memory barrier and orders nothing. On a CPU without such a
// hint it is only a compiler barrier, so a spin loop still rereads what it polls.
namespace zmpi {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH >= 7)
  asm volatile("yield" ::: "memory");
#elif defined(__powerpc64__) || defined(__powerpc__)
  asm volatile("or 27,27,27" ::: "memory");
#elif defined(__riscv)
  asm volatile(".4byte 0x0100000f" ::: "memory");  // `pause` (Zihintpause); a no-op before it
#else
  asm volatile("" ::: "memory");
#endif
}

}  // namespace zmpi

#endif  // ZMPI_COMMON_CPU_RELAX_H_
