/* Non-blocking collectives (MPI_I*): every form on MPI_COMM_WORLD, a reversed split and
 * MPI_COMM_SELF, every root, counts 0/1/odd/large, MPI_IN_PLACE, derived datatypes; 32
 * outstanding on one communicator completed in a shuffled order (Waitall, Testsome, Waitany);
 * progress while the program only calls MPI_Iprobe; the empty status; the small Iallreduce and
 * Ibcast path (sizes on both sides of its limit, 40 outstanding between blocking collectives,
 * 150 started back to back: more than a ring's slots).
 * Every expected value is computed locally and exactly. Uses only <mpi.h>. Prints
 * "coll_nb_test: OK (<n> checks)". */
#include <string.h>
#include <time.h>

static const char kTestName[] = "coll_nb_test";
#include "job_check.h"

static int val(int r, int i) { return (r + 1) * 100000 + i * 7 % 9973; }

static void wait1(MPI_Request *req) {
  MPI_Status st;
  int count = -1;
  CALL(MPI_Wait(req, &st));
  if (*req != MPI_REQUEST_NULL) fail("request not freed by MPI_Wait");
  CALL(MPI_Get_count(&st, MPI_INT, &count));
  if (st.MPI_SOURCE != MPI_ANY_SOURCE || st.MPI_TAG != MPI_ANY_TAG || count != 0)
    fail("status of a collective not empty (%d %d %d)", st.MPI_SOURCE, st.MPI_TAG, count);
  g_checks++;
}

static void check_ints(const int *got, const int *want, int n, const char *what) {
  for (int i = 0; i < n; ++i)
    if (got[i] != want[i]) fail("%s: element %d is %d, want %d", what, i, got[i], want[i]);
  g_checks++;
}

static const int kCounts[] = {0, 1, 7, 1000, 70000};
#define NCOUNTS ((int)(sizeof(kCounts) / sizeof(kCounts[0])))

static void test_barrier_bcast(void) {
  MPI_Request req;
  CALL(MPI_Ibarrier(g_comm, &req));
  wait1(&req);
  /* MPI_Request_get_status polls without freeing; then MPI_Waitany completes it. */
  CALL(MPI_Ibarrier(g_comm, &req));
  int flag = 0, idx = -1;
  double t0 = MPI_Wtime();
  while (!flag) {
    MPI_Status st;
    CALL(MPI_Request_get_status(req, &flag, &st));
    if (flag && (st.MPI_SOURCE != MPI_ANY_SOURCE || st.MPI_TAG != MPI_ANY_TAG))
      fail("Request_get_status of a collective: status not empty");
    if (MPI_Wtime() - t0 > 60) fail("Ibarrier does not complete under Request_get_status");
  }
  if (req == MPI_REQUEST_NULL) fail("Request_get_status freed the request");
  MPI_Request two[2] = {MPI_REQUEST_NULL, req};
  CALL(MPI_Waitany(2, two, &idx, MPI_STATUS_IGNORE));
  if (idx != 1 || two[1] != MPI_REQUEST_NULL) fail("Waitany: index %d", idx);
  g_checks++;
  for (int ci = 0; ci < NCOUNTS; ++ci) {
    int n = kCounts[ci];
    int *buf = xmalloc(n * sizeof(int)), *want = xmalloc(n * sizeof(int));
    for (int root = 0; root < g_p; ++root) {
      for (int i = 0; i < n; ++i) {
        want[i] = val(root, i);
        buf[i] = g_me == root ? want[i] : -1;
      }
      CALL(MPI_Ibcast(buf, n, MPI_INT, root, g_comm, &req));
      wait1(&req);
      check_ints(buf, want, n, "Ibcast");
    }
    free(buf);
    free(want);
  }
  /* A vector type: 5 ints, every other one (extent 9 ints); 3 of them. */
  MPI_Datatype vec;
  CALL(MPI_Type_vector(5, 1, 2, MPI_INT, &vec));
  CALL(MPI_Type_commit(&vec));
  for (int root = 0; root < g_p; ++root) {
    int buf[30], want[30];
    for (int i = 0; i < 30; ++i) {
      int data = i < 27 && (i % 9) % 2 == 0;
      want[i] = data ? val(root, i) : -7;
      buf[i] = g_me == root ? want[i] : (data ? -1 : -7);
    }
    CALL(MPI_Ibcast(buf, 3, vec, root, g_comm, &req));
    wait1(&req);
    check_ints(buf, want, 30, "Ibcast vector");
  }
  CALL(MPI_Type_free(&vec));
}

static void test_allreduce(void) {
  MPI_Request req;
  for (int ci = 0; ci < NCOUNTS; ++ci) {
    int n = kCounts[ci];
    int *in = xmalloc(n * sizeof(int)), *out = xmalloc(n * sizeof(int));
    int *want = xmalloc(n * sizeof(int));
    for (int i = 0; i < n; ++i) {
      in[i] = val(g_me, i);
      want[i] = 0;
      for (int r = 0; r < g_p; ++r) want[i] += val(r, i);
      out[i] = -1;
    }
    CALL(MPI_Iallreduce(in, out, n, MPI_INT, MPI_SUM, g_comm, &req));
    wait1(&req);
    check_ints(out, want, n, "Iallreduce");
    memcpy(out, in, n * sizeof(int));
    CALL(MPI_Iallreduce(MPI_IN_PLACE, out, n, MPI_INT, MPI_SUM, g_comm, &req));
    wait1(&req);
    check_ints(out, want, n, "Iallreduce in place");
    /* MAX over doubles. */
    double *din = xmalloc(n * sizeof(double)), *dout = xmalloc(n * sizeof(double));
    for (int i = 0; i < n; ++i) din[i] = (double)((i * 31 + g_me * 17) % 101);
    CALL(MPI_Iallreduce(din, dout, n, MPI_DOUBLE, MPI_MAX, g_comm, &req));
    wait1(&req);
    for (int i = 0; i < n; ++i) {
      double m = 0;
      for (int r = 0; r < g_p; ++r) {
        double v = (double)((i * 31 + r * 17) % 101);
        if (v > m) m = v;
      }
      if (dout[i] != m) fail("Iallreduce MAX: element %d is %g, want %g", i, dout[i], m);
    }
    g_checks++;
    free(din);
    free(dout);
    free(in);
    free(out);
    free(want);
  }
  /* A derived type of one basic type: 4 ints, every other one (extent 7 ints); 2 of them. */
  MPI_Datatype vec;
  CALL(MPI_Type_vector(4, 1, 2, MPI_INT, &vec));
  CALL(MPI_Type_commit(&vec));
  int in[16], out[16], want[16];
  for (int i = 0; i < 16; ++i) {
    in[i] = val(g_me, i);
    out[i] = -3;
    want[i] = -3;
    if (i < 14 && (i % 7) % 2 == 0) {
      want[i] = 0;
      for (int r = 0; r < g_p; ++r) want[i] += val(r, i);
    }
  }
  CALL(MPI_Iallreduce(in, out, 2, vec, MPI_SUM, g_comm, &req));
  wait1(&req);
  check_ints(out, want, 16, "Iallreduce vector");
  CALL(MPI_Type_free(&vec));
}

/* 32 outstanding collectives of different kinds on one communicator, completed in a
 * shuffled order. */
static void test_many(void) {
  enum { K = 32, N = 300 };
  static int in[K][N], out[K][N];
  MPI_Request reqs[K];
  for (int k = 0; k < K; ++k) {
    for (int i = 0; i < N; ++i) {
      in[k][i] = val(g_me, i + k);
      out[k][i] = -1;
    }
    switch (k % 4) {
      case 0:
        CALL(MPI_Iallreduce(in[k], out[k], N, MPI_INT, MPI_SUM, g_comm, &reqs[k]));
        break;
      case 1:
        if (g_me == k % g_p) memcpy(out[k], in[k], sizeof(in[k]));
        CALL(MPI_Ibcast(out[k], N, MPI_INT, k % g_p, g_comm, &reqs[k]));
        break;
      case 2:
        CALL(MPI_Ibarrier(g_comm, &reqs[k]));
        break;
      default:
        CALL(MPI_Iscan(in[k], out[k], N, MPI_INT, MPI_SUM, g_comm, &reqs[k]));
        break;
    }
  }
  /* Shuffle (the same on every rank would be too kind: seed by rank). */
  int order[K];
  for (int k = 0; k < K; ++k) order[k] = k;
  unsigned seed = 12345u + 7919u * (unsigned)g_me;
  for (int k = K - 1; k > 0; --k) {
    seed = seed * 1103515245u + 12345u;
    int j = (int)(seed % (unsigned)(k + 1));
    int t = order[k];
    order[k] = order[j];
    order[j] = t;
  }
  /* First half: Wait one by one in the shuffled order; second: Testsome until done. */
  for (int x = 0; x < K / 2; ++x) {
    CALL(MPI_Wait(&reqs[order[x]], MPI_STATUS_IGNORE));
  }
  int left = K - K / 2, spins = 0;
  double t0 = MPI_Wtime();
  while (left > 0) {
    int outcount = 0, idx[K];
    CALL(MPI_Testsome(K, reqs, &outcount, idx, MPI_STATUSES_IGNORE));
    if (outcount == MPI_UNDEFINED) fail("Testsome: no active request but %d left", left);
    left -= outcount;
    if (++spins % 1000 == 0 && MPI_Wtime() - t0 > 60) fail("Testsome: no completion in 60 s");
  }
  for (int k = 0; k < K; ++k) {
    if (reqs[k] != MPI_REQUEST_NULL) fail("request %d not null after completion", k);
    int want[N];
    for (int i = 0; i < N; ++i) {
      switch (k % 4) {
        case 0:
          want[i] = 0;
          for (int r = 0; r < g_p; ++r) want[i] += val(r, i + k);
          break;
        case 1:
          want[i] = val(k % g_p, i + k);
          break;
        case 2:
          want[i] = -1;
          break;
        default:
          want[i] = 0;
          for (int r = 0; r <= g_me; ++r) want[i] += val(r, i + k);
      }
    }
    check_ints(out[k], want, N, "outstanding collective");
  }
}

/* Small Iallreduce (2 ranks) and Ibcast (up to 4) take a path without a schedule: sizes on
 * both sides of its 4 KiB limit, in place, a pair type, completion by MPI_Test polling, and
 * 40 of them outstanding between blocking collectives on the same communicator, completed
 * newest first. */
static void test_small(void) {
  static const int kSmall[] = {1, 3, 13, 1023, 1024, 1025};
  MPI_Request req;
  for (int ci = 0; ci < (int)(sizeof(kSmall) / sizeof(kSmall[0])); ++ci) {
    int n = kSmall[ci];
    int *in = xmalloc(n * sizeof(int)), *out = xmalloc((n + 1) * sizeof(int));
    int *want = xmalloc(n * sizeof(int));
    for (int i = 0; i < n; ++i) {
      in[i] = val(g_me, i + n);
      want[i] = 0;
      for (int r = 0; r < g_p; ++r) want[i] += val(r, i + n);
      out[i] = -1;
    }
    out[n] = -9; /* past the end: untouched */
    CALL(MPI_Iallreduce(in, out, n, MPI_INT, MPI_SUM, g_comm, &req));
    int flag = 0;
    double t0 = MPI_Wtime();
    while (!flag) {
      CALL(MPI_Test(&req, &flag, MPI_STATUS_IGNORE));
      if (MPI_Wtime() - t0 > 60) fail("small Iallreduce does not complete under MPI_Test");
    }
    check_ints(out, want, n, "small Iallreduce");
    if (out[n] != -9) fail("small Iallreduce wrote past the buffer");
    memcpy(out, in, n * sizeof(int));
    CALL(MPI_Iallreduce(MPI_IN_PLACE, out, n, MPI_INT, MPI_SUM, g_comm, &req));
    wait1(&req);
    check_ints(out, want, n, "small Iallreduce in place");
    for (int root = 0; root < g_p; ++root) {
      for (int i = 0; i < n; ++i) out[i] = g_me == root ? val(root, i) : -1;
      CALL(MPI_Ibcast(out, n, MPI_INT, root, g_comm, &req));
      wait1(&req);
      for (int i = 0; i < n; ++i) want[i] = val(root, i);
      check_ints(out, want, n, "small Ibcast");
      if (out[n] != -9) fail("small Ibcast wrote past the buffer");
    }
    free(in);
    free(out);
    free(want);
  }
  /* MAXLOC on a pair type; ties go to the lower rank. */
  struct {
    double v;
    int k;
  } pin[5], pout[5];
  for (int i = 0; i < 5; ++i) {
    pin[i].v = i == 2 ? 1.5 : (double)((i + g_me) % 3);
    pin[i].k = g_me;
  }
  CALL(MPI_Iallreduce(pin, pout, 5, MPI_DOUBLE_INT, MPI_MAXLOC, g_comm, &req));
  wait1(&req);
  for (int i = 0; i < 5; ++i) {
    double best = -1;
    int at = -1;
    for (int r = 0; r < g_p; ++r) {
      double v = i == 2 ? 1.5 : (double)((i + r) % 3);
      if (v > best) {
        best = v;
        at = r;
      }
    }
    if (pout[i].v != best || pout[i].k != at)
      fail("small Iallreduce MAXLOC %d: (%g, %d), want (%g, %d)", i, pout[i].v, pout[i].k, best,
           at);
  }
  g_checks++;
  /* Outstanding ones between blocking collectives. */
  enum { K = 40, M = 5 };
  static int a[K][M], b[K][M];
  MPI_Request reqs[K];
  for (int k = 0; k < K; ++k) {
    for (int i = 0; i < M; ++i) a[k][i] = b[k][i] = val(g_me, i + 3 * k);
    if (k % 2 == 0) {
      CALL(MPI_Iallreduce(k % 4 == 0 ? MPI_IN_PLACE : a[k], b[k], M, MPI_INT, MPI_SUM, g_comm,
                          &reqs[k]));
    } else {
      CALL(MPI_Ibcast(b[k], M, MPI_INT, k % g_p, g_comm, &reqs[k]));
    }
    int x = val(g_me, k), sum = 0;
    if (k % 3 == 0) {
      CALL(MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_INT, MPI_SUM, g_comm));
      for (int r = 0; r < g_p; ++r) sum += val(r, k);
    } else {
      CALL(MPI_Bcast(&x, 1, MPI_INT, (k + 1) % g_p, g_comm));
      sum = val((k + 1) % g_p, k);
    }
    if (x != sum) fail("blocking collective %d between outstanding ones: %d, want %d", k, x, sum);
  }
  for (int k = K - 1; k >= 0; --k) CALL(MPI_Wait(&reqs[k], MPI_STATUS_IGNORE));
  for (int k = 0; k < K; ++k) {
    int want[M];
    for (int i = 0; i < M; ++i) {
      want[i] = 0;
      if (k % 2 == 0) {
        for (int r = 0; r < g_p; ++r) want[i] += val(r, i + 3 * k);
      } else {
        want[i] = val(k % g_p, i + 3 * k);
      }
    }
    check_ints(b[k], want, M, "outstanding small collective");
  }
}

/* More small ones outstanding than an shm ring has slots (64), started with no other MPI call
 * between them: the first go out as frames at once (the request is the posted receive),
 * later ones find the peer's ring full and send through a request (the path with parts). Then
 * they complete in any order under MPI_Testsome, with one freed by MPI_Request_free. */
static void test_small_flood(void) {
  enum { K = 150, M = 3 };
  static int a[K][M], b[K][M];
  MPI_Request reqs[K];
  int indices[K];
  for (int k = 0; k < K; ++k) {
    for (int i = 0; i < M; ++i) a[k][i] = b[k][i] = val(g_me, i + 5 * k);
    if (k % 3 != 2) {
      CALL(MPI_Iallreduce(k % 2 ? MPI_IN_PLACE : a[k], b[k], M, MPI_INT, MPI_SUM, g_comm,
                          &reqs[k]));
    } else {
      CALL(MPI_Ibcast(b[k], M, MPI_INT, k % g_p, g_comm, &reqs[k]));
    }
  }
  CALL(MPI_Request_free(&reqs[K / 2]));
  if (reqs[K / 2] != MPI_REQUEST_NULL) fail("MPI_Request_free left the handle");
  int left = K - 1, outcount = 0;
  double t0 = MPI_Wtime();
  while (left > 0) {
    CALL(MPI_Testsome(K, reqs, &outcount, indices, MPI_STATUSES_IGNORE));
    if (outcount != MPI_UNDEFINED) left -= outcount;
    if (MPI_Wtime() - t0 > 60) fail("%d small collectives of a flood never completed", left);
  }
  CALL(MPI_Barrier(g_comm)); /* the freed one completes during progress */
  for (int k = 0; k < K; ++k) {
    if (k == K / 2) continue;
    int want[M];
    for (int i = 0; i < M; ++i) {
      want[i] = 0;
      if (k % 3 != 2) {
        for (int r = 0; r < g_p; ++r) want[i] += val(r, i + 5 * k);
      } else {
        want[i] = val(k % g_p, i + 5 * k);
      }
    }
    check_ints(b[k], want, M, "flood of small collectives");
  }
}

/* Progress while the program only calls MPI_Iprobe: the result shows up in the buffer. */
static void test_overlap(void) {
  enum { N = 200000 };
  int *in = xmalloc(N * sizeof(int)), *out = xmalloc(N * sizeof(int));
  for (int i = 0; i < N; ++i) {
    in[i] = val(g_me, i);
    out[i] = -1;
  }
  int first_want = 0, last_want = 0;
  for (int r = 0; r < g_p; ++r) {
    first_want += val(r, 0);
    last_want += val(r, N - 1);
  }
  MPI_Request req;
  CALL(MPI_Iallreduce(in, out, N, MPI_INT, MPI_SUM, g_comm, &req));
  double t0 = MPI_Wtime();
  volatile int *vout = out;
  for (;;) {
    int flag;
    CALL(MPI_Iprobe(MPI_ANY_SOURCE, 999, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE));
    if (vout[0] == first_want && vout[N - 1] == last_want) break;
    if (MPI_Wtime() - t0 > 60) fail("Iallreduce made no progress under MPI_Iprobe");
  }
  g_checks++;
  wait1(&req);
  free(in);
  free(out);
}

static void on_comm(MPI_Comm comm, const char *label) {
  g_comm = comm;
  g_label = label;
  CALL(MPI_Comm_rank(comm, &g_me));
  CALL(MPI_Comm_size(comm, &g_p));
  test_barrier_bcast();
  test_allreduce();
  test_many();
  test_small();
  test_small_flood();
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  on_comm(MPI_COMM_WORLD, "world");
  MPI_Comm rev;
  CALL(MPI_Comm_split(MPI_COMM_WORLD, g_world_rank % 2, size - g_world_rank, &rev));
  on_comm(rev, "reversed split");
  CALL(MPI_Comm_free(&rev));
  on_comm(MPI_COMM_SELF, "self");
  g_comm = MPI_COMM_WORLD;
  g_label = "world";
  MPI_Comm_rank(MPI_COMM_WORLD, &g_me);
  g_p = size;
  test_overlap();
  return finish_ok();
}
