/* The tool information interface (MPI_T, MPI-4.1 chapter 15): every MPI_T function, before
 * MPI_Init, while running and after MPI_Finalize; the string-output convention; bad arguments
 * and the MPI_T_ERR_* classes; control variables that take effect (the eager limit, seen
 * through the rendezvous counter); performance-variable counters that move exactly with the
 * messages sent; queue levels; a variable bound to a communicator; threads calling MPI_T at
 * once. Uses only <mpi.h>. */
#define kTestName "mpit_test"
#include <pthread.h>
#include <string.h>

#include "job_check.h"

#define EXPECT(cond)                                     \
  do {                                                   \
    ++g_checks;                                          \
    if (!(cond)) fail("line %d: %s", __LINE__, #cond);   \
  } while (0)
/* A call that must return exactly `code`. */
#define EXPECT_RC(expr, code)                                                       \
  do {                                                                              \
    int rc_ = (expr);                                                               \
    ++g_checks;                                                                     \
    if (rc_ != (code)) fail("line %d: %s returned %d, not %s (%d)", __LINE__, #expr, rc_, \
                            #code, (code));                                         \
  } while (0)
#define T_OK(expr) EXPECT_RC(expr, MPI_SUCCESS)

static int cvar_index(const char *name) {
  int i = -1;
  T_OK(MPI_T_cvar_get_index(name, &i));
  return i;
}

static int pvar_index(const char *name, int var_class) {
  int i = -1;
  T_OK(MPI_T_pvar_get_index(name, var_class, &i));
  return i;
}

static unsigned long long read_ull_cvar(const char *name) {
  MPI_T_cvar_handle h;
  int count = 0;
  unsigned long long v = 0;
  T_OK(MPI_T_cvar_handle_alloc(cvar_index(name), NULL, &h, &count));
  EXPECT(count == 1);
  T_OK(MPI_T_cvar_read(h, &v));
  T_OK(MPI_T_cvar_handle_free(&h));
  EXPECT(h == MPI_T_CVAR_HANDLE_NULL);
  return v;
}

static void write_ull_cvar(const char *name, unsigned long long v) {
  MPI_T_cvar_handle h;
  int count = 0;
  T_OK(MPI_T_cvar_handle_alloc(cvar_index(name), NULL, &h, &count));
  T_OK(MPI_T_cvar_write(h, &v));
  T_OK(MPI_T_cvar_handle_free(&h));
}

/* Before MPI_Init: nesting, the not-initialized class, a cvar write kept for the start. */
static void before_init(void) {
  int n, provided = -1;
  EXPECT_RC(MPI_T_cvar_get_num(&n), MPI_T_ERR_NOT_INITIALIZED);
  EXPECT_RC(MPI_T_finalize(), MPI_T_ERR_NOT_INITIALIZED);
  EXPECT_RC(MPI_T_init_thread(MPI_THREAD_SINGLE, NULL), MPI_T_ERR_INVALID);
  /* A level below MULTIPLE as asked; MULTIPLE (the library does not run yet) turns the
   * library lock on, and is what the main program asks for below anyway. */
  T_OK(MPI_T_init_thread(MPI_THREAD_SINGLE, &provided));
  EXPECT(provided == MPI_THREAD_SINGLE);
  T_OK(MPI_T_init_thread(MPI_THREAD_MULTIPLE, &provided)); /* nested */
  EXPECT(provided == MPI_THREAD_MULTIPLE);
  T_OK(MPI_T_finalize());
  T_OK(MPI_T_cvar_get_num(&n)); /* still initialized once */
  EXPECT(n > 0);
  /* Rendezvous from 1 KiB up, from the start of the library. */
  write_ull_cvar("ZMPI_EAGER_LIMIT", 1024);
  EXPECT(read_ull_cvar("ZMPI_EAGER_LIMIT") == 1024);
  /* Counters read before MPI_Init (nothing sent yet). */
  MPI_T_pvar_session s;
  MPI_T_pvar_handle h;
  int count;
  unsigned long long v = 99;
  T_OK(MPI_T_pvar_session_create(&s));
  T_OK(MPI_T_pvar_handle_alloc(s, pvar_index("zmpi_rendezvous_sends", MPI_T_PVAR_CLASS_COUNTER),
                               NULL, &h, &count));
  T_OK(MPI_T_pvar_read(s, h, &v));
  EXPECT(v == 0);
  T_OK(MPI_T_pvar_session_free(&s));
  EXPECT(s == MPI_T_PVAR_SESSION_NULL);
}

/* The string convention (MPI-4.1 §15.3.3) on the first control variable's name. */
static void strings(void) {
  char full[256], part[4] = "xyz";
  int len = 0;
  T_OK(MPI_T_cvar_get_info(0, NULL, &len, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  const int needed = len;
  len = 0;
  T_OK(MPI_T_cvar_get_info(0, part, &len, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  EXPECT(len == needed && strcmp(part, "xyz") == 0);
  len = sizeof(full);
  T_OK(MPI_T_cvar_get_info(0, full, &len, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  EXPECT(len == needed && (int)strlen(full) + 1 == needed);
  len = 3;
  T_OK(MPI_T_cvar_get_info(0, part, &len, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  EXPECT(len == 3 && strlen(part) == 2 && strncmp(part, full, 2) == 0);
  T_OK(MPI_T_cvar_get_info(0, part, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  EXPECT(strlen(part) == 2); /* no length: untouched */
}

static void cvars(void) {
  int num = 0;
  T_OK(MPI_T_cvar_get_num(&num));
  EXPECT_RC(MPI_T_cvar_get_num(NULL), MPI_T_ERR_INVALID);
  for (int i = 0; i < num; ++i) {
    char name[128], desc[1024];
    int name_len = sizeof(name), desc_len = sizeof(desc), verbosity, bind, scope, count;
    MPI_Datatype type;
    MPI_T_enum enumtype;
    T_OK(MPI_T_cvar_get_info(i, name, &name_len, &verbosity, &type, &enumtype, desc, &desc_len,
                             &bind, &scope));
    EXPECT(cvar_index(name) == i);
    EXPECT(bind == MPI_T_BIND_NO_OBJECT);
    EXPECT(verbosity >= MPI_T_VERBOSITY_USER_BASIC && verbosity <= MPI_T_VERBOSITY_MPIDEV_ALL);
    EXPECT(type == MPI_INT || type == MPI_UNSIGNED_LONG_LONG || type == MPI_CHAR);
    MPI_T_cvar_handle h;
    T_OK(MPI_T_cvar_handle_alloc(i, NULL, &h, &count));
    EXPECT(type == MPI_CHAR ? count > 1 : count == 1);
    char buf[512];
    T_OK(MPI_T_cvar_read(h, buf));
    if (scope == MPI_T_SCOPE_READONLY) {
      EXPECT_RC(MPI_T_cvar_write(h, buf), MPI_T_ERR_CVAR_SET_NEVER);
    } else if (type == MPI_INT) {
      int old = *(int *)buf, v = 3, back = -1;
      T_OK(MPI_T_cvar_write(h, &v));
      T_OK(MPI_T_cvar_read(h, &back));
      EXPECT(back == 3);
      T_OK(MPI_T_cvar_write(h, &old));
    } else if (type == MPI_UNSIGNED_LONG_LONG) {
      unsigned long long old = *(unsigned long long *)buf, v = 12345, back = 0;
      T_OK(MPI_T_cvar_write(h, &v));
      T_OK(MPI_T_cvar_read(h, &back));
      EXPECT(back == 12345);
      T_OK(MPI_T_cvar_write(h, &old));
    }
    if (enumtype != MPI_T_ENUM_NULL) {
      int items = 0, ename_len = sizeof(name);
      T_OK(MPI_T_enum_get_info(enumtype, &items, name, &ename_len));
      EXPECT(items > 0);
      int current = *(int *)buf, found = 0;
      for (int k = 0; k < items; ++k) {
        int value, item_len = sizeof(name);
        T_OK(MPI_T_enum_get_item(enumtype, k, &value, name, &item_len));
        EXPECT(item_len == (int)strlen(name) + 1);
        found += value == current;
      }
      EXPECT(found == 1);
      EXPECT_RC(MPI_T_enum_get_item(enumtype, items, NULL, NULL, NULL), MPI_T_ERR_INVALID_INDEX);
      EXPECT_RC(MPI_T_enum_get_item(enumtype, -1, NULL, NULL, NULL), MPI_T_ERR_INVALID_INDEX);
    }
    T_OK(MPI_T_cvar_handle_free(&h));
    EXPECT_RC(MPI_T_cvar_read(h, buf), MPI_T_ERR_INVALID_HANDLE); /* freed: now NULL */
  }
  int idx;
  MPI_T_cvar_handle h = (MPI_T_cvar_handle)&idx; /* not a handle */
  EXPECT_RC(MPI_T_cvar_get_info(num, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_cvar_get_info(-1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_cvar_get_index("ZMPI_NO_SUCH_VARIABLE", &idx), MPI_T_ERR_INVALID_NAME);
  EXPECT_RC(MPI_T_cvar_get_index(NULL, &idx), MPI_T_ERR_INVALID);
  EXPECT_RC(MPI_T_cvar_handle_alloc(num, NULL, &h, &idx), MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_cvar_read(h, &idx), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_cvar_write(h, &idx), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_cvar_handle_free(&h), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_enum_get_info((MPI_T_enum)&idx, &idx, NULL, NULL), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_enum_get_item(MPI_T_ENUM_NULL, 0, &idx, NULL, NULL), MPI_T_ERR_INVALID_HANDLE);
}

/* Every variable in exactly one category; lists agree with counts; the tree's names. */
static void categories(void) {
  int num = 0, ncvar = 0, npvar = 0, seen_cvars = 0, seen_pvars = 0, update = -1;
  T_OK(MPI_T_category_get_num(&num));
  T_OK(MPI_T_cvar_get_num(&ncvar));
  T_OK(MPI_T_pvar_get_num(&npvar));
  EXPECT(num > 0);
  for (int i = 0; i < num; ++i) {
    char name[128];
    int name_len = sizeof(name), nc, np, nsub, idx = -1, nev = -1, list[64];
    T_OK(MPI_T_category_get_info(i, name, &name_len, NULL, NULL, &nc, &np, &nsub));
    T_OK(MPI_T_category_get_index(name, &idx));
    EXPECT(idx == i);
    T_OK(MPI_T_category_get_cvars(i, 64, list));
    for (int k = 0; k < nc; ++k) EXPECT(list[k] >= 0 && list[k] < ncvar);
    T_OK(MPI_T_category_get_pvars(i, 64, list));
    for (int k = 0; k < np; ++k) EXPECT(list[k] >= 0 && list[k] < npvar);
    T_OK(MPI_T_category_get_categories(i, 64, list));
    for (int k = 0; k < nsub; ++k) EXPECT(list[k] > i && list[k] < num);
    T_OK(MPI_T_category_get_num_events(i, &nev));
    EXPECT(nev == 0);
    T_OK(MPI_T_category_get_events(i, 0, NULL));
    seen_cvars += nc;
    seen_pvars += np;
  }
  EXPECT(seen_cvars == ncvar && seen_pvars == npvar);
  T_OK(MPI_T_category_changed(&update));
  int again = -2;
  T_OK(MPI_T_category_changed(&again));
  EXPECT(update == again);
  int idx, list[1];
  EXPECT_RC(MPI_T_category_get_info(num, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_category_get_index("no such category", &idx), MPI_T_ERR_INVALID_NAME);
  EXPECT_RC(MPI_T_category_get_cvars(-1, 1, list), MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_category_get_pvars(num, 1, list), MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_category_get_categories(num, 1, list), MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_category_get_num_events(num, &idx), MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_category_get_events(num, 1, list), MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_category_get_cvars(0, -1, list), MPI_T_ERR_INVALID);
  EXPECT_RC(MPI_T_category_changed(NULL), MPI_T_ERR_INVALID);
}

/* No events: every call validates and answers per the standard. One clock source. */
static void events_and_sources(void) {
  int n = -1, idx;
  MPI_T_event_registration reg = NULL;
  MPI_Info info = MPI_INFO_NULL;
  MPI_Count ts = 0, ts2 = 0, tps = 0, max = 0;
  char buf[64];
  T_OK(MPI_T_event_get_num(&n));
  EXPECT(n == 0);
  EXPECT_RC(MPI_T_event_get_info(0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                 NULL),
            MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_event_get_index("no such event", &idx), MPI_T_ERR_INVALID_NAME);
  EXPECT_RC(MPI_T_event_handle_alloc(0, NULL, MPI_INFO_NULL, &reg), MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_event_handle_set_info(reg, MPI_INFO_NULL), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_event_handle_get_info(reg, &info), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_event_register_callback(reg, MPI_T_CB_REQUIRE_NONE, MPI_INFO_NULL, NULL, NULL),
            MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_event_callback_set_info(reg, MPI_T_CB_REQUIRE_NONE, MPI_INFO_NULL),
            MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_event_callback_get_info(reg, MPI_T_CB_REQUIRE_NONE, &info),
            MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_event_set_dropped_handler(reg, NULL), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_event_handle_free(reg, NULL, NULL), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_event_read(NULL, 0, buf), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_event_copy(NULL, buf), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_event_get_timestamp(NULL, &ts), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_event_get_source(NULL, &idx), MPI_T_ERR_INVALID_HANDLE);
  T_OK(MPI_T_source_get_num(&n));
  EXPECT(n == 1);
  MPI_T_source_order order;
  char name[64];
  int name_len = sizeof(name);
  T_OK(MPI_T_source_get_info(0, name, &name_len, NULL, NULL, &order, &tps, &max, &info));
  EXPECT(order == MPI_T_SOURCE_ORDERED && tps == 1000000000 && max > 0 && name_len > 1);
  EXPECT(info != MPI_INFO_NULL);
  if (info != MPI_INFO_NULL) CALL(MPI_Info_free(&info));
  T_OK(MPI_T_source_get_timestamp(0, &ts));
  T_OK(MPI_T_source_get_timestamp(0, &ts2));
  EXPECT(ts2 >= ts && ts > 0);
  EXPECT_RC(MPI_T_source_get_info(1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_source_get_timestamp(-1, &ts), MPI_T_ERR_INVALID_INDEX);
}

/* Sums of the per-transport counters, through one session's handles. */
struct traffic {
  MPI_T_pvar_handle h[4][3]; /* messages sent, bytes sent, messages received, bytes received */
};
static const char *const kTransports[3] = {"shm", "ofi", "self"};
static const char *const kWhat[4] = {"messages_sent", "bytes_sent", "messages_received",
                                     "bytes_received"};

static void traffic_alloc(MPI_T_pvar_session s, struct traffic *t) {
  for (int w = 0; w < 4; ++w) {
    for (int k = 0; k < 3; ++k) {
      char name[64];
      int count;
      snprintf(name, sizeof(name), "zmpi_%s_%s", kTransports[k], kWhat[w]);
      T_OK(MPI_T_pvar_handle_alloc(s, pvar_index(name, MPI_T_PVAR_CLASS_COUNTER), NULL,
                                   &t->h[w][k], &count));
      EXPECT(count == 1);
    }
  }
}

static unsigned long long traffic_read(MPI_T_pvar_session s, struct traffic *t, int w) {
  unsigned long long sum = 0;
  for (int k = 0; k < 3; ++k) {
    unsigned long long v = 0;
    T_OK(MPI_T_pvar_read(s, t->h[w][k], &v));
    sum += v;
  }
  return sum;
}

/* `n` messages of `bytes` to the right neighbour and from the left one (to self at 1 rank). */
static void ring(int n, int bytes, int tag) {
  char *out = xmalloc((size_t)bytes * n), *in = xmalloc((size_t)bytes * n);
  MPI_Request r[2 * 16];
  int right = (g_world_rank + 1) % g_p, left = (g_world_rank + g_p - 1) % g_p;
  memset(out, 7, (size_t)bytes * n);
  for (int i = 0; i < n; ++i) {
    CALL(MPI_Irecv(in + (size_t)i * bytes, bytes, MPI_CHAR, left, tag, MPI_COMM_WORLD, &r[2 * i]));
    CALL(MPI_Isend(out + (size_t)i * bytes, bytes, MPI_CHAR, right, tag, MPI_COMM_WORLD,
                   &r[2 * i + 1]));
  }
  CALL(MPI_Waitall(2 * n, r, MPI_STATUSES_IGNORE));
  free(out);
  free(in);
}

/* Counters move exactly with the messages; stopped handles do not; write/reset/readreset. */
static void counters(void) {
  MPI_T_pvar_session s;
  struct traffic t;
  T_OK(MPI_T_pvar_session_create(&s));
  traffic_alloc(s, &t);
  EXPECT(traffic_read(s, &t, 0) == 0); /* not started: counts nothing */
  /* What arrives is counted when progress sees it, which may be before this rank reaches a
   * given line: the receive handles start before a barrier that every ring message follows,
   * so they see at least the ring (and the barrier's own messages); the send handles start
   * after it and see exactly this rank's sends. */
  for (int k = 0; k < 3; ++k) {
    T_OK(MPI_T_pvar_start(s, t.h[2][k]));
    T_OK(MPI_T_pvar_start(s, t.h[3][k]));
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  for (int k = 0; k < 3; ++k) {
    T_OK(MPI_T_pvar_start(s, t.h[0][k]));
    T_OK(MPI_T_pvar_start(s, t.h[1][k]));
  }
  ring(5, 100, 11);
  T_OK(MPI_T_pvar_stop(s, MPI_T_PVAR_ALL_HANDLES));
  EXPECT(traffic_read(s, &t, 0) == 5);
  EXPECT(traffic_read(s, &t, 1) == 500);
  EXPECT(traffic_read(s, &t, 2) >= 5);
  EXPECT(traffic_read(s, &t, 3) >= 500);
  const unsigned long long received = traffic_read(s, &t, 2);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  ring(3, 10, 12); /* stopped: unchanged */
  EXPECT(traffic_read(s, &t, 0) == 5);
  EXPECT(traffic_read(s, &t, 2) == received);
  T_OK(MPI_T_pvar_start(s, MPI_T_PVAR_ALL_HANDLES));
  T_OK(MPI_T_pvar_start(s, MPI_T_PVAR_ALL_HANDLES)); /* started twice: no effect */
  ring(2, 8, 13);
  T_OK(MPI_T_pvar_stop(s, MPI_T_PVAR_ALL_HANDLES));
  EXPECT(traffic_read(s, &t, 0) == 7);
  EXPECT(traffic_read(s, &t, 1) == 516);
  /* Exactly one transport carried it: the others read 0. */
  int carriers = 0;
  for (int k = 0; k < 3; ++k) {
    unsigned long long v;
    T_OK(MPI_T_pvar_read(s, t.h[0][k], &v));
    carriers += v > 0;
  }
  EXPECT(carriers == 1);
  unsigned long long v = 0, w = 42;
  for (int k = 0; k < 3; ++k) {
    T_OK(MPI_T_pvar_readreset(s, t.h[0][k], &v));
    T_OK(MPI_T_pvar_read(s, t.h[0][k], &v));
    EXPECT(v == 0);
  }
  T_OK(MPI_T_pvar_write(s, t.h[1][0], &w));
  T_OK(MPI_T_pvar_read(s, t.h[1][0], &v));
  EXPECT(v == 42);
  T_OK(MPI_T_pvar_reset(s, MPI_T_PVAR_ALL_HANDLES));
  EXPECT(traffic_read(s, &t, 1) == 0 && traffic_read(s, &t, 3) == 0);
  EXPECT_RC(MPI_T_pvar_read(s, MPI_T_PVAR_ALL_HANDLES, &v), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_pvar_write(s, MPI_T_PVAR_ALL_HANDLES, &v), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_pvar_readreset(s, MPI_T_PVAR_ALL_HANDLES, &v), MPI_T_ERR_INVALID_HANDLE);

  /* A handle of another session, freed handles, bad sessions and indices. */
  MPI_T_pvar_session s2, bogus = (MPI_T_pvar_session)&v;
  MPI_T_pvar_handle h = t.h[0][0];
  int count, n;
  T_OK(MPI_T_pvar_session_create(&s2));
  EXPECT_RC(MPI_T_pvar_read(s2, h, &v), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_pvar_handle_free(s2, &h), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_pvar_read(bogus, h, &v), MPI_T_ERR_INVALID_SESSION);
  EXPECT_RC(MPI_T_pvar_start(MPI_T_PVAR_SESSION_NULL, h), MPI_T_ERR_INVALID_SESSION);
  EXPECT_RC(MPI_T_pvar_session_free(&bogus), MPI_T_ERR_INVALID_SESSION);
  T_OK(MPI_T_pvar_get_num(&n));
  EXPECT_RC(MPI_T_pvar_handle_alloc(s2, n, NULL, &h, &count), MPI_T_ERR_INVALID_INDEX);
  EXPECT_RC(MPI_T_pvar_handle_alloc(bogus, 0, NULL, &h, &count), MPI_T_ERR_INVALID_SESSION);
  h = t.h[0][0];
  T_OK(MPI_T_pvar_handle_free(s, &h));
  EXPECT(h == MPI_T_PVAR_HANDLE_NULL);
  EXPECT_RC(MPI_T_pvar_read(s, t.h[0][0], &v), MPI_T_ERR_INVALID_HANDLE);
  T_OK(MPI_T_pvar_session_free(&s2));
  T_OK(MPI_T_pvar_session_free(&s)); /* frees its remaining handles */
  EXPECT_RC(MPI_T_pvar_read(s, t.h[1][0], &v), MPI_T_ERR_INVALID_SESSION);
}

/* The eager limit written before MPI_Init took effect at the start; a write now, at once. */
static void eager_limit_takes_effect(void) {
  MPI_T_pvar_session s;
  MPI_T_pvar_handle h;
  int count;
  unsigned long long v = 0;
  EXPECT(read_ull_cvar("ZMPI_EAGER_LIMIT") == 1024);
  T_OK(MPI_T_pvar_session_create(&s));
  T_OK(MPI_T_pvar_handle_alloc(s, pvar_index("zmpi_rendezvous_sends", MPI_T_PVAR_CLASS_COUNTER),
                               NULL, &h, &count));
  T_OK(MPI_T_pvar_start(s, h));
  ring(2, 2000, 21); /* above 1 KiB: rendezvous */
  T_OK(MPI_T_pvar_read(s, h, &v));
  EXPECT(v == 2);
  write_ull_cvar("ZMPI_EAGER_LIMIT", 8192);
  ring(2, 2000, 22); /* eager now */
  T_OK(MPI_T_pvar_read(s, h, &v));
  EXPECT(v == 2);
  write_ull_cvar("ZMPI_EAGER_LIMIT", 1024);
  ring(1, 2000, 23);
  T_OK(MPI_T_pvar_read(s, h, &v));
  EXPECT(v == 3);
  T_OK(MPI_T_pvar_session_free(&s));
}

/* Unexpected and posted queues (messages to self), continuous variables' errors. */
static void queues(void) {
  MPI_T_pvar_session s;
  MPI_T_pvar_handle ulen, uhigh, plen, posted;
  int count;
  unsigned long long a, b, c, d;
  /* The queue variables count every message of the process, so no other rank may send here
   * while this runs: ranks take turns (a token from the left), and those done wait for the
   * last one's word instead of entering the closing barrier, whose messages would land here
   * unexpected while a slower rank is still counting. */
  int token = 0;
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  if (g_world_rank > 0) {
    CALL(MPI_Recv(&token, 1, MPI_INT, g_world_rank - 1, 39, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  }
  T_OK(MPI_T_pvar_session_create(&s));
  T_OK(MPI_T_pvar_handle_alloc(s, pvar_index("zmpi_unexpected_queue_length",
                                             MPI_T_PVAR_CLASS_LEVEL), NULL, &ulen, &count));
  T_OK(MPI_T_pvar_handle_alloc(s, pvar_index("zmpi_unexpected_queue_high_water",
                                             MPI_T_PVAR_CLASS_HIGHWATERMARK), NULL, &uhigh,
                               &count));
  T_OK(MPI_T_pvar_handle_alloc(s, pvar_index("zmpi_posted_queue_length", MPI_T_PVAR_CLASS_LEVEL),
                               NULL, &plen, &count));
  T_OK(MPI_T_pvar_handle_alloc(s, pvar_index("zmpi_posted_receives", MPI_T_PVAR_CLASS_COUNTER),
                               NULL, &posted, &count));
  T_OK(MPI_T_pvar_start(s, posted));
  /* Continuous and read-only: no start, stop, write or reset. */
  EXPECT_RC(MPI_T_pvar_start(s, ulen), MPI_T_ERR_PVAR_NO_STARTSTOP);
  EXPECT_RC(MPI_T_pvar_stop(s, uhigh), MPI_T_ERR_PVAR_NO_STARTSTOP);
  EXPECT_RC(MPI_T_pvar_write(s, ulen, &a), MPI_T_ERR_PVAR_NO_WRITE);
  EXPECT_RC(MPI_T_pvar_reset(s, plen), MPI_T_ERR_PVAR_NO_WRITE);
  EXPECT_RC(MPI_T_pvar_readreset(s, uhigh, &a), MPI_T_ERR_PVAR_NO_WRITE);
  T_OK(MPI_T_pvar_read(s, ulen, &a));
  T_OK(MPI_T_pvar_read(s, plen, &c));
  /* Three messages to self before their receives: unexpected once progress has seen them. */
  int x[3] = {1, 2, 3}, y[3], flag = 0;
  MPI_Request r[3];
  for (int i = 0; i < 3; ++i) CALL(MPI_Isend(&x[i], 1, MPI_INT, g_world_rank, 31, MPI_COMM_WORLD, &r[i]));
  for (int spins = 0; spins < 100000 && !flag; ++spins) {
    CALL(MPI_Iprobe(g_world_rank, 32, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE)); /* progress */
    T_OK(MPI_T_pvar_read(s, ulen, &b));
    flag = b == a + 3;
  }
  EXPECT(flag);
  T_OK(MPI_T_pvar_read(s, uhigh, &d));
  EXPECT(d >= a + 3);
  /* A receive posted before its message: posted queue +1, then back. */
  MPI_Request rr;
  int z = 0, zz = 5;
  CALL(MPI_Irecv(&z, 1, MPI_INT, g_world_rank, 33, MPI_COMM_WORLD, &rr));
  T_OK(MPI_T_pvar_read(s, plen, &d));
  EXPECT(d == c + 1);
  CALL(MPI_Send(&zz, 1, MPI_INT, g_world_rank, 33, MPI_COMM_WORLD));
  CALL(MPI_Wait(&rr, MPI_STATUS_IGNORE));
  EXPECT(z == 5);
  T_OK(MPI_T_pvar_read(s, plen, &d));
  EXPECT(d == c);
  for (int i = 0; i < 3; ++i) CALL(MPI_Recv(&y[i], 1, MPI_INT, g_world_rank, 31, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  CALL(MPI_Waitall(3, r, MPI_STATUSES_IGNORE));
  EXPECT(y[0] == 1 && y[1] == 2 && y[2] == 3);
  T_OK(MPI_T_pvar_read(s, ulen, &b));
  EXPECT(b == a);
  T_OK(MPI_T_pvar_read(s, posted, &d));
  EXPECT(d == 1);
  T_OK(MPI_T_pvar_session_free(&s));
  if (g_world_rank + 1 < g_p) {
    CALL(MPI_Send(&token, 1, MPI_INT, g_world_rank + 1, 39, MPI_COMM_WORLD));
    CALL(MPI_Recv(&token, 1, MPI_INT, g_p - 1, 40, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  } else {
    for (int i = 0; i + 1 < g_p; ++i) CALL(MPI_Send(&token, 1, MPI_INT, i, 40, MPI_COMM_WORLD));
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
}

/* A variable bound to a communicator counts that communicator's collectives only. */
static void comm_bound(void) {
  MPI_Comm dup;
  MPI_T_pvar_session s;
  MPI_T_pvar_handle h;
  int count, idx = pvar_index("zmpi_comm_collective_operations", MPI_T_PVAR_CLASS_COUNTER);
  int bind = 0;
  unsigned long long v = 0;
  T_OK(MPI_T_pvar_get_info(idx, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &bind, NULL, NULL,
                           NULL));
  EXPECT(bind == MPI_T_BIND_MPI_COMM);
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  T_OK(MPI_T_pvar_session_create(&s));
  MPI_Comm null_comm = MPI_COMM_NULL;
  EXPECT_RC(MPI_T_pvar_handle_alloc(s, idx, NULL, &h, &count), MPI_T_ERR_INVALID_HANDLE);
  EXPECT_RC(MPI_T_pvar_handle_alloc(s, idx, &null_comm, &h, &count), MPI_T_ERR_INVALID_HANDLE);
  T_OK(MPI_T_pvar_handle_alloc(s, idx, &dup, &h, &count));
  EXPECT(count == 1);
  T_OK(MPI_T_pvar_start(s, h));
  for (int i = 0; i < 3; ++i) CALL(MPI_Barrier(dup));
  int one = 1, sum = 0;
  CALL(MPI_Allreduce(&one, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD)); /* another comm */
  T_OK(MPI_T_pvar_read(s, h, &v));
  EXPECT(v == 3);
  CALL(MPI_Comm_free(&dup));
  T_OK(MPI_T_pvar_read(s, h, &v)); /* the communicator is gone: its last value */
  EXPECT(v == 3);
  T_OK(MPI_T_pvar_session_free(&s));
}

static void pvar_info(void) {
  int num = 0;
  T_OK(MPI_T_pvar_get_num(&num));
  EXPECT(num > 0);
  for (int i = 0; i < num; ++i) {
    char name[128];
    int len = sizeof(name), verbosity, var_class, bind, readonly, continuous, atomic, idx;
    MPI_Datatype type;
    MPI_T_enum e;
    T_OK(MPI_T_pvar_get_info(i, name, &len, &verbosity, &var_class, &type, &e, NULL, NULL, &bind,
                             &readonly, &continuous, &atomic));
    T_OK(MPI_T_pvar_get_index(name, var_class, &idx));
    EXPECT(idx == i && type == MPI_UNSIGNED_LONG_LONG && e == MPI_T_ENUM_NULL);
    EXPECT(var_class >= MPI_T_PVAR_CLASS_STATE && var_class <= MPI_T_PVAR_CLASS_GENERIC);
    EXPECT(var_class == MPI_T_PVAR_CLASS_COUNTER ? !continuous && !readonly : continuous);
    EXPECT_RC(MPI_T_pvar_get_index(name, var_class == MPI_T_PVAR_CLASS_TIMER
                                             ? MPI_T_PVAR_CLASS_SIZE
                                             : MPI_T_PVAR_CLASS_TIMER, &idx),
              MPI_T_ERR_INVALID_NAME);
  }
  EXPECT_RC(MPI_T_pvar_get_info(num, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                NULL, NULL),
            MPI_T_ERR_INVALID_INDEX);
}

/* Threads enumerate and read while the main thread sends: the interface is thread-safe. */
static void *reader(void *arg) {
  (void)arg;
  for (int round = 0; round < 50; ++round) {
    MPI_T_pvar_session s;
    MPI_T_pvar_handle h;
    int n, count;
    unsigned long long v;
    if (MPI_T_pvar_session_create(&s) != MPI_SUCCESS) return (void *)1;
    if (MPI_T_pvar_get_num(&n) != MPI_SUCCESS) return (void *)1;
    for (int i = 0; i < n; ++i) {
      int bind;
      if (MPI_T_pvar_get_info(i, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &bind, NULL,
                              NULL, NULL) != MPI_SUCCESS)
        return (void *)1;
      if (bind != MPI_T_BIND_NO_OBJECT) continue;
      if (MPI_T_pvar_handle_alloc(s, i, NULL, &h, &count) != MPI_SUCCESS) return (void *)1;
      MPI_T_pvar_start(s, h); /* continuous ones refuse: fine */
      if (MPI_T_pvar_read(s, h, &v) != MPI_SUCCESS) return (void *)1;
    }
    if (MPI_T_pvar_session_free(&s) != MPI_SUCCESS) return (void *)1;
  }
  return NULL;
}

static void threads(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; ++i) EXPECT(pthread_create(&t[i], NULL, reader, NULL) == 0);
  ring(8, 64, 41);
  for (int i = 0; i < 4; ++i) {
    void *rc = (void *)1;
    EXPECT(pthread_join(t[i], &rc) == 0);
    EXPECT(rc == NULL);
  }
}

static void error_classes(void) {
  const int codes[] = {MPI_T_ERR_MEMORY, MPI_T_ERR_NOT_INITIALIZED, MPI_T_ERR_CANNOT_INIT,
                       MPI_T_ERR_INVALID_INDEX, MPI_T_ERR_INVALID_ITEM, MPI_T_ERR_INVALID_HANDLE,
                       MPI_T_ERR_OUT_OF_HANDLES, MPI_T_ERR_OUT_OF_SESSIONS,
                       MPI_T_ERR_INVALID_SESSION, MPI_T_ERR_CVAR_SET_NOT_NOW,
                       MPI_T_ERR_CVAR_SET_NEVER, MPI_T_ERR_PVAR_NO_STARTSTOP,
                       MPI_T_ERR_PVAR_NO_WRITE, MPI_T_ERR_PVAR_NO_ATOMIC, MPI_T_ERR_INVALID_NAME,
                       MPI_T_ERR_INVALID, MPI_T_ERR_NOT_SUPPORTED};
  for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); ++i) {
    int cls = -1, len = 0;
    char text[MPI_MAX_ERROR_STRING];
    CALL(MPI_Error_class(codes[i], &cls));
    EXPECT(cls == codes[i]);
    CALL(MPI_Error_string(codes[i], text, &len));
    EXPECT(len > 0 && strstr(text, "unknown") == NULL);
  }
}

int main(int argc, char **argv) {
  g_label = "MPI_COMM_WORLD";
  before_init();
  int provided;
  CALL(MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided));
  CALL(MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank));
  CALL(MPI_Comm_size(MPI_COMM_WORLD, &g_p));
  g_comm = MPI_COMM_WORLD;
  g_me = g_world_rank;
  EXPECT(provided == MPI_THREAD_MULTIPLE);
  strings();
  cvars();
  categories();
  events_and_sources();
  pvar_info();
  eager_limit_takes_effect();
  counters();
  queues();
  comm_bound();
  threads();
  error_classes();

  /* After MPI_Finalize: the interface still answers; the counters keep their counts. */
  int total = 0;
  CALL(MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD));
  CALL(MPI_Finalize());
  MPI_T_pvar_session s;
  MPI_T_pvar_handle h;
  int count, n, provided2;
  unsigned long long v = 0;
  T_OK(MPI_T_pvar_session_create(&s));
  T_OK(MPI_T_pvar_handle_alloc(s, pvar_index("zmpi_rendezvous_sends", MPI_T_PVAR_CLASS_COUNTER),
                               NULL, &h, &count));
  T_OK(MPI_T_pvar_start(s, h));
  T_OK(MPI_T_pvar_read(s, h, &v));
  EXPECT(v == 0);
  EXPECT(read_ull_cvar("ZMPI_EAGER_LIMIT") == 1024);
  T_OK(MPI_T_finalize()); /* the last one: frees the session */
  EXPECT_RC(MPI_T_pvar_read(s, h, &v), MPI_T_ERR_NOT_INITIALIZED);
  EXPECT_RC(MPI_T_finalize(), MPI_T_ERR_NOT_INITIALIZED);
  T_OK(MPI_T_init_thread(MPI_THREAD_SINGLE, &provided2)); /* again, after everything */
  EXPECT_RC(MPI_T_pvar_read(s, h, &v), MPI_T_ERR_INVALID_SESSION);
  T_OK(MPI_T_cvar_get_num(&n));
  T_OK(MPI_T_finalize());
  if (g_world_rank == 0) {
    printf("%s: OK (%d checks)\n", kTestName, total + g_checks);
    fflush(stdout);
  }
  return 0;
}
