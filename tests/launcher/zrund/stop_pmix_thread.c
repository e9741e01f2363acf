/* stop_pmix_thread PID SECONDS: stops libpmix's progress thread of process PID from outside,
 * the way libpmix 4.2.2 stops it by itself (docs/zrund.md, "Still open"): that one thread only
 * (ptrace), the rest of the process runs on. Nothing in the process knows. The progress thread
 * is the one waiting in epoll (libevent's loop); zrund's loop polls, libpmix's listener selects.
 *
 * Prints "stopped TID" once the thread stands still, then waits until the thread ends (zrund
 * re-executing itself ends every thread but its own: prints "ended", exit 0) or SECONDS pass
 * (the thread goes on: exit 1). Exit 2: no such thread, or ptrace failed. Needs root (or
 * CAP_SYS_PTRACE). For tests/cluster/zrund_test.sh. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int InEpollWait(const char* pid, const char* tid) {
  char path[600];
  snprintf(path, sizeof(path), "/proc/%s/task/%s/syscall", pid, tid);
  FILE* f = fopen(path, "r");
  long nr = -1;
  if (f == NULL) return 0;
  int got = fscanf(f, "%ld", &nr);
  fclose(f);
  if (got != 1) return 0;
#ifdef SYS_epoll_wait
  if (nr == SYS_epoll_wait) return 1;
#endif
#ifdef SYS_epoll_pwait2
  if (nr == SYS_epoll_pwait2) return 1;
#endif
  return nr == SYS_epoll_pwait;
}

static pid_t FindEpollThread(const char* pid) {
  char path[300];
  snprintf(path, sizeof(path), "/proc/%s/task", pid);
  DIR* dir = opendir(path);
  pid_t found = -1;
  struct dirent* e;
  while (dir != NULL && (e = readdir(dir)) != NULL) {
    if (e->d_name[0] != '.' && InEpollWait(pid, e->d_name)) found = (pid_t)atoi(e->d_name);
  }
  if (dir != NULL) closedir(dir);
  return found;
}

static void OnAlarm(int signo) { (void)signo; }

int main(int argc, char** argv) {
  if (argc != 3 || atoi(argv[2]) <= 0) {
    fprintf(stderr, "usage: stop_pmix_thread PID SECONDS\n");
    return 2;
  }
  pid_t tid = -1;
  for (int tries = 0; tries < 100 && (tid = FindEpollThread(argv[1])) < 0; ++tries) {
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  if (tid < 0) {
    fprintf(stderr, "stop_pmix_thread: no thread of %s waits in epoll\n", argv[1]);
    return 2;
  }
  int status = 0;
  if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) != 0 ||
      ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) != 0 || waitpid(tid, &status, __WALL) != tid ||
      !WIFSTOPPED(status)) {
    fprintf(stderr, "stop_pmix_thread: cannot stop %d: %s\n", (int)tid, strerror(errno));
    return 2;
  }
  printf("stopped %d\n", (int)tid);
  fflush(stdout);
  struct sigaction action;
  memset(&action, 0, sizeof(action));
  action.sa_handler = OnAlarm; /* no SA_RESTART: waitpid returns EINTR */
  sigaction(SIGALRM, &action, NULL);
  alarm((unsigned)atoi(argv[2]));
  for (;;) {
    pid_t got = waitpid(tid, &status, __WALL);
    if (got == tid && (WIFEXITED(status) || WIFSIGNALED(status))) {
      printf("ended\n");
      return 0;
    }
    if (got < 0 && errno == EINTR) break; /* time is up */
    if (got < 0) {
      printf("ended\n"); /* ECHILD: gone and reaped */
      return 0;
    }
    /* Another stop (a signal meant for the thread): it stays stopped. */
  }
  ptrace(PTRACE_DETACH, tid, NULL, NULL);
  printf("released after %s s\n", argv[2]);
  return 1;
}
