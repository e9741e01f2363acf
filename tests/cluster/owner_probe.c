/* A rank for the owner-control tests (owner_test.sh); not an MPI program.
 *   owner_probe info           prints "uid=U euid=E cpus=<Cpus_allowed_list> escape=<list>":
 *                              who it runs as, where it may run, and where it may run after
 *                              asking sched_setaffinity for every CPU.
 *   owner_probe alloc MB       touches 8 MiB more every 20 ms up to MB, prints "allocated",
 *                              then sleeps 30 s.
 *   owner_probe count N        prints "tick I" every 100 ms, N times.
 *   owner_probe write MB       writes 1 MiB more to ./probe.out every 50 ms up to MB, prints
 *                              "written MB MiB", then sleeps 30 s. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void Sleep(double s) {
  struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
  nanosleep(&ts, NULL);
}

static void AllowedList(char* out, size_t size) {
  FILE* f = fopen("/proc/self/status", "r");
  char line[512];
  snprintf(out, size, "?");
  while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
    if (strncmp(line, "Cpus_allowed_list:", 18) == 0) {
      char* v = line + 18;
      while (*v == ' ' || *v == '\t') ++v;
      v[strcspn(v, "\n")] = '\0';
      snprintf(out, size, "%s", v);
    }
  }
  if (f != NULL) fclose(f);
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc >= 2 && strcmp(argv[1], "info") == 0) {
    char before[512], after[512];
    AllowedList(before, sizeof(before));
    cpu_set_t all;
    CPU_ZERO(&all);
    for (int i = 0; i < CPU_SETSIZE; ++i) CPU_SET(i, &all);
    sched_setaffinity(0, sizeof(all), &all);
    AllowedList(after, sizeof(after));
    printf("uid=%d euid=%d cpus=%s escape=%s\n", (int)getuid(), (int)geteuid(), before, after);
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "alloc") == 0) {
    long mb = atol(argv[2]);
    for (long got = 0; got < mb; got += 8) {
      char* p = malloc(8 << 20);
      if (p == NULL) {
        printf("malloc failed at %ld MiB\n", got);
        return 3;
      }
      memset(p, 1, 8 << 20);
      Sleep(0.02);
    }
    printf("allocated %ld MiB\n", mb);
    Sleep(30);
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "count") == 0) {
    int n = atoi(argv[2]);
    for (int i = 0; i < n; ++i) {
      printf("tick %d\n", i);
      Sleep(0.1);
    }
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "write") == 0) {
    long mb = atol(argv[2]);
    FILE* f = fopen("probe.out", "w");
    static char block[1 << 20];
    memset(block, 7, sizeof(block));
    for (long got = 0; f != NULL && got < mb; ++got) {
      if (fwrite(block, 1, sizeof(block), f) != sizeof(block) || fflush(f) != 0) {
        printf("write failed at %ld MiB\n", got);
        return 3;
      }
      Sleep(0.05);
    }
    if (f == NULL) {
      printf("cannot open probe.out\n");
      return 3;
    }
    fclose(f);
    printf("written %ld MiB\n", mb);
    Sleep(30);
    return 0;
  }
  fprintf(stderr, "usage: owner_probe info | alloc MB | count N | write MB\n");
  return 2;
}
