/* MPI_THREAD_MULTIPLE beyond thread_test.c: four threads per rank on ONE shared communicator,
 * and non-blocking collectives from every thread on its own communicator.
 * - shared matching: every thread of every rank sends numbered messages to every rank with
 *   one tag; every thread of the receiver takes its share with MPI_Recv(ANY_SOURCE): each
 *   message arrives exactly once, and one receiving thread sees each sending thread's
 *   messages in the order they were sent (non-overtaking);
 * - matched probes: MPI_Mprobe / MPI_Improbe with ANY_SOURCE from all threads at once, so two
 *   threads never get the same message; MPI_Probe then MPI_Recv on a per-thread tag;
 * - requests one thread starts and another completes (MPI_Waitany / MPI_Testsome / MPI_Test),
 *   handed over through a pthread barrier;
 * - while threads 1-3 do point-to-point on the shared communicator, thread 0 runs blocking
 *   and non-blocking collectives and MPI_Comm_split / MPI_Comm_dup on it;
 * - each thread on its own communicator (split of world, ranks reversed): several
 *   MPI_Ibcast / MPI_Iallreduce / MPI_Igather / MPI_Ibarrier outstanding at once, completed
 *   by MPI_Testall polling, MPI_Waitsome or MPI_Waitall in turn.
 * Prints "thread_shared_test: OK (<n> checks)" on rank 0. Usage: thread_shared_test [rounds] */
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "thread_check.h"

enum { kThreads = 4, kPerPeer = 6, kMatchTag = 7, kProbeTag = 9, kNbc = 4 };

static int g_rank, g_size, g_rounds = 6;
static long g_checks;
static const char *kTestName = "thread_shared_test";
static MPI_Comm g_shared;
static pthread_barrier_t g_barrier;

/* ---- shared matching: ANY_SOURCE receives from all threads on one communicator ---- */

/* A message: sender rank, sender thread, sequence number (per sender thread and receiver),
 * the round, and a payload derived from them. */
struct msg {
  int src, thread, seq, round, payload;
};
static int payload(int src, int thread, int seq, int round) {
  return src * 7919 + thread * 613 + seq * 17 + round;
}

/* seen[src][thread][seq]: how many times this rank received that message in this round. */
static int* g_seen;
static int* seen(int src, int thread, int seq) {
  return &g_seen[(src * kThreads + thread) * kPerPeer + seq];
}

static void shared_matching(int id, int round) {
  MPI_Request* reqs = malloc(sizeof(MPI_Request) * g_size * kPerPeer);
  struct msg* out = malloc(sizeof(struct msg) * g_size * kPerPeer);
  for (int d = 0; d < g_size; ++d) {
    for (int s = 0; s < kPerPeer; ++s) {
      struct msg* m = &out[d * kPerPeer + s];
      m->src = g_rank;
      m->thread = id;
      m->seq = s;
      m->round = round;
      m->payload = payload(g_rank, id, s, round);
      CALL(id, MPI_Isend(m, 5, MPI_INT, d, kMatchTag, g_shared, &reqs[d * kPerPeer + s]));
    }
  }
  /* Each thread takes as many messages as it sent in all: g_size * kPerPeer. */
  int last[64][kThreads];
  for (int r = 0; r < g_size && r < 64; ++r) {
    for (int t = 0; t < kThreads; ++t) last[r][t] = -1;
  }
  for (int k = 0; k < g_size * kPerPeer; ++k) {
    struct msg in;
    MPI_Status st;
    CALL(id, MPI_Recv(&in, 5, MPI_INT, MPI_ANY_SOURCE, kMatchTag, g_shared, &st));
    CHECK(id, in.src >= 0 && in.src < g_size && in.src == st.MPI_SOURCE, "source %d, status %d",
          in.src, st.MPI_SOURCE);
    CHECK(id, in.thread >= 0 && in.thread < kThreads && in.seq >= 0 && in.seq < kPerPeer,
          "thread %d seq %d", in.thread, in.seq);
    CHECK(id, in.round == round && in.payload == payload(in.src, in.thread, in.seq, round),
          "round %d payload %d", in.round, in.payload);
    if (in.src < 64) {
      CHECK(id, in.seq > last[in.src][in.thread], "overtaken: seq %d after %d from %d/%d", in.seq,
            last[in.src][in.thread], in.src, in.thread);
      last[in.src][in.thread] = in.seq;
    }
    __atomic_fetch_add(seen(in.src, in.thread, in.seq), 1, __ATOMIC_RELAXED);
  }
  CALL(id, MPI_Waitall(g_size * kPerPeer, reqs, MPI_STATUSES_IGNORE));
  free(reqs);
  free(out);
}

static void check_seen(int round) {
  for (int r = 0; r < g_size; ++r) {
    for (int t = 0; t < kThreads; ++t) {
      for (int s = 0; s < kPerPeer; ++s) {
        int n = __atomic_load_n(seen(r, t, s), __ATOMIC_RELAXED);
        CHECK(-1, n == 1, "round %d: message %d/%d/%d received %d times", round, r, t, s, n);
        *seen(r, t, s) = 0;
      }
    }
  }
}

/* ---- matched probes from all threads at once; MPI_Probe on a per-thread tag ---- */

static int g_probed;

static void probes(int id, int round) {
  const int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  int out[2] = {g_rank, round * 100 + id};
  MPI_Request r[2];
  /* One message with the common tag (any thread may take it), one with this thread's tag. */
  CALL(id, MPI_Isend(out, 2, MPI_INT, next, kProbeTag, g_shared, &r[0]));
  CALL(id, MPI_Isend(out, 2, MPI_INT, next, 100 + id, g_shared, &r[1]));
  MPI_Message msg;
  MPI_Status st;
  int in[2] = {-1, -1}, count = -1;
  if ((round + id) % 2 == 0) {
    CALL(id, MPI_Mprobe(MPI_ANY_SOURCE, kProbeTag, g_shared, &msg, &st));
  } else {
    int flag = 0;
    double deadline = now() + 120;
    while (!flag) {
      CALL(id, MPI_Improbe(MPI_ANY_SOURCE, kProbeTag, g_shared, &flag, &msg, &st));
      CHECK(id, flag || now() < deadline, "MPI_Improbe never found a message");
    }
  }
  MPI_Get_count(&st, MPI_INT, &count);
  CHECK(id, count == 2 && st.MPI_SOURCE == prev, "mprobe count %d source %d", count, st.MPI_SOURCE);
  CALL(id, MPI_Mrecv(in, 2, MPI_INT, &msg, &st));
  CHECK(id, msg == MPI_MESSAGE_NULL && in[0] == prev && in[1] / 100 == round, "mrecv got %d/%d",
        in[0], in[1]);
  __atomic_fetch_add(&g_probed, 1 << (in[1] % 100 * 4), __ATOMIC_RELAXED);
  CALL(id, MPI_Probe(prev, 100 + id, g_shared, &st));
  CHECK(id, st.MPI_SOURCE == prev && st.MPI_TAG == 100 + id, "probe status %d/%d", st.MPI_SOURCE,
        st.MPI_TAG);
  CALL(id, MPI_Recv(in, 2, MPI_INT, prev, 100 + id, g_shared, MPI_STATUS_IGNORE));
  CHECK(id, in[0] == prev && in[1] == round * 100 + id, "probed recv got %d/%d", in[0], in[1]);
  CALL(id, MPI_Waitall(2, r, MPI_STATUSES_IGNORE));
}

/* ---- requests started by one thread, completed by another ---- */

static MPI_Request g_handed[kThreads][2];
static int g_hand_in[kThreads], g_hand_out[kThreads];

static void hand_over(int id, int round) {
  const int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  g_hand_out[id] = round * 1000 + g_rank * 10 + id;
  g_hand_in[id] = -1;
  CALL(id, MPI_Irecv(&g_hand_in[id], 1, MPI_INT, prev, 200 + id, g_shared, &g_handed[id][0]));
  CALL(id, MPI_Isend(&g_hand_out[id], 1, MPI_INT, next, 200 + id, g_shared, &g_handed[id][1]));
  pthread_barrier_wait(&g_barrier);
  /* Complete the requests of thread id+1, each thread its own way. */
  const int other = (id + 1) % kThreads;
  MPI_Request* reqs = g_handed[other];
  if (id % 3 == 0) {
    int index = -1, left = 2;
    while (left > 0) {
      CALL(id, MPI_Waitany(2, reqs, &index, MPI_STATUS_IGNORE));
      CHECK(id, index == 0 || index == 1, "waitany index %d", index);
      --left;
    }
  } else if (id % 3 == 1) {
    int done = 0, outcount = 0, indices[2];
    double deadline = now() + 120;
    while (done < 2) {
      CALL(id, MPI_Testsome(2, reqs, &outcount, indices, MPI_STATUSES_IGNORE));
      if (outcount != MPI_UNDEFINED) done += outcount;
      CHECK(id, done == 2 || now() < deadline, "testsome never completed (%d)", done);
    }
  } else {
    for (int k = 0; k < 2; ++k) {
      int flag = 0;
      double deadline = now() + 120;
      while (!flag) {
        CALL(id, MPI_Test(&reqs[k], &flag, MPI_STATUS_IGNORE));
        CHECK(id, flag || now() < deadline, "test never completed");
      }
    }
  }
  CHECK(id, reqs[0] == MPI_REQUEST_NULL && reqs[1] == MPI_REQUEST_NULL, "handles not freed");
  CHECK(id, g_hand_in[other] == round * 1000 + prev * 10 + other, "handed recv got %d",
        g_hand_in[other]);
  pthread_barrier_wait(&g_barrier);
}

/* ---- thread 0: collectives and communicator creation on the shared communicator ---- */

static void shared_collectives(int round) {
  long mine = g_rank + round, sum = -1;
  CALL(0, MPI_Allreduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, g_shared));
  CHECK(0, sum == (long)g_size * (g_size - 1) / 2 + (long)g_size * round, "allreduce %ld", sum);
  int v = g_rank == round % g_size ? 4000 + round : -1;
  MPI_Request r;
  CALL(0, MPI_Ibcast(&v, 1, MPI_INT, round % g_size, g_shared, &r));
  CALL(0, MPI_Wait(&r, MPI_STATUS_IGNORE));
  CHECK(0, v == 4000 + round, "ibcast %d", v);
  MPI_Comm split, dup;
  CALL(0, MPI_Comm_split(g_shared, g_rank % 2, g_size - g_rank, &split));
  int srank = -1, ssize = -1;
  MPI_Comm_rank(split, &srank);
  MPI_Comm_size(split, &ssize);
  CHECK(0, ssize == (g_size + 1 - g_rank % 2) / 2, "split size %d", ssize);
  CALL(0, MPI_Comm_dup(split, &dup));
  int total = -1;
  CALL(0, MPI_Allreduce(&srank, &total, 1, MPI_INT, MPI_SUM, dup));
  CHECK(0, total == ssize * (ssize - 1) / 2, "split allreduce %d", total);
  CALL(0, MPI_Comm_free(&dup));
  CALL(0, MPI_Comm_free(&split));
  CALL(0, MPI_Barrier(g_shared));
}

/* Threads 1-3 meanwhile: a ring on the shared communicator with their own tags. */
static void shared_ring(int id, int round) {
  const int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  for (int i = 0; i < 20; ++i) {
    int out = round * 100000 + id * 1000 + i, in = -1;
    CALL(id, MPI_Sendrecv(&out, 1, MPI_INT, next, 300 + id, &in, 1, MPI_INT, prev, 300 + id,
                          g_shared, MPI_STATUS_IGNORE));
    CHECK(id, in == out, "ring got %d, want %d", in, out);
  }
}

/* ---- non-blocking collectives on each thread's own communicator ---- */

static void own_nbc(int id, MPI_Comm comm, int round) {
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int bc[kNbc], sum[kNbc], one[kNbc], *gathered = malloc(sizeof(int) * size * kNbc);
  MPI_Request reqs[4 * kNbc];
  for (int k = 0; k < kNbc; ++k) {
    const int root = (round + k + id) % size;
    bc[k] = rank == root ? round * 10 + k : -1;
    one[k] = rank + k;
    CALL(id, MPI_Ibcast(&bc[k], 1, MPI_INT, root, comm, &reqs[4 * k]));
    CALL(id, MPI_Iallreduce(&one[k], &sum[k], 1, MPI_INT, MPI_SUM, comm, &reqs[4 * k + 1]));
    CALL(id, MPI_Igather(&one[k], 1, MPI_INT, gathered + k * size, 1, MPI_INT, root, comm,
                         &reqs[4 * k + 2]));
    CALL(id, MPI_Ibarrier(comm, &reqs[4 * k + 3]));
  }
  if (round % 3 == 0) {
    int flag = 0;
    double deadline = now() + 120;
    while (!flag) {
      CALL(id, MPI_Testall(4 * kNbc, reqs, &flag, MPI_STATUSES_IGNORE));
      CHECK(id, flag || now() < deadline, "testall never completed");
    }
  } else if (round % 3 == 1) {
    int done = 0, outcount, indices[4 * kNbc];
    while (done < 4 * kNbc) {
      CALL(id, MPI_Waitsome(4 * kNbc, reqs, &outcount, indices, MPI_STATUSES_IGNORE));
      CHECK(id, outcount != MPI_UNDEFINED, "waitsome found nothing active at %d", done);
      done += outcount;
    }
  } else {
    CALL(id, MPI_Waitall(4 * kNbc, reqs, MPI_STATUSES_IGNORE));
  }
  for (int k = 0; k < kNbc; ++k) {
    const int root = (round + k + id) % size;
    CHECK(id, bc[k] == round * 10 + k, "ibcast %d: %d", k, bc[k]);
    CHECK(id, sum[k] == size * (size - 1) / 2 + size * k, "iallreduce %d: %d", k, sum[k]);
    if (rank == root) {
      for (int r = 0; r < size; ++r) {
        CHECK(id, gathered[k * size + r] == r + k, "igather %d from %d: %d", k, r,
              gathered[k * size + r]);
      }
    }
  }
  free(gathered);
}

struct worker {
  int id;
  MPI_Comm own; /* split of world with ranks reversed, made by the main thread */
};

static void* work(void* arg) {
  struct worker* w = arg;
  for (int round = 0; round < g_rounds; ++round) {
    shared_matching(w->id, round);
    pthread_barrier_wait(&g_barrier);
    if (w->id == 0) {
      /* Every rank's threads are done receiving this round's messages (all were taken). */
      CALL(0, MPI_Barrier(g_shared));
      check_seen(round);
    }
    pthread_barrier_wait(&g_barrier);
    probes(w->id, round);
    hand_over(w->id, round);
    if (w->id == 0) {
      shared_collectives(round);
    } else {
      shared_ring(w->id, round);
    }
    own_nbc(w->id, w->own, round);
  }
  return NULL;
}

int main(int argc, char** argv) {
  int provided = -1;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  /* At most 15: g_probed counts each thread's matched probes in a 4-bit field. */
  if (argc > 1) g_rounds = atoi(argv[1]);
  if (g_rounds < 1 || g_rounds > 15) g_rounds = 6;
  CHECK(-1, provided == MPI_THREAD_MULTIPLE, "provided %d", provided);
  g_seen = calloc((size_t)g_size * kThreads * kPerPeer, sizeof(int));
  pthread_barrier_init(&g_barrier, NULL, kThreads);
  CALL(-1, MPI_Comm_dup(MPI_COMM_WORLD, &g_shared));
  struct worker w[kThreads];
  pthread_t th[kThreads];
  for (int t = 0; t < kThreads; ++t) {
    w[t].id = t;
    CALL(-1, MPI_Comm_split(MPI_COMM_WORLD, 0, g_size - g_rank, &w[t].own));
  }
  double t0 = now();
  for (int t = 0; t < kThreads; ++t) {
    CHECK(-1, pthread_create(&th[t], NULL, work, &w[t]) == 0, "pthread_create");
  }
  for (int t = 0; t < kThreads; ++t) pthread_join(th[t], NULL);
  double t1 = now();
  /* Every thread's common-tag message was probed by exactly one thread: 4 bits fields. */
  int want = 0;
  for (int t = 0; t < kThreads; ++t) want += g_rounds << (t * 4);
  CHECK(-1, g_probed == want, "matched probes took %#x, want %#x", g_probed, want);
  for (int t = 0; t < kThreads; ++t) CALL(-1, MPI_Comm_free(&w[t].own));
  CALL(-1, MPI_Comm_free(&g_shared));
  pthread_barrier_destroy(&g_barrier);
  free(g_seen);

  long total = 0, mine = __atomic_load_n(&g_checks, __ATOMIC_RELAXED);
  MPI_Reduce(&mine, &total, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
  if (g_rank == 0) {
    printf("thread_shared_test: %d rounds x %d threads in %.2f s\n", g_rounds, kThreads, t1 - t0);
    printf("thread_shared_test: OK (%ld checks)\n", total);
    fflush(stdout);
  }
  MPI_Finalize();
  return 0;
}
