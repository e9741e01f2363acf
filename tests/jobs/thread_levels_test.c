/* Which thread level a later initialization gets, and that what is granted is safe to use
 * (docs/threads.md, "Turning the lock on"). Two modes (argv[1]):
 * - "tool-first": MPI_T_init_thread(MULTIPLE) before MPI_Init (the library does not run yet)
 *   turns the library lock on, so a tool thread reads every pvar while the main thread of a
 *   SINGLE world sends and receives; then a session asking for MULTIPLE gets it, and a
 *   second thread communicates on the session's communicator while the main thread still
 *   uses MPI_COMM_WORLD;
 * - "world-first": MPI_Init_thread(FUNNELED) runs the library without the lock; a session and
 *   MPI_T_init_thread asking for MULTIPLE from the main thread then get SERIALIZED (a thread
 *   may be inside an unlocked call at any moment), a session without a hint SINGLE; the
 *   session works when used from one thread at a time.
 * Prints "thread_levels_test: OK (<n> checks)" on rank 0. */
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kTestName = "thread_levels_test";
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
#define CALL(expr)                                           \
  do {                                                       \
    int rc_ = (expr);                                        \
    CHECK(rc_ == MPI_SUCCESS, "%s returned %d", #expr, rc_); \
  } while (0)

static const char *level_name(int level) {
  static const char *names[] = {"MPI_THREAD_SINGLE", "MPI_THREAD_FUNNELED", "MPI_THREAD_SERIALIZED",
                                "MPI_THREAD_MULTIPLE"};
  return level >= 0 && level < 4 ? names[level] : "?";
}

/* Opens a session asking for `level` (NULL: no hint); checks the granted level is `want`. */
static MPI_Session open_session(const char *level, int want) {
  MPI_Info info = MPI_INFO_NULL, got;
  MPI_Session s;
  if (level != NULL) {
    CALL(MPI_Info_create(&info));
    CALL(MPI_Info_set(info, "thread_level", level));
  }
  CALL(MPI_Session_init(info, MPI_ERRORS_RETURN, &s));
  if (info != MPI_INFO_NULL) CALL(MPI_Info_free(&info));
  CALL(MPI_Session_get_info(s, &got));
  char value[64] = "";
  int len = (int)sizeof(value), flag = 0;
  CALL(MPI_Info_get_string(got, "mpi_thread_support_level", &len, value, &flag));
  CHECK(flag && strcmp(value, level_name(want)) == 0, "session asking %s got '%s', want %s",
        level ? level : "(nothing)", value, level_name(want));
  CALL(MPI_Info_free(&got));
  return s;
}

static MPI_Comm session_comm(MPI_Session s, const char *tag) {
  MPI_Group g;
  MPI_Comm c;
  CALL(MPI_Group_from_session_pset(s, "mpi://WORLD", &g));
  CALL(MPI_Comm_create_from_group(g, tag, MPI_INFO_NULL, MPI_ERRORS_RETURN, &c));
  CALL(MPI_Group_free(&g));
  return c;
}

/* `rounds` ring steps on `comm` with tag `tag`, each checked. */
static void ring(MPI_Comm comm, int tag, int rounds) {
  int rank, size;
  CALL(MPI_Comm_rank(comm, &rank));
  CALL(MPI_Comm_size(comm, &size));
  for (int i = 0; i < rounds; ++i) {
    int out = i * 1000 + rank, in = -1;
    MPI_Request r;
    CALL(MPI_Irecv(&in, 1, MPI_INT, (rank + size - 1) % size, tag, comm, &r));
    CALL(MPI_Send(&out, 1, MPI_INT, (rank + 1) % size, tag, comm));
    CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));
    CHECK(in == i * 1000 + (rank + size - 1) % size, "ring step %d got %d", i, in);
  }
}

/* A tool thread: reads every pvar bound to no object, over and over. */
static void *read_pvars(void *arg) {
  (void)arg;
  for (int round = 0; round < 40; ++round) {
    MPI_T_pvar_session s;
    int n = 0;
    CHECK(MPI_T_pvar_session_create(&s) == MPI_SUCCESS, "pvar session");
    CHECK(MPI_T_pvar_get_num(&n) == MPI_SUCCESS && n > 0, "pvar count %d", n);
    for (int i = 0; i < n; ++i) {
      int bind, count;
      MPI_T_pvar_handle h;
      unsigned long long v[16];
      CHECK(MPI_T_pvar_get_info(i, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &bind, NULL,
                                NULL, NULL) == MPI_SUCCESS,
            "pvar %d info", i);
      if (bind != MPI_T_BIND_NO_OBJECT) continue;
      CHECK(MPI_T_pvar_handle_alloc(s, i, NULL, &h, &count) == MPI_SUCCESS, "pvar %d handle", i);
      if (count > 16) continue;
      MPI_T_pvar_start(s, h); /* continuous ones refuse: fine */
      CHECK(MPI_T_pvar_read(s, h, v) == MPI_SUCCESS, "pvar %d read", i);
    }
    CHECK(MPI_T_pvar_session_free(&s) == MPI_SUCCESS, "pvar session free");
  }
  return NULL;
}

/* A library thread: its own communicator from the session, used while main uses the world. */
static void *library(void *arg) {
  ring(*(MPI_Comm *)arg, 5, 300);
  return NULL;
}

static void tool_first(int *argc, char ***argv) {
  int tool = -1, provided = -1;
  CALL(MPI_T_init_thread(MPI_THREAD_MULTIPLE, &tool));
  CHECK(tool == MPI_THREAD_MULTIPLE, "MPI_T before MPI_Init got %d", tool);
  CALL(MPI_Init_thread(argc, argv, MPI_THREAD_SINGLE, &provided));
  CALL(MPI_Comm_rank(MPI_COMM_WORLD, &g_rank));
  CALL(MPI_Comm_size(MPI_COMM_WORLD, &g_size));
  CHECK(provided == MPI_THREAD_SINGLE, "world got %d", provided);
  int query = -1;
  CALL(MPI_Query_thread(&query));
  CHECK(query == MPI_THREAD_SINGLE, "MPI_Query_thread %d", query);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, read_pvars, NULL) == 0, "pthread_create");
  ring(MPI_COMM_WORLD, 1, 2000);
  pthread_join(t, NULL);
  /* The lock is on: a session asking for MULTIPLE gets it, and without a hint too. */
  MPI_Session hintless = open_session(NULL, MPI_THREAD_MULTIPLE);
  CALL(MPI_Session_finalize(&hintless));
  MPI_Session s = open_session("MPI_THREAD_MULTIPLE", MPI_THREAD_MULTIPLE);
  MPI_Comm c = session_comm(s, "tool-first");
  CHECK(pthread_create(&t, NULL, library, &c) == 0, "pthread_create");
  ring(MPI_COMM_WORLD, 2, 300);
  pthread_join(t, NULL);
  CALL(MPI_Comm_free(&c));
  CALL(MPI_Session_finalize(&s));
  CALL(MPI_T_finalize());
}

static void world_first(int *argc, char ***argv) {
  int provided = -1, tool = -1;
  CALL(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided));
  CALL(MPI_Comm_rank(MPI_COMM_WORLD, &g_rank));
  CALL(MPI_Comm_size(MPI_COMM_WORLD, &g_size));
  CHECK(provided == MPI_THREAD_FUNNELED, "world got %d", provided);
  ring(MPI_COMM_WORLD, 1, 50);
  /* The library runs without the lock: MULTIPLE is refused from here on. */
  MPI_Session s = open_session("MPI_THREAD_MULTIPLE", MPI_THREAD_SERIALIZED);
  MPI_Session hintless = open_session(NULL, MPI_THREAD_SINGLE);
  CALL(MPI_Session_finalize(&hintless));
  CALL(MPI_T_init_thread(MPI_THREAD_MULTIPLE, &tool));
  CHECK(tool == MPI_THREAD_SERIALIZED, "MPI_T after a FUNNELED MPI_Init got %d", tool);
  CALL(MPI_T_finalize());
  CALL(MPI_T_init_thread(MPI_THREAD_FUNNELED, &tool));
  CHECK(tool == MPI_THREAD_FUNNELED, "MPI_T asking FUNNELED got %d", tool);
  CALL(MPI_T_finalize());
  /* Serialized use: the session's communicator and the world in turn, from this thread. */
  MPI_Comm c = session_comm(s, "world-first");
  for (int i = 0; i < 4; ++i) {
    ring(c, 3, 20);
    ring(MPI_COMM_WORLD, 4, 20);
  }
  CALL(MPI_Comm_free(&c));
  CALL(MPI_Session_finalize(&s));
  int query = -1;
  CALL(MPI_Query_thread(&query));
  CHECK(query == MPI_THREAD_FUNNELED, "MPI_Query_thread %d", query);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "tool-first") == 0) {
    tool_first(&argc, &argv);
  } else if (strcmp(mode, "world-first") == 0) {
    world_first(&argc, &argv);
  } else {
    fprintf(stderr, "usage: %s tool-first|world-first\n", kTestName);
    return 2;
  }
  long total = 0, mine = __atomic_load_n(&g_checks, __ATOMIC_RELAXED);
  CALL(MPI_Reduce(&mine, &total, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD));
  if (g_rank == 0) {
    printf("%s: OK (%ld checks, %s)\n", kTestName, total, mode);
    fflush(stdout);
  }
  MPI_Finalize();
  return 0;
}
