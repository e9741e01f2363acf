/* Communicator construction under MPI_THREAD_MULTIPLE and concurrent context agreements:
 * - single-threaded crossing: MPI_Comm_idup pending on one communicator while a blocking
 *   MPI_Comm_create_group runs on another, started in opposite orders on even and odd ranks;
 * - threads doing MPI_Comm_dup, MPI_Comm_create_group, MPI_Comm_idup + wait, MPI_Comm_split
 *   and MPI_Intercomm_create at once, each on its own communicator, one thread per rank late
 *   (so agreements wait for a member that has not started them);
 * - MPI_Comm_dup(MPI_COMM_SELF) from every thread while other threads' agreements wait;
 * - more dup/free cycles than there are context ids (no id leaks);
 * - MPI_Comm_idup runs attribute copy callbacks like MPI_Comm_dup;
 * - thread levels: a session without hints under a MULTIPLE world, MPI_INFO_ENV's
 *   thread_level; sessions, their groups and communicators from several threads.
 * Prints "comm_threads_test: OK (<n> checks)" on rank 0. */
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *kTestName = "comm_threads_test";
enum { kThreads = 4, kRounds = 6, kLeakCycles = 4200 };

static int g_rank, g_size;
static long g_checks;

#define CHECK(cond, ...)                                                                           \
  do {                                                                                             \
    __atomic_fetch_add(&g_checks, 1, __ATOMIC_RELAXED);                                            \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s: rank %d: FAILED at line %d: %s: ", kTestName, g_rank, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fprintf(stderr, "\n");                                                                       \
      fflush(stderr);                                                                              \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                                \
    }                                                                                              \
  } while (0)
#define CALL(expr)                                       \
  do {                                                   \
    int rc_ = (expr);                                    \
    if (rc_ != MPI_SUCCESS) {                            \
      char msg_[MPI_MAX_ERROR_STRING];                   \
      int len_ = 0;                                      \
      MPI_Error_string(rc_, msg_, &len_);                \
      CHECK(0, "%s returned %d (%s)", #expr, rc_, msg_); \
    }                                                    \
  } while (0)

static void nap_ms(int ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

/* The communicator works: an allreduce of ranks gives the sum 0 + 1 + ... + (size - 1). */
static void check_works(MPI_Comm comm) {
  int size, rank, sum = 0, flag = 0;
  CALL(MPI_Comm_test_inter(comm, &flag));
  if (flag) {
    int rsize;
    CALL(MPI_Comm_remote_size(comm, &rsize));
    CALL(MPI_Comm_size(comm, &size));
    /* Each side gets the sum over the other group of that group's size. */
    CALL(MPI_Allreduce(&size, &sum, 1, MPI_INT, MPI_SUM, comm));
    CHECK(sum == rsize * rsize, "intercommunicator allreduce %d, want %d", sum, rsize * rsize);
    return;
  }
  CALL(MPI_Comm_size(comm, &size));
  CALL(MPI_Comm_rank(comm, &rank));
  CALL(MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, comm));
  CHECK(sum == size * (size - 1) / 2, "allreduce of ranks %d, want %d", sum, size * (size - 1) / 2);
}

/* Even ranks start an MPI_Comm_idup of `a`, then a blocking MPI_Comm_create_group on `b`;
 * odd ranks the other way round. Both orders are legal (different communicators). */
static void crossing(MPI_Comm a, MPI_Comm b) {
  MPI_Group group;
  MPI_Comm idup = MPI_COMM_NULL, created = MPI_COMM_NULL;
  MPI_Request req;
  CALL(MPI_Comm_group(b, &group));
  if (g_rank % 2 == 0) {
    CALL(MPI_Comm_idup(a, &idup, &req));
    CALL(MPI_Comm_create_group(b, group, 7, &created));
  } else {
    CALL(MPI_Comm_create_group(b, group, 7, &created));
    CALL(MPI_Comm_idup(a, &idup, &req));
  }
  CALL(MPI_Wait(&req, MPI_STATUS_IGNORE));
  check_works(idup);
  check_works(created);
  CALL(MPI_Comm_free(&idup));
  CALL(MPI_Comm_free(&created));
  CALL(MPI_Group_free(&group));
}

struct worker {
  int id;
  MPI_Comm comm; /* this thread's own communicator (a dup of MPI_COMM_WORLD) */
  MPI_Comm peer; /* another dup, for MPI_Intercomm_create's leaders */
};

static void *construct(void *arg) {
  struct worker *w = arg;
  for (int round = 0; round < kRounds; ++round) {
    /* One thread per rank comes late: the other threads' agreements (and its peers') wait. */
    if (w->id == (g_rank + round) % kThreads) nap_ms(30);
    MPI_Comm self_dup, dup, idup, split, created, inter;
    MPI_Group group, evens;
    MPI_Request req;
    CALL(MPI_Comm_dup(MPI_COMM_SELF, &self_dup));
    CALL(MPI_Comm_dup(w->comm, &dup));
    check_works(dup);
    CALL(MPI_Comm_idup(dup, &idup, &req));
    CALL(MPI_Wait(&req, MPI_STATUS_IGNORE));
    check_works(idup);
    CALL(MPI_Comm_group(w->comm, &group));
    int n = (g_size + 1) / 2;
    int ranges[1][3] = {{0, g_size - 1, 2}};
    CALL(MPI_Group_range_incl(group, 1, ranges, &evens));
    if (g_rank % 2 == 0) {
      CALL(MPI_Comm_create_group(w->comm, evens, w->id, &created));
      int size;
      CALL(MPI_Comm_size(created, &size));
      CHECK(size == n, "create_group size %d, want %d", size, n);
      check_works(created);
      CALL(MPI_Comm_free(&created));
    }
    CALL(MPI_Comm_split(w->comm, g_rank % 2, g_rank, &split));
    check_works(split);
    if (g_size > 1) {
      /* Leaders: rank 0 of each half (world ranks 0 and 1), linked through w->peer. */
      CALL(MPI_Intercomm_create(split, 0, w->peer, g_rank % 2 == 0 ? 1 : 0, 100 + w->id, &inter));
      check_works(inter);
      CALL(MPI_Comm_free(&inter));
    }
    CALL(MPI_Comm_free(&split));
    CALL(MPI_Group_free(&evens));
    CALL(MPI_Group_free(&group));
    CALL(MPI_Comm_free(&idup));
    CALL(MPI_Comm_free(&dup));
    CALL(MPI_Comm_free(&self_dup));
  }
  return NULL;
}

/* Each thread dups and frees its communicator; together more times than there are ids. */
static void *cycle(void *arg) {
  struct worker *w = arg;
  for (int i = 0; i < kLeakCycles / kThreads; ++i) {
    MPI_Comm c;
    MPI_Request req;
    if (i % 2) {
      CALL(MPI_Comm_dup(w->comm, &c));
    } else {
      CALL(MPI_Comm_idup(w->comm, &c, &req));
      CALL(MPI_Wait(&req, MPI_STATUS_IGNORE));
    }
    CALL(MPI_Comm_free(&c));
  }
  return NULL;
}

static int g_copies;
static int copy_plus_one(MPI_Comm comm, int keyval, void *extra, void *in, void *out, int *flag) {
  (void)comm, (void)keyval, (void)extra;
  __atomic_fetch_add(&g_copies, 1, __ATOMIC_RELAXED);
  *(void **)out = (char *)in + 1;
  *flag = 1;
  return MPI_SUCCESS;
}

static void idup_attributes(void) {
  int copied, dropped;
  static char base[4];
  CALL(MPI_Comm_create_keyval(copy_plus_one, MPI_COMM_NULL_DELETE_FN, &copied, NULL));
  CALL(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, &dropped, NULL));
  MPI_Comm comm, dup;
  MPI_Request req;
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &comm));
  CALL(MPI_Comm_set_attr(comm, copied, base));
  CALL(MPI_Comm_set_attr(comm, dropped, base));
  g_copies = 0;
  CALL(MPI_Comm_idup(comm, &dup, &req));
  CALL(MPI_Wait(&req, MPI_STATUS_IGNORE));
  CHECK(g_copies == 1, "%d copy callbacks ran, want 1", g_copies);
  void *value = NULL;
  int flag = 0;
  CALL(MPI_Comm_get_attr(dup, copied, &value, &flag));
  CHECK(flag && value == base + 1, "copied attribute: flag %d value %p, want %p", flag, value,
        (void *)(base + 1));
  CALL(MPI_Comm_get_attr(dup, dropped, &value, &flag));
  CHECK(!flag, "MPI_COMM_NULL_COPY_FN's attribute was copied");
  CALL(MPI_Comm_get_attr(comm, copied, &value, &flag));
  CHECK(flag && value == base, "the parent's attribute changed");
  check_works(dup);
  CALL(MPI_Comm_free(&dup));
  CALL(MPI_Comm_free(&comm));
  CALL(MPI_Comm_free_keyval(&copied));
  CALL(MPI_Comm_free_keyval(&dropped));
}

static void check_level(MPI_Info info, const char *key) {
  char value[64] = "";
  int flag = 0;
  CALL(MPI_Info_get(info, key, sizeof(value) - 1, value, &flag));
  CHECK(flag && strcmp(value, "MPI_THREAD_MULTIPLE") == 0, "%s is \"%s\" (flag %d)", key, value,
        flag);
}

/* A library in a thread: its own session, a group from a pset, a communicator from it. */
static void *library(void *arg) {
  struct worker *w = arg;
  MPI_Session session;
  MPI_Info info;
  MPI_Group group;
  MPI_Comm comm;
  CALL(MPI_Session_init(MPI_INFO_NULL, MPI_ERRORS_RETURN, &session));
  CALL(MPI_Session_get_info(session, &info));
  check_level(info, "thread_level");
  check_level(info, "mpi_thread_support_level");
  CALL(MPI_Info_free(&info));
  CALL(MPI_Group_from_session_pset(session, w->id % 2 ? "mpi://WORLD" : "mpi://SELF", &group));
  char tag[32];
  snprintf(tag, sizeof(tag), "library %d", w->id);
  CALL(MPI_Comm_create_from_group(group, tag, MPI_INFO_NULL, MPI_ERRORS_RETURN, &comm));
  CALL(MPI_Group_free(&group));
  CHECK(group == MPI_GROUP_NULL, "MPI_Group_free left the handle");
  check_works(comm);
  CALL(MPI_Comm_free(&comm));
  CALL(MPI_Session_finalize(&session));
  return NULL;
}

static void run_threads(void *(*fn)(void *), struct worker *w) {
  pthread_t t[kThreads];
  for (int i = 0; i < kThreads; ++i) CHECK(pthread_create(&t[i], NULL, fn, &w[i]) == 0, "create");
  for (int i = 0; i < kThreads; ++i) pthread_join(t[i], NULL);
}

int main(int argc, char **argv) {
  int provided;
  CALL(MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided));
  CALL(MPI_Comm_rank(MPI_COMM_WORLD, &g_rank));
  CALL(MPI_Comm_size(MPI_COMM_WORLD, &g_size));
  CHECK(provided == MPI_THREAD_MULTIPLE, "provided %d", provided);
  check_level(MPI_INFO_ENV, "thread_level");

  struct worker w[kThreads];
  for (int i = 0; i < kThreads; ++i) {
    w[i].id = i;
    CALL(MPI_Comm_dup(MPI_COMM_WORLD, &w[i].comm));
    CALL(MPI_Comm_dup(MPI_COMM_WORLD, &w[i].peer));
  }
  for (int i = 0; i < 3; ++i) crossing(w[0].comm, w[1].comm);
  idup_attributes();
  run_threads(construct, w);
  run_threads(cycle, w);
  run_threads(library, w);
  for (int i = 0; i < kThreads; ++i) {
    CALL(MPI_Comm_free(&w[i].comm));
    CALL(MPI_Comm_free(&w[i].peer));
  }

  long total = 0, mine = g_checks;
  CALL(MPI_Reduce(&mine, &total, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD));
  if (g_rank == 0) printf("%s: OK (%ld checks)\n", kTestName, total);
  MPI_Finalize();
  return 0;
}
