/* MPI_THREAD_MULTIPLE: four threads per rank, each on its own communicator, doing tagged
 * send/recv, isend/irecv/waitall, ANY_SOURCE receives, iprobe, bcast/allreduce/barrier and
 * communicator dup/free at the same time; then a thread blocked in MPI_Recv and one in
 * MPI_Probe while two others ping-pong; then user callbacks that call MPI from inside a call
 * (error handler, attribute copy/delete, generalized request completed by another thread);
 * the thread levels (MPI_Query_thread, MPI_Is_thread_main, a session's thread_level).
 * Prints "thread_test: OK (<n> checks)" on rank 0. Usage: thread_test [iterations] */
#include <mpi.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "thread_check.h"

enum { kThreads = 4, kBigInts = 40000 };

static int g_rank, g_size, g_iters = 40;
static long g_checks;
static const char *kTestName = "thread_test";

/* The value element i of a message carries: who sent it, on which thread, in which step. */
static int value(int src, int id, int step, int i) {
  return src * 1000003 + id * 10007 + step * 31 + i;
}
static void fill(int* buf, int n, int src, int id, int step) {
  for (int i = 0; i < n; ++i) buf[i] = value(src, id, step, i);
}
static int first_bad(const int* buf, int n, int src, int id, int step) {
  for (int i = 0; i < n; ++i) {
    if (buf[i] != value(src, id, step, i)) return i;
  }
  return -1;
}

struct worker {
  int id;
  MPI_Comm base; /* dup of world made by the main thread */
  MPI_Comm comm; /* dup of base made by this thread, concurrently with the others */
  pthread_t thread;
};

/* Blocking Send/Recv around a ring (even ranks send first); sizes from 0 to a rendezvous. */
static void ring(struct worker* w, int it, int* sbuf, int* rbuf) {
  int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  int n = it % 5 == 4 ? kBigInts : (it % 7) * 13;
  int tag = it * 8 + w->id;
  MPI_Status st;
  fill(sbuf, n, g_rank, w->id, it);
  if (g_size == 1) {
    CALL(w->id, MPI_Sendrecv(sbuf, n, MPI_INT, 0, tag, rbuf, n, MPI_INT, 0, tag, w->comm, &st));
  } else if (g_rank % 2 == 0) {
    CALL(w->id, MPI_Send(sbuf, n, MPI_INT, next, tag, w->comm));
    CALL(w->id, MPI_Recv(rbuf, n, MPI_INT, prev, tag, w->comm, &st));
  } else {
    CALL(w->id, MPI_Recv(rbuf, n, MPI_INT, prev, tag, w->comm, &st));
    CALL(w->id, MPI_Send(sbuf, n, MPI_INT, next, tag, w->comm));
  }
  int count = -1;
  MPI_Get_count(&st, MPI_INT, &count);
  CHECK(w->id, st.MPI_SOURCE == prev && st.MPI_TAG == tag && count == n,
        "ring status %d/%d/%d, want %d/%d/%d", st.MPI_SOURCE, st.MPI_TAG, count, prev, tag, n);
  int bad = first_bad(rbuf, n, prev, w->id, it);
  CHECK(w->id, bad < 0, "ring element %d of %d", bad, n);
}

/* Isend/Irecv to and from every rank (self too), completed by one Waitall. */
static void all_to_all(struct worker* w, int it, int* sbuf, int* rbuf) {
  const int n = 1 + (it % 3) * 50;
  MPI_Request* reqs = malloc(sizeof(MPI_Request) * 2 * g_size);
  MPI_Status* sts = malloc(sizeof(MPI_Status) * 2 * g_size);
  fill(sbuf, n, g_rank, w->id, it);
  for (int r = 0; r < g_size; ++r) {
    CALL(w->id, MPI_Irecv(rbuf + r * n, n, MPI_INT, r, it, w->comm, &reqs[r]));
  }
  for (int r = 0; r < g_size; ++r) {
    CALL(w->id, MPI_Isend(sbuf, n, MPI_INT, r, it, w->comm, &reqs[g_size + r]));
  }
  CALL(w->id, MPI_Waitall(2 * g_size, reqs, sts));
  for (int r = 0; r < g_size; ++r) {
    CHECK(w->id, sts[r].MPI_SOURCE == r && sts[r].MPI_TAG == it, "waitall status %d: %d/%d", r,
          sts[r].MPI_SOURCE, sts[r].MPI_TAG);
    int bad = first_bad(rbuf + r * n, n, r, w->id, it);
    CHECK(w->id, bad < 0, "all_to_all from %d: element %d", r, bad);
  }
  free(reqs);
  free(sts);
}

/* Everybody sends two numbered messages to one root, which takes them with ANY_SOURCE (and
 * ANY_TAG for the second): every sender's messages arrive once each, in order. */
static void any_source(struct worker* w, int it) {
  const int root = it % g_size;
  int out[2][3];
  MPI_Request reqs[2];
  for (int k = 0; k < 2; ++k) {
    out[k][0] = g_rank;
    out[k][1] = k;
    out[k][2] = value(g_rank, w->id, it, k);
    CALL(w->id, MPI_Isend(out[k], 3, MPI_INT, root, 500 + k, w->comm, &reqs[k]));
  }
  if (g_rank == root) {
    int* next = calloc(g_size, sizeof(int));
    for (int m = 0; m < 2 * g_size; ++m) {
      int in[3];
      MPI_Status st;
      /* First every sender's tag-500 message, then the rest with ANY_TAG. */
      CALL(w->id,
           MPI_Recv(in, 3, MPI_INT, MPI_ANY_SOURCE, m < g_size ? 500 : MPI_ANY_TAG, w->comm, &st));
      int src = in[0];
      CHECK(w->id, src >= 0 && src < g_size && st.MPI_SOURCE == src, "any_source from %d/%d", src,
            st.MPI_SOURCE);
      CHECK(w->id, in[1] == next[src] && st.MPI_TAG == 500 + in[1],
            "message %d of %d (tag %d), expected %d", in[1], src, st.MPI_TAG, next[src]);
      CHECK(w->id, in[2] == value(src, w->id, it, in[1]), "any_source payload");
      ++next[src];
    }
    for (int r = 0; r < g_size; ++r) CHECK(w->id, next[r] == 2, "%d messages of %d", next[r], r);
    free(next);
  }
  CALL(w->id, MPI_Waitall(2, reqs, MPI_STATUSES_IGNORE));
  /* Nobody sends the next step's messages while the root still takes ANY_TAG. */
  CALL(w->id, MPI_Barrier(w->comm));
}

/* A message found by polling MPI_Iprobe, then received. */
static void iprobe(struct worker* w, int it, int* sbuf, int* rbuf) {
  int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  const int n = 17 + it;
  MPI_Request r;
  fill(sbuf, n, g_rank, w->id, it);
  CALL(w->id, MPI_Isend(sbuf, n, MPI_INT, next, 1000 + it, w->comm, &r));
  int flag = 0;
  MPI_Status st;
  double deadline = now() + 60;
  while (!flag) {
    int rc = MPI_Iprobe(prev, 1000 + it, w->comm, &flag, &st);
    if (rc != MPI_SUCCESS) CHECK(w->id, 0, "MPI_Iprobe returned %d", rc);
    if (!flag && now() > deadline) CHECK(w->id, 0, "iprobe never saw the message");
  }
  int count = -1;
  MPI_Get_count(&st, MPI_INT, &count);
  CHECK(w->id, count == n && st.MPI_SOURCE == prev, "iprobe count %d source %d", count,
        st.MPI_SOURCE);
  CALL(w->id, MPI_Recv(rbuf, n, MPI_INT, prev, 1000 + it, w->comm, MPI_STATUS_IGNORE));
  CHECK(w->id, first_bad(rbuf, n, prev, w->id, it) < 0, "iprobe payload");
  CALL(w->id, MPI_Wait(&r, MPI_STATUS_IGNORE));
}

static void collectives(struct worker* w, MPI_Comm comm, int it, int* buf) {
  const int root = (it + w->id) % g_size;
  const int n = 1 + (it % 4) * 300;
  if (g_rank == root) {
    fill(buf, n, root, w->id, it);
  } else {
    memset(buf, 0, n * sizeof(int));
  }
  CALL(w->id, MPI_Bcast(buf, n, MPI_INT, root, comm));
  CHECK(w->id, first_bad(buf, n, root, w->id, it) < 0, "bcast from %d", root);
  long mine = (long)(g_rank + 1) * (w->id + 1) * (it + 1), sum = 0;
  CALL(w->id, MPI_Allreduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, comm));
  long want = (long)g_size * (g_size + 1) / 2 * (w->id + 1) * (it + 1);
  CHECK(w->id, sum == want, "allreduce %ld, want %ld", sum, want);
  CALL(w->id, MPI_Barrier(comm));
}

static void* work(void* arg) {
  struct worker* w = arg;
  int* sbuf = malloc(sizeof(int) * kBigInts);
  int* rbuf = malloc(sizeof(int) * (kBigInts > 151 * g_size ? kBigInts : 151 * g_size));
  int main_flag = -1;
  CALL(w->id, MPI_Is_thread_main(&main_flag));
  CHECK(w->id, main_flag == 0, "MPI_Is_thread_main says %d in a worker", main_flag);
  /* Four agreements on a context id at once in this process, one per thread. */
  CALL(w->id, MPI_Comm_dup(w->base, &w->comm));
  for (int it = 0; it < g_iters; ++it) {
    ring(w, it, sbuf, rbuf);
    all_to_all(w, it, sbuf, rbuf);
    any_source(w, it);
    iprobe(w, it, sbuf, rbuf);
    collectives(w, w->comm, it, rbuf);
    if (it % 8 == w->id % 8) {
      MPI_Comm tmp;
      CALL(w->id, MPI_Comm_dup(w->comm, &tmp));
      collectives(w, tmp, it, rbuf);
      CALL(w->id, MPI_Comm_free(&tmp));
    }
  }
  CALL(w->id, MPI_Comm_free(&w->comm));
  free(sbuf);
  free(rbuf);
  return NULL;
}

static void stress(void) {
  struct worker w[kThreads];
  for (int t = 0; t < kThreads; ++t) {
    w[t].id = t;
    CALL(-1, MPI_Comm_dup(MPI_COMM_WORLD, &w[t].base));
  }
  for (int t = 0; t < kThreads; ++t) {
    CHECK(-1, pthread_create(&w[t].thread, NULL, work, &w[t]) == 0, "pthread_create");
  }
  for (int t = 0; t < kThreads; ++t) pthread_join(w[t].thread, NULL);
  for (int t = 0; t < kThreads; ++t) CALL(-1, MPI_Comm_free(&w[t].base));
}

/* ---- a thread blocked in MPI_Recv or MPI_Probe does not stop the others ---- */

struct blocked {
  MPI_Comm comm;
  int probe; /* 0: MPI_Recv; 1: MPI_Probe then MPI_Recv */
  int got;
};

static void* blocked_wait(void* arg) {
  struct blocked* b = arg;
  if (b->probe) {
    MPI_Status st;
    CALL(2, MPI_Probe(1, 98, b->comm, &st));
    CHECK(2, st.MPI_SOURCE == 1 && st.MPI_TAG == 98, "probe status %d/%d", st.MPI_SOURCE,
          st.MPI_TAG);
    CALL(2, MPI_Recv(&b->got, 1, MPI_INT, 1, 98, b->comm, MPI_STATUS_IGNORE));
  } else {
    CALL(1, MPI_Recv(&b->got, 1, MPI_INT, 1, 99, b->comm, MPI_STATUS_IGNORE));
  }
  return NULL;
}

static void on_alarm(int sig) {
  (void)sig;
  static const char msg[] = "thread_test: FAILED: a blocked thread stopped the others\n";
  if (write(2, msg, sizeof(msg) - 1) < 0) _exit(2);
  _exit(1);
}

static void blocked_receive(void) {
  if (g_size < 2) return;
  MPI_Comm cblock, cping;
  CALL(0, MPI_Comm_dup(MPI_COMM_WORLD, &cblock));
  CALL(0, MPI_Comm_dup(MPI_COMM_WORLD, &cping));
  struct blocked b[2] = {{cblock, 0, -1}, {cblock, 1, -1}};
  pthread_t th[2];
  if (g_rank == 0) {
    for (int k = 0; k < 2; ++k) pthread_create(&th[k], NULL, blocked_wait, &b[k]);
  }
  /* The ping-pong must end although rank 0 has two threads waiting in MPI meanwhile. */
  signal(SIGALRM, on_alarm);
  alarm(120);
  const int rounds = 2000;
  if (g_rank < 2) {
    int x = 0;
    for (int i = 0; i < rounds; ++i) {
      if (g_rank == 0) {
        x = i;
        CALL(0, MPI_Send(&x, 1, MPI_INT, 1, 5, cping));
        CALL(0, MPI_Recv(&x, 1, MPI_INT, 1, 5, cping, MPI_STATUS_IGNORE));
        CHECK(0, x == i + 1, "ping-pong %d: %d", i, x);
      } else {
        CALL(0, MPI_Recv(&x, 1, MPI_INT, 0, 5, cping, MPI_STATUS_IGNORE));
        ++x;
        CALL(0, MPI_Send(&x, 1, MPI_INT, 0, 5, cping));
      }
    }
  }
  alarm(0);
  if (g_rank == 1) {
    int v99 = 4242, v98 = 4343;
    CALL(0, MPI_Send(&v99, 1, MPI_INT, 0, 99, cblock));
    CALL(0, MPI_Send(&v98, 1, MPI_INT, 0, 98, cblock));
  }
  if (g_rank == 0) {
    for (int k = 0; k < 2; ++k) pthread_join(th[k], NULL);
    CHECK(0, b[0].got == 4242 && b[1].got == 4343, "released with %d, %d", b[0].got, b[1].got);
  }
  CALL(0, MPI_Comm_free(&cblock));
  CALL(0, MPI_Comm_free(&cping));
}

/* ---- user callbacks that call MPI inside a call (the lock is recursive) ---- */

static int g_handler_calls, g_copy_calls, g_delete_calls;

static void handler(MPI_Comm* comm, int* code, ...) {
  int size = -1, cls = -1;
  MPI_Comm_size(*comm, &size);
  MPI_Error_class(*code, &cls);
  if (size == g_size && cls == MPI_ERR_RANK)
    __atomic_fetch_add(&g_handler_calls, 1, __ATOMIC_RELAXED);
}

static int copy_fn(MPI_Comm old, int keyval, void* extra, void* in, void* out, int* flag) {
  (void)keyval;
  (void)extra;
  int rank = -1;
  MPI_Comm_rank(old, &rank);
  if (rank == g_rank) __atomic_fetch_add(&g_copy_calls, 1, __ATOMIC_RELAXED);
  *(void**)out = in;
  *flag = 1;
  return MPI_SUCCESS;
}

static int delete_fn(MPI_Comm comm, int keyval, void* value, void* extra) {
  (void)keyval;
  (void)value;
  (void)extra;
  int size = -1;
  MPI_Comm_size(comm, &size);
  if (size == g_size) __atomic_fetch_add(&g_delete_calls, 1, __ATOMIC_RELAXED);
  return MPI_SUCCESS;
}

static int greq_query(void* extra, MPI_Status* st) {
  int rank = -1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Status_set_elements(st, MPI_BYTE, 0);
  MPI_Status_set_cancelled(st, 0);
  st->MPI_SOURCE = rank;
  st->MPI_TAG = *(int*)extra;
  return MPI_SUCCESS;
}
static int greq_free(void* extra) {
  (void)extra;
  return MPI_SUCCESS;
}
static int greq_cancel(void* extra, int complete) {
  (void)extra;
  (void)complete;
  return MPI_SUCCESS;
}

static void* complete_later(void* arg) {
  struct timespec pause = {0, 20 * 1000 * 1000};
  nanosleep(&pause, NULL);
  MPI_Grequest_complete(*(MPI_Request*)arg);
  return NULL;
}

struct cb_worker {
  int id;
  MPI_Comm comm;
};

static void* callbacks(void* arg) {
  struct cb_worker* c = arg;
  MPI_Errhandler eh;
  CALL(c->id, MPI_Comm_create_errhandler(handler, &eh));
  CALL(c->id, MPI_Comm_set_errhandler(c->comm, eh));
  int x = 0;
  int rc = MPI_Send(&x, 1, MPI_INT, g_size + 3, 0, c->comm);
  int cls = -1;
  MPI_Error_class(rc, &cls);
  CHECK(c->id, cls == MPI_ERR_RANK, "bad rank gave class %d", cls);
  CALL(c->id, MPI_Errhandler_free(&eh));

  int keyval;
  CALL(c->id, MPI_Comm_create_keyval(copy_fn, delete_fn, &keyval, NULL));
  CALL(c->id, MPI_Comm_set_attr(c->comm, keyval, &g_rank));
  MPI_Comm dup;
  CALL(c->id, MPI_Comm_dup(c->comm, &dup));
  CALL(c->id, MPI_Comm_free(&dup));
  CALL(c->id, MPI_Comm_delete_attr(c->comm, keyval));
  CALL(c->id, MPI_Comm_free_keyval(&keyval));

  /* A generalized request another thread completes while this one waits in MPI_Wait. */
  MPI_Request greq;
  int tag = 77 + c->id;
  CALL(c->id, MPI_Grequest_start(greq_query, greq_free, greq_cancel, &tag, &greq));
  pthread_t helper;
  pthread_create(&helper, NULL, complete_later, &greq);
  MPI_Request waited = greq;
  MPI_Status st;
  CALL(c->id, MPI_Wait(&waited, &st));
  pthread_join(helper, NULL);
  CHECK(c->id, st.MPI_TAG == tag && st.MPI_SOURCE == g_rank, "greq status %d/%d", st.MPI_SOURCE,
        st.MPI_TAG);
  return NULL;
}

static void callbacks_from_threads(void) {
  struct cb_worker c[2];
  pthread_t th[2];
  for (int k = 0; k < 2; ++k) {
    c[k].id = k;
    CALL(-1, MPI_Comm_dup(MPI_COMM_WORLD, &c[k].comm));
  }
  for (int k = 0; k < 2; ++k) pthread_create(&th[k], NULL, callbacks, &c[k]);
  for (int k = 0; k < 2; ++k) pthread_join(th[k], NULL);
  for (int k = 0; k < 2; ++k) CALL(-1, MPI_Comm_free(&c[k].comm));
  CHECK(-1, g_handler_calls == 2, "error handler ran %d times", g_handler_calls);
  CHECK(-1, g_copy_calls == 2 && g_delete_calls >= 2, "copy %d delete %d", g_copy_calls,
        g_delete_calls);
}

/* A session asking for MULTIPLE is granted it (MPI-4.1 §11.3.1). */
static void session_level(void) {
  MPI_Info info;
  MPI_Session session;
  CALL(-1, MPI_Info_create(&info));
  CALL(-1, MPI_Info_set(info, "thread_level", "MPI_THREAD_MULTIPLE"));
  CALL(-1, MPI_Session_init(info, MPI_ERRORS_RETURN, &session));
  MPI_Info got;
  CALL(-1, MPI_Session_get_info(session, &got));
  char value[64] = "";
  int len = (int)sizeof(value), flag = 0;
  CALL(-1, MPI_Info_get_string(got, "mpi_thread_support_level", &len, value, &flag));
  CHECK(-1, flag && strcmp(value, "MPI_THREAD_MULTIPLE") == 0, "session level '%s'", value);
  CALL(-1, MPI_Info_free(&got));
  CALL(-1, MPI_Info_free(&info));
  CALL(-1, MPI_Session_finalize(&session));
}

int main(int argc, char** argv) {
  int provided = -1;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  if (argc > 1) g_iters = atoi(argv[1]);
  CHECK(-1, provided == MPI_THREAD_MULTIPLE, "provided %d", provided);
  int level = -1, is_main = -1;
  MPI_Query_thread(&level);
  MPI_Is_thread_main(&is_main);
  CHECK(-1, level == MPI_THREAD_MULTIPLE && is_main == 1, "query %d, main %d", level, is_main);

  double t0 = now();
  stress();
  double t1 = now();
  blocked_receive();
  callbacks_from_threads();
  session_level();

  long total = 0, mine = __atomic_load_n(&g_checks, __ATOMIC_RELAXED);
  MPI_Reduce(&mine, &total, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
  if (g_rank == 0) {
    printf("thread_test: stress %.2f s for %d iterations x %d threads\n", t1 - t0, g_iters,
           kThreads);
    printf("thread_test: OK (%ld checks)\n", total);
    fflush(stdout);
  }
  MPI_Finalize();
  return 0;
}
