/* Persistent collectives (MPI-4 *_init) and the error classes of the non-blocking and
 * persistent forms: every *_init started and waited 10 times with changing data (Start,
 * Startall, Wait, Waitall, Test), MPI_Request_free of an inactive and of an active one,
 * MPI_Cancel refused, MPI_Start of an active request refused, the empty status, and bad
 * arguments with their error classes under MPI_ERRORS_RETURN. Uses only <mpi.h>. Prints
 * "coll_init_test: OK (<n> checks)". */
#include <string.h>

static const char kTestName[] = "coll_init_test";
#include "job_check.h"

static int val(int r, int i, int round) { return (r + 1) * 1000 + i + round * 37; }

static void check(const int *got, const int *want, int n, const char *what, int round) {
  for (int i = 0; i < n; ++i)
    if (got[i] != want[i])
      fail("%s (round %d): element %d is %d, want %d", what, round, i, got[i], want[i]);
  g_checks++;
}

static void expect_class(int rc, int want, const char *what) {
  int cls = -1;
  if (rc == MPI_SUCCESS) fail("%s succeeded, want error class %d", what, want);
  MPI_Error_class(rc, &cls);
  if (cls != want) fail("%s: error class %d, want %d", what, cls, want);
  g_checks++;
}

static void test_persistent(void) {
  const int p = g_p, me = g_me;
  enum { N = 9, ROUNDS = 10 };
  int bc[N], ar_in[N], ar_out[N], red_out[N], ga_in[2], *ga_out = xmalloc(2 * p * sizeof(int));
  int sc_in[N], sc_out[N], ex_out[N], *a2a_in = xmalloc(p * sizeof(int));
  int *a2a_out = xmalloc(p * sizeof(int));
  int want[N], *gw = xmalloc(2 * p * sizeof(int)), *aw = xmalloc(p * sizeof(int));
  const int root = p - 1;
  MPI_Request reqs[8];
  CALL(MPI_Barrier_init(g_comm, MPI_INFO_NULL, &reqs[0]));
  CALL(MPI_Bcast_init(bc, N, MPI_INT, root, g_comm, MPI_INFO_NULL, &reqs[1]));
  CALL(MPI_Allreduce_init(ar_in, ar_out, N, MPI_INT, MPI_SUM, g_comm, MPI_INFO_NULL, &reqs[2]));
  CALL(MPI_Reduce_init(ar_in, red_out, N, MPI_INT, MPI_MAX, 0, g_comm, MPI_INFO_NULL, &reqs[3]));
  CALL(MPI_Allgather_init(ga_in, 2, MPI_INT, ga_out, 2, MPI_INT, g_comm, MPI_INFO_NULL, &reqs[4]));
  CALL(MPI_Scan_init(sc_in, sc_out, N, MPI_INT, MPI_SUM, g_comm, MPI_INFO_NULL, &reqs[5]));
  CALL(MPI_Exscan_init(sc_in, ex_out, N, MPI_INT, MPI_SUM, g_comm, MPI_INFO_NULL, &reqs[6]));
  CALL(MPI_Alltoall_init(a2a_in, 1, MPI_INT, a2a_out, 1, MPI_INT, g_comm, MPI_INFO_NULL, &reqs[7]));
  /* Inactive: a wait returns at once with an empty status. */
  MPI_Status st;
  st.MPI_SOURCE = 77;
  CALL(MPI_Wait(&reqs[1], &st));
  if (reqs[1] == MPI_REQUEST_NULL || st.MPI_SOURCE != MPI_ANY_SOURCE)
    fail("wait on an inactive persistent collective");
  g_checks++;
  for (int round = 0; round < ROUNDS; ++round) {
    for (int i = 0; i < N; ++i) {
      bc[i] = me == root ? val(root, i, round) : -1;
      ar_in[i] = val(me, i, round);
      sc_in[i] = val(me, i, round) - 2000;
      ar_out[i] = red_out[i] = sc_out[i] = ex_out[i] = -1;
    }
    ga_in[0] = val(me, 0, round);
    ga_in[1] = val(me, 1, round);
    for (int i = 0; i < p; ++i) a2a_in[i] = me * 100 + i + round;
    if (round % 3 == 0) {
      CALL(MPI_Startall(8, reqs));
    } else {
      for (int k = 0; k < 8; ++k) CALL(MPI_Start(&reqs[k]));
    }
    if (round == 0) {
      /* Started twice: MPI_ERR_REQUEST; cancel: MPI_ERR_REQUEST. */
      expect_class(MPI_Start(&reqs[2]), MPI_ERR_REQUEST, "MPI_Start of an active request");
      expect_class(MPI_Cancel(&reqs[2]), MPI_ERR_REQUEST, "MPI_Cancel of a collective");
    }
    if (round % 2 == 0) {
      MPI_Status sts[8];
      CALL(MPI_Waitall(8, reqs, sts));
      for (int k = 0; k < 8; ++k) {
        int count = -1;
        MPI_Get_count(&sts[k], MPI_INT, &count);
        if (sts[k].MPI_SOURCE != MPI_ANY_SOURCE || sts[k].MPI_TAG != MPI_ANY_TAG || count != 0)
          fail("status of persistent collective %d not empty", k);
      }
    } else {
      int flag = 0;
      double t0 = MPI_Wtime();
      while (!flag) {
        CALL(MPI_Testall(8, reqs, &flag, MPI_STATUSES_IGNORE));
        if (MPI_Wtime() - t0 > 60) fail("Testall: persistent collectives do not complete");
      }
    }
    for (int k = 0; k < 8; ++k)
      if (reqs[k] == MPI_REQUEST_NULL) fail("persistent request %d freed by completion", k);
    int w2[N];
    for (int i = 0; i < N; ++i) {
      want[i] = val(root, i, round);
      w2[i] = 0;
      for (int r = 0; r < p; ++r) w2[i] += val(r, i, round);
    }
    check(bc, want, N, "Bcast_init", round);
    check(ar_out, w2, N, "Allreduce_init", round);
    if (me == 0) {
      for (int i = 0; i < N; ++i) want[i] = val(p - 1, i, round);
      check(red_out, want, N, "Reduce_init MAX", round);
    }
    for (int i = 0; i < 2 * p; ++i) gw[i] = val(i / 2, i % 2, round);
    check(ga_out, gw, 2 * p, "Allgather_init", round);
    for (int i = 0; i < N; ++i) {
      want[i] = 0;
      for (int r = 0; r <= me; ++r) want[i] += val(r, i, round) - 2000;
      w2[i] = want[i] - (val(me, i, round) - 2000);
    }
    check(sc_out, want, N, "Scan_init", round);
    if (me > 0) check(ex_out, w2, N, "Exscan_init", round);
    for (int i = 0; i < p; ++i) aw[i] = i * 100 + me + round;
    check(a2a_out, aw, p, "Alltoall_init", round);
  }
  /* Free inactive requests. */
  for (int k = 0; k < 8; ++k) {
    CALL(MPI_Request_free(&reqs[k]));
    if (reqs[k] != MPI_REQUEST_NULL) fail("Request_free did not null the handle");
  }
  g_checks++;
  /* Free an active one: it completes by itself (a barrier afterwards drives progress). */
  static int keep[4];
  MPI_Request r;
  CALL(MPI_Allreduce_init(MPI_IN_PLACE, keep, 4, MPI_INT, MPI_SUM, g_comm, MPI_INFO_NULL, &r));
  CALL(MPI_Start(&r));
  CALL(MPI_Request_free(&r));
  CALL(MPI_Ibarrier(g_comm, &r));
  CALL(MPI_Request_free(&r));
  CALL(MPI_Barrier(g_comm));
  g_checks++;
  free(ga_out);
  free(a2a_in);
  free(a2a_out);
  free(gw);
  free(aw);
}

static void test_errors(void) {
  MPI_Request req = MPI_REQUEST_NULL;
  int buf[4] = {0, 0, 0, 0}, out[4];
  expect_class(MPI_Ibcast(buf, 1, MPI_INT, g_p, g_comm, &req), MPI_ERR_ROOT, "Ibcast root");
  expect_class(MPI_Ibcast(buf, -1, MPI_INT, 0, g_comm, &req), MPI_ERR_COUNT, "Ibcast count");
  expect_class(MPI_Ibcast(buf, 1, MPI_DATATYPE_NULL, 0, g_comm, &req), MPI_ERR_TYPE, "Ibcast type");
  expect_class(MPI_Ibarrier(MPI_COMM_NULL, &req), MPI_ERR_COMM, "Ibarrier comm");
  expect_class(MPI_Iallreduce(buf, out, 1, MPI_INT, MPI_OP_NULL, g_comm, &req), MPI_ERR_OP,
               "Iallreduce op");
  expect_class(MPI_Iallreduce(buf, buf, 1, MPI_INT, MPI_SUM, g_comm, &req), MPI_ERR_BUFFER,
               "Iallreduce aliased buffers");
  expect_class(MPI_Ireduce(buf, out, 1, MPI_INT, MPI_SUM, -1, g_comm, &req), MPI_ERR_ROOT,
               "Ireduce root");
  expect_class(MPI_Iallreduce(buf, out, 1, MPI_INT, MPI_SUM, g_comm, NULL), MPI_ERR_ARG,
               "Iallreduce null request");
  expect_class(MPI_Bcast_init(buf, 1, MPI_INT, 0, g_comm, (MPI_Info)0x12345, &req), MPI_ERR_INFO,
               "Bcast_init info");
  expect_class(MPI_Allreduce_init(buf, out, 1, MPI_INT, MPI_OP_NULL, g_comm, MPI_INFO_NULL, &req),
               MPI_ERR_OP, "Allreduce_init op");
}

static void test_errors_op(void) {
  /* MPI_BAND on MPI_FLOAT is not defined: MPI_ERR_OP. */
  MPI_Request req;
  float f = 1, g;
  expect_class(MPI_Iallreduce(&f, &g, 1, MPI_FLOAT, MPI_BAND, g_comm, &req), MPI_ERR_OP,
               "Iallreduce BAND on float");
  int counts[64];
  for (int i = 0; i < g_p; ++i) counts[i] = 1;
  counts[g_p - 1] = -1;
  int in[64], out[64];
  expect_class(MPI_Ireduce_scatter(in, out, counts, MPI_INT, MPI_SUM, g_comm, &req), MPI_ERR_COUNT,
               "Ireduce_scatter negative count");
  /* Checked at the root only: on MPI_COMM_SELF. */
  expect_class(MPI_Igatherv(in, 1, MPI_INT, out, NULL, NULL, MPI_INT, 0, MPI_COMM_SELF, &req),
               MPI_ERR_ARG, "Igatherv null counts at the root");
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  g_comm = MPI_COMM_WORLD;
  g_label = "world";
  MPI_Comm_rank(g_comm, &g_me);
  MPI_Comm_size(g_comm, &g_p);
  test_persistent();
  MPI_Comm dup;
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  CALL(MPI_Comm_set_errhandler(dup, MPI_ERRORS_RETURN));
  g_comm = dup;
  g_label = "dup";
  test_persistent();
  test_errors();
  CALL(MPI_Comm_free(&dup));
  g_comm = MPI_COMM_SELF;
  g_label = "self";
  MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
  g_me = 0;
  g_p = 1;
  test_persistent();
  g_comm = MPI_COMM_WORLD;
  MPI_Comm_rank(g_comm, &g_me);
  MPI_Comm_size(g_comm, &g_p);
  g_label = "world";
  test_errors_op();
  return finish_ok();
}
