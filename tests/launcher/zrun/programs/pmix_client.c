/* A plain PMIx client that behaves like a small MPI program, for zrun's process tests.
 *
 *   pmix_client [options]
 *     (none)            init, put/commit/fence/get every rank's value, print, finalize
 *     --rank R          the options below apply to rank R only (default: every rank)
 *     --exit CODE       exit with CODE after the wire-up
 *     --exit-after-finalize CODE  finalize, then exit with CODE
 *     --signal SIG      kill itself with SIG after the wire-up
 *     --abort CODE      PMIx_Abort(CODE) after the wire-up
 *     --delay SEC       wait SEC seconds after the wire-up before --abort/--signal/--exit
 *     --sleep SEC       sleep SEC seconds after the wire-up (0.1 s steps)
 *     --others-sleep SEC  ranks other than --rank sleep SEC seconds instead
 *     --make-shm        create /dev/shm/<ZMPI_JOB_SHM_PREFIX>test and leave it there
 *     --lines N         print N numbered lines of 200 characters
 *     --no-finalize     exit 0 without PMIx_Finalize
 *     --affinity        print the cpus this process may run on
 *     --env VAR         print VAR's value
 *     --no-pmix         never talk to PMIx (a non-MPI program)
 *     --fence-only      put/commit/fence but read no other rank's value (some may be absent)
 *     --stall SEC       after PMIx_Init, sleep SEC seconds before the wire-up (a stuck start-up)
 */
#define _GNU_SOURCE
#include <pmix.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct Args {
  int only_rank, exit_code, exit_after_finalize, signal_no, abort_code, lines, no_finalize, affinity, no_pmix;
  int make_shm, fence_only;
  double sleep_s, others_sleep_s, stall_s, delay_s;
  const char* env;
};

static void ParseArgs(int argc, char** argv, struct Args* a) {
  memset(a, 0, sizeof(*a));
  a->only_rank = -1;
  a->exit_code = -1;
  a->exit_after_finalize = -1;
  a->abort_code = -1;
  for (int i = 1; i < argc; ++i) {
    const char* o = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : "0";
    if (!strcmp(o, "--rank")) a->only_rank = atoi(v), ++i;
    else if (!strcmp(o, "--exit")) a->exit_code = atoi(v), ++i;
    else if (!strcmp(o, "--exit-after-finalize")) a->exit_after_finalize = atoi(v), ++i;
    else if (!strcmp(o, "--signal")) a->signal_no = atoi(v), ++i;
    else if (!strcmp(o, "--abort")) a->abort_code = atoi(v), ++i;
    else if (!strcmp(o, "--sleep")) a->sleep_s = atof(v), ++i;
    else if (!strcmp(o, "--others-sleep")) a->others_sleep_s = atof(v), ++i;
    else if (!strcmp(o, "--stall")) a->stall_s = atof(v), ++i;
    else if (!strcmp(o, "--delay")) a->delay_s = atof(v), ++i;
    else if (!strcmp(o, "--make-shm")) a->make_shm = 1;
    else if (!strcmp(o, "--fence-only")) a->fence_only = 1;
    else if (!strcmp(o, "--lines")) a->lines = atoi(v), ++i;
    else if (!strcmp(o, "--env")) a->env = v, ++i;
    else if (!strcmp(o, "--no-finalize")) a->no_finalize = 1;
    else if (!strcmp(o, "--affinity")) a->affinity = 1;
    else if (!strcmp(o, "--no-pmix")) a->no_pmix = 1;
    else {
      fprintf(stderr, "pmix_client: unknown option %s\n", o);
      exit(3);
    }
  }
}

static void PrintAffinity(int rank) {
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof(set), &set);
  printf("rank %d affinity", rank);
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) printf(" %d", c);
  }
  printf("\n");
}

/* Publishes "value-of-<rank>", fences with data collection, reads every rank's value. */
static int WireUp(const pmix_proc_t* me, uint32_t size, int fence_only) {
  char mine[64];
  snprintf(mine, sizeof(mine), "value-of-%u", me->rank);
  pmix_value_t value;
  PMIX_VALUE_LOAD(&value, mine, PMIX_STRING);
  if (PMIx_Put(PMIX_GLOBAL, "zrun.test.key", &value) != PMIX_SUCCESS) return 10;
  PMIX_VALUE_DESTRUCT(&value);
  if (PMIx_Commit() != PMIX_SUCCESS) return 11;
  pmix_info_t info;
  int collect = 1;
  PMIX_INFO_LOAD(&info, PMIX_COLLECT_DATA, &collect, PMIX_BOOL);
  pmix_proc_t all;
  PMIX_LOAD_PROCID(&all, me->nspace, PMIX_RANK_WILDCARD);
  if (PMIx_Fence(&all, 1, &info, 1) != PMIX_SUCCESS) return 12;
  if (fence_only) {
    printf("rank %u fenced\n", me->rank);
    return 0;
  }
  uint32_t good = 0;
  for (uint32_t r = 0; r < size; ++r) {
    pmix_proc_t peer;
    PMIX_LOAD_PROCID(&peer, me->nspace, r);
    pmix_value_t* got = NULL;
    if (PMIx_Get(&peer, "zrun.test.key", NULL, 0, &got) != PMIX_SUCCESS || got == NULL) continue;
    char want[64];
    snprintf(want, sizeof(want), "value-of-%u", r);
    if (got->type == PMIX_STRING && strcmp(got->data.string, want) == 0) ++good;
    PMIX_VALUE_RELEASE(got);
  }
  printf("rank %u read %u of %u values\n", me->rank, good, size);
  return good == size ? 0 : 13;
}

static int JobInfo(const pmix_proc_t* me, uint32_t* size, char* peers, size_t peers_len) {
  pmix_proc_t job;
  PMIX_LOAD_PROCID(&job, me->nspace, PMIX_RANK_WILDCARD);
  pmix_value_t* v = NULL;
  if (PMIx_Get(&job, PMIX_JOB_SIZE, NULL, 0, &v) != PMIX_SUCCESS) return 20;
  *size = v->data.uint32;
  PMIX_VALUE_RELEASE(v);
  if (PMIx_Get(&job, PMIX_LOCAL_PEERS, NULL, 0, &v) != PMIX_SUCCESS) return 21;
  snprintf(peers, peers_len, "%s", v->data.string);
  PMIX_VALUE_RELEASE(v);
  return 0;
}

int main(int argc, char** argv) {
  struct Args a;
  ParseArgs(argc, argv, &a);
  setvbuf(stdout, NULL, _IOLBF, 0);
  pmix_proc_t me;
  memset(&me, 0, sizeof(me));
  uint32_t size = 1;
  if (!a.no_pmix) {
    pmix_status_t rc = PMIx_Init(&me, NULL, 0);
    if (rc != PMIX_SUCCESS) {
      fprintf(stderr, "pmix_client: PMIx_Init: %s\n", PMIx_Error_string(rc));
      return 4;
    }
    char peers[1024];
    int err = JobInfo(&me, &size, peers, sizeof(peers));
    if (err != 0) return err;
    printf("rank %u of %u, local peers %s, pid %d\n", me.rank, size, peers, (int)getpid());
    for (int i = 0; i < (int)(a.stall_s * 10); ++i) usleep(100000);
    err = WireUp(&me, size, a.fence_only);
    if (err != 0) return err;
  }
  int mine = a.only_rank < 0 || a.only_rank == (int)me.rank;
  if (a.affinity) PrintAffinity((int)me.rank);
  if (a.env) printf("rank %u env %s=%s\n", me.rank, a.env, getenv(a.env) ? getenv(a.env) : "");
  for (int i = 0; mine && i < a.lines; ++i) {
    printf("rank %u line %06d %0190d\n", me.rank, i, 0);
  }
  if (mine && a.delay_s > 0) usleep((useconds_t)(a.delay_s * 1e6));
  if (mine && a.abort_code >= 0) PMIx_Abort(a.abort_code, "test abort", NULL, 0);
  if (mine && a.signal_no > 0) kill(getpid(), a.signal_no);
  if (mine && a.exit_code >= 0) exit(a.exit_code);
  if (a.make_shm && getenv("ZMPI_JOB_SHM_PREFIX")) {
    char path[512];
    snprintf(path, sizeof(path), "/dev/shm/%stest-%u", getenv("ZMPI_JOB_SHM_PREFIX"), me.rank);
    FILE* f = fopen(path, "w");
    if (f) fclose(f);
  }
  double nap = mine ? a.sleep_s : a.others_sleep_s;
  for (int i = 0; i < (int)(nap * 10); ++i) usleep(100000);
  if (mine && a.no_finalize) _exit(0);
  if (!a.no_pmix) PMIx_Finalize(NULL, 0);
  if (mine && a.exit_after_finalize >= 0) return a.exit_after_finalize;
  return 0;
}
