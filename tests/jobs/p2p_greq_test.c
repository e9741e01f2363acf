/* Generalized requests: query_fn at completion (filling the status), free_fn after it,
 * cancel_fn with the completed flag, Request_free before and after Grequest_complete,
 * Request_get_status, the multi-completion calls, errors from the callbacks; and the MPI-4
 * large-count (_c) point-to-point forms. Prints "p2p_greq_test: OK (<n> checks)" on rank 0. */
#include <string.h>

static const char kTestName[] = "p2p_greq_test";
#include "p2p_check.h"

typedef struct {
  int queried, freed, cancelled, cancel_complete_flag, order; /* order: query before free */
  int query_rc, free_rc;
  int tag;
} GState;

static int query_fn(void *extra, MPI_Status *status) {
  GState *g = extra;
  g->queried++;
  if (g->freed) g->order = -1;
  status->MPI_SOURCE = 3;
  status->MPI_TAG = g->tag;
  status->MPI_ERROR = MPI_SUCCESS;
  MPI_Status_set_cancelled(status, g->cancelled > 0);
  return g->query_rc;
}
static int free_fn(void *extra) {
  GState *g = extra;
  g->freed++;
  return g->free_rc;
}
static int cancel_fn(void *extra, int complete) {
  GState *g = extra;
  g->cancelled++;
  g->cancel_complete_flag = complete;
  return MPI_SUCCESS;
}

static void test_wait_and_test(void) {
  GState g = {0};
  g.tag = 17;
  MPI_Request r;
  CALL(MPI_Grequest_start(query_fn, free_fn, cancel_fn, &g, &r));
  int flag = 1;
  MPI_Status st;
  CALL(MPI_Test(&r, &flag, &st));
  CHECK(flag == 0 && g.queried == 0 && r != MPI_REQUEST_NULL, "test before complete");
  CALL(MPI_Request_get_status(r, &flag, &st));
  CHECK(flag == 0 && g.queried == 0, "get_status before complete");
  CALL(MPI_Grequest_complete(r));
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Grequest_complete(r)); /* twice */
  CALL(MPI_Request_get_status(r, &flag, &st));
  CHECK(flag == 1 && g.queried == 1 && g.freed == 0 && st.MPI_TAG == 17,
        "get_status after complete: flag %d queried %d freed %d tag %d", flag, g.queried, g.freed,
        st.MPI_TAG);
  CALL(MPI_Wait(&r, &st));
  CHECK(r == MPI_REQUEST_NULL && g.queried == 2 && g.freed == 1 && g.order == 0,
        "wait: queried %d freed %d order %d", g.queried, g.freed, g.order);
  CHECK(st.MPI_SOURCE == 3 && st.MPI_TAG == 17, "status from query_fn %d/%d", st.MPI_SOURCE,
        st.MPI_TAG);
  int cancelled = 1;
  CALL(MPI_Test_cancelled(&st, &cancelled));
  CHECK(cancelled == 0, "not cancelled");

  /* Test completes it; STATUS_IGNORE still runs query_fn. */
  memset(&g, 0, sizeof g);
  CALL(MPI_Grequest_start(query_fn, free_fn, cancel_fn, &g, &r));
  CALL(MPI_Grequest_complete(r));
  CALL(MPI_Test(&r, &flag, MPI_STATUS_IGNORE));
  CHECK(flag == 1 && g.queried == 1 && g.freed == 1 && r == MPI_REQUEST_NULL, "test after");
}

static void test_cancel_and_free(void) {
  GState g = {0};
  MPI_Request r;
  CALL(MPI_Grequest_start(query_fn, free_fn, cancel_fn, &g, &r));
  CALL(MPI_Cancel(&r));
  CHECK(g.cancelled == 1 && g.cancel_complete_flag == 0, "cancel before complete: %d/%d",
        g.cancelled, g.cancel_complete_flag);
  CALL(MPI_Grequest_complete(r));
  CALL(MPI_Cancel(&r));
  CHECK(g.cancelled == 2 && g.cancel_complete_flag == 1, "cancel after complete flag %d",
        g.cancel_complete_flag);
  MPI_Status st;
  CALL(MPI_Wait(&r, &st));
  int cancelled = 0;
  CALL(MPI_Test_cancelled(&st, &cancelled));
  CHECK(cancelled == 1, "query_fn marked it cancelled");

  /* Request_free before Grequest_complete: free_fn runs at complete, query_fn never. */
  memset(&g, 0, sizeof g);
  CALL(MPI_Grequest_start(query_fn, free_fn, cancel_fn, &g, &r));
  MPI_Request keep = r;
  CALL(MPI_Request_free(&r));
  CHECK(r == MPI_REQUEST_NULL && g.freed == 0, "free before complete ran free_fn");
  CALL(MPI_Grequest_complete(keep));
  CHECK(g.freed == 1 && g.queried == 0, "complete after free: freed %d queried %d", g.freed,
        g.queried);
  /* Request_free after Grequest_complete: free_fn at once. */
  memset(&g, 0, sizeof g);
  CALL(MPI_Grequest_start(query_fn, free_fn, cancel_fn, &g, &r));
  CALL(MPI_Grequest_complete(r));
  CALL(MPI_Request_free(&r));
  CHECK(g.freed == 1 && g.queried == 0, "free after complete: freed %d", g.freed);
}

static void test_multi_and_errors(void) {
  GState g[3];
  memset(g, 0, sizeof g);
  MPI_Request r[4];
  for (int i = 0; i < 3; ++i) {
    g[i].tag = 100 + i;
    CALL(MPI_Grequest_start(query_fn, free_fn, cancel_fn, &g[i], &r[i]));
  }
  int x = 0, y = -1;
  CALL(MPI_Irecv(&y, 1, MPI_INT, g_rank, 9, MPI_COMM_WORLD, &r[3]));
  CALL(MPI_Grequest_complete(r[1]));
  int index = -1;
  MPI_Status st;
  CALL(MPI_Waitany(3, r, &index, &st));
  CHECK(index == 1 && st.MPI_TAG == 101 && g[1].freed == 1, "waitany index %d", index);
  CALL(MPI_Grequest_complete(r[0]));
  CALL(MPI_Grequest_complete(r[2]));
  CALL(MPI_Send(&x, 1, MPI_INT, g_rank, 9, MPI_COMM_WORLD));
  MPI_Status sts[4];
  CALL(MPI_Waitall(4, r, sts));
  CHECK(sts[0].MPI_TAG == 100 && sts[2].MPI_TAG == 102 && sts[3].MPI_TAG == 9,
        "waitall statuses %d %d %d", sts[0].MPI_TAG, sts[2].MPI_TAG, sts[3].MPI_TAG);
  CHECK(g[0].freed == 1 && g[2].freed == 1, "waitall freed");

  /* A query_fn error is the call's error (single completion) or MPI_ERR_IN_STATUS. */
  GState e = {0};
  e.query_rc = MPI_ERR_OTHER;
  MPI_Request q;
  CALL(MPI_Grequest_start(query_fn, free_fn, cancel_fn, &e, &q));
  CALL(MPI_Grequest_complete(q));
  EXPECT_CLASS(MPI_ERR_OTHER, MPI_Wait(&q, MPI_STATUS_IGNORE));
  CHECK(e.freed == 1, "free_fn after a failing query_fn");
  memset(&e, 0, sizeof e);
  e.query_rc = MPI_ERR_ARG;
  CALL(MPI_Grequest_start(query_fn, free_fn, cancel_fn, &e, &q));
  CALL(MPI_Grequest_complete(q));
  EXPECT_CLASS(MPI_ERR_IN_STATUS, MPI_Waitall(1, &q, sts));
  CHECK(sts[0].MPI_ERROR == MPI_ERR_ARG, "status error %d", sts[0].MPI_ERROR);
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Grequest_start(NULL, free_fn, cancel_fn, &e, &q));
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Grequest_complete(MPI_REQUEST_NULL));
  CALL(MPI_Irecv(&y, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &q));
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Grequest_complete(q)); /* not generalized */
  CALL(MPI_Wait(&q, MPI_STATUS_IGNORE));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Status_set_cancelled(MPI_STATUS_IGNORE, 1));
}

/* Large-count forms: the same messages as the int forms, counts as MPI_Count. */
static void test_large_count(void) {
  int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  MPI_Count n = 20000; /* 80 KB: rendezvous */
  int *out = xmalloc(n * sizeof(int)), *in = xmalloc(n * sizeof(int));
  for (MPI_Count i = 0; i < n; ++i) out[i] = (int)i + g_rank;
  MPI_Request r[2];
  MPI_Status st;
  /* Send_c / Recv_c */
  CALL(MPI_Irecv_c(in, n, MPI_INT, prev, 1, MPI_COMM_WORLD, &r[0]));
  CALL(MPI_Send_c(out, n, MPI_INT, next, 1, MPI_COMM_WORLD));
  CALL(MPI_Wait(&r[0], &st));
  CHECK(in[n - 1] == (int)(n - 1) + prev, "irecv_c/send_c");
  CALL(MPI_Isend_c(out, n, MPI_INT, next, 2, MPI_COMM_WORLD, &r[1]));
  CALL(MPI_Recv_c(in, n, MPI_INT, prev, 2, MPI_COMM_WORLD, &st));
  CALL(MPI_Wait(&r[1], MPI_STATUS_IGNORE));
  int c = -1;
  MPI_Get_count(&st, MPI_INT, &c);
  CHECK(c == (int)n && st.MPI_SOURCE == prev, "recv_c count %d", c);
  /* Ssend_c, Issend_c, Rsend_c, Irsend_c */
  CALL(MPI_Irecv_c(in, n, MPI_INT, prev, 3, MPI_COMM_WORLD, &r[0]));
  CALL(MPI_Issend_c(out, n, MPI_INT, next, 3, MPI_COMM_WORLD, &r[1]));
  CALL(MPI_Waitall(2, r, MPI_STATUSES_IGNORE));
  CALL(MPI_Irecv_c(in, 4, MPI_INT, prev, 4, MPI_COMM_WORLD, &r[0]));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_Rsend_c(out, 4, MPI_INT, next, 4, MPI_COMM_WORLD));
  CALL(MPI_Wait(&r[0], MPI_STATUS_IGNORE));
  CALL(MPI_Irecv_c(in, 4, MPI_INT, prev, 5, MPI_COMM_WORLD, &r[0]));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_Irsend_c(out, 4, MPI_INT, next, 5, MPI_COMM_WORLD, &r[1]));
  CALL(MPI_Waitall(2, r, MPI_STATUSES_IGNORE));
  CALL(MPI_Irecv_c(in, 4, MPI_INT, prev, 6, MPI_COMM_WORLD, &r[0]));
  CALL(MPI_Ssend_c(out, 4, MPI_INT, next, 6, MPI_COMM_WORLD));
  CALL(MPI_Wait(&r[0], MPI_STATUS_IGNORE));
  CHECK(in[3] == 3 + prev, "ssend_c");
  /* Sendrecv_c, Sendrecv_replace_c, Isendrecv_c, Isendrecv_replace_c */
  memset(in, 0, n * sizeof(int));
  CALL(MPI_Sendrecv_c(out, n, MPI_INT, next, 7, in, n, MPI_INT, prev, 7, MPI_COMM_WORLD, &st));
  CHECK(in[n / 2] == (int)(n / 2) + prev, "sendrecv_c");
  memcpy(in, out, n * sizeof(int));
  CALL(MPI_Sendrecv_replace_c(in, n, MPI_INT, next, 8, prev, 8, MPI_COMM_WORLD, &st));
  CHECK(in[n - 2] == (int)(n - 2) + prev, "sendrecv_replace_c");
  memset(in, 0, n * sizeof(int));
  CALL(MPI_Isendrecv_c(out, n, MPI_INT, next, 9, in, n, MPI_INT, prev, 9, MPI_COMM_WORLD, &r[0]));
  CALL(MPI_Wait(&r[0], &st));
  CHECK(in[7] == 7 + prev, "isendrecv_c");
  memcpy(in, out, n * sizeof(int));
  CALL(MPI_Isendrecv_replace_c(in, n, MPI_INT, next, 10, prev, 10, MPI_COMM_WORLD, &r[0]));
  CALL(MPI_Wait(&r[0], &st));
  CHECK(in[11] == 11 + prev, "isendrecv_replace_c");
  /* Persistent _c forms */
  MPI_Request p[2];
  CALL(MPI_Recv_init_c(in, n, MPI_INT, prev, 11, MPI_COMM_WORLD, &p[0]));
  CALL(MPI_Send_init_c(out, n, MPI_INT, next, 11, MPI_COMM_WORLD, &p[1]));
  for (int round = 0; round < 3; ++round) {
    out[0] = round + g_rank;
    CALL(MPI_Startall(2, p));
    CALL(MPI_Waitall(2, p, MPI_STATUSES_IGNORE));
    CHECK(in[0] == round + prev, "persistent _c round %d", round);
  }
  CALL(MPI_Request_free(&p[0]));
  CALL(MPI_Request_free(&p[1]));
  CALL(MPI_Recv_init_c(in, 4, MPI_INT, prev, 12, MPI_COMM_WORLD, &p[0]));
  CALL(MPI_Ssend_init_c(out, 4, MPI_INT, next, 12, MPI_COMM_WORLD, &p[1]));
  CALL(MPI_Startall(2, p));
  CALL(MPI_Waitall(2, p, MPI_STATUSES_IGNORE));
  CALL(MPI_Request_free(&p[1]));
  CALL(MPI_Rsend_init_c(out, 4, MPI_INT, next, 12, MPI_COMM_WORLD, &p[1]));
  CALL(MPI_Start(&p[0]));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_Start(&p[1]));
  CALL(MPI_Waitall(2, p, MPI_STATUSES_IGNORE));
  CALL(MPI_Request_free(&p[0]));
  CALL(MPI_Request_free(&p[1]));
  /* Counts beyond int: argument checks see them whole. */
  EXPECT_CLASS(MPI_ERR_COUNT, MPI_Send_c(out, (MPI_Count)-1, MPI_INT, next, 0, MPI_COMM_WORLD));
  EXPECT_CLASS(MPI_ERR_COUNT,
               MPI_Irecv_c(in, (MPI_Count)-5, MPI_INT, prev, 0, MPI_COMM_WORLD, &r[0]));
  EXPECT_CLASS(MPI_ERR_BUFFER,
               MPI_Send_c(NULL, (MPI_Count)1 << 33, MPI_INT, next, 0, MPI_COMM_WORLD));
  EXPECT_CLASS(MPI_ERR_RANK, MPI_Recv_c(in, 1, MPI_INT, g_size, 0, MPI_COMM_WORLD, &st));
  EXPECT_CLASS(MPI_ERR_TAG, MPI_Bsend_init_c(out, 1, MPI_INT, next, -7, MPI_COMM_WORLD, &r[0]));
  EXPECT_CLASS(MPI_ERR_TYPE, MPI_Sendrecv_c(out, 1, MPI_DATATYPE_NULL, next, 0, in, 1, MPI_INT,
                                            prev, 0, MPI_COMM_WORLD, &st));
  /* An int-overflowing count with MPI_PROC_NULL is no message at all. */
  CALL(MPI_Send_c(out, (MPI_Count)1 << 33, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD));
  free(out);
  free(in);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  test_wait_and_test();
  test_cancel_and_free();
  test_multi_and_errors();
  test_large_count();
  return finish_ok();
}
