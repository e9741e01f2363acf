/* cpu_pin.h: pins a job's rank to one CPU, for tests of two ranks that share it. Include after
 * job_check.h (fail), in a file that defines _GNU_SOURCE before its first include. */
#ifndef ZMPI_TESTS_JOBS_CPU_PIN_H_
#define ZMPI_TESTS_JOBS_CPU_PIN_H_

#include <sched.h>

/* Pins this process to the first CPU it may run on (if it may run on several: zrund --cores 1
 * confines ranks already); returns that CPU, -1 where the platform cannot pin. */
static int PinToFirstCpu(void) {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) fail("sched_getaffinity failed");
  int cpu = 0;
  while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set)) ++cpu;
  if (cpu == CPU_SETSIZE) fail("no CPU in the affinity mask");
  if (CPU_COUNT(&set) == 1) return cpu;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) fail("sched_setaffinity(%d) failed", cpu);
  return cpu;
#else
  return -1;
#endif
}

#endif /* ZMPI_TESTS_JOBS_CPU_PIN_H_ */
