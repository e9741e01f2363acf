/* Requests beyond Isend/Irecv: persistent sends and receives (reused many times, Startall,
 * inactive semantics), Testsome, Request_get_status, Isendrecv(_replace), Alloc_mem, the
 * Sendrecv argument checks, and every bad argument with its class under MPI_ERRORS_RETURN.
 * Prints "p2p_requests_test: OK (<n> checks)" on rank 0. */
#include <string.h>

static const char kTestName[] = "p2p_requests_test";
#include "p2p_check.h"

static int next_rank(void) { return (g_rank + 1) % g_size; }
static int prev_rank(void) { return (g_rank + g_size - 1) % g_size; }

static void check_empty(const MPI_Status *st, const char *what) {
  int count = -1;
  MPI_Get_count(st, MPI_INT, &count);
  CHECK(st->MPI_SOURCE == MPI_ANY_SOURCE && st->MPI_TAG == MPI_ANY_TAG && count == 0,
        "%s: status %d/%d/%d is not empty", what, st->MPI_SOURCE, st->MPI_TAG, count);
}

/* A ring of persistent sends and receives, restarted many times; each round's data differs. */
static void test_persistent_ring(int n, int rounds, int mode) {
  int *out = xmalloc(n * sizeof(int)), *in = xmalloc(n * sizeof(int));
  MPI_Request req[2];
  CALL(MPI_Recv_init(in, n, MPI_INT, prev_rank(), 11, MPI_COMM_WORLD, &req[0]));
  if (mode == 0) CALL(MPI_Send_init(out, n, MPI_INT, next_rank(), 11, MPI_COMM_WORLD, &req[1]));
  if (mode == 1) CALL(MPI_Ssend_init(out, n, MPI_INT, next_rank(), 11, MPI_COMM_WORLD, &req[1]));
  if (mode == 2) CALL(MPI_Rsend_init(out, n, MPI_INT, next_rank(), 11, MPI_COMM_WORLD, &req[1]));
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < n; ++i) out[i] = g_rank * 1000 + round * 7 + i;
    memset(in, 0xff, n * sizeof(int));
    if (mode == 2) {
      /* Ready mode: every receive is started before any send. */
      CALL(MPI_Start(&req[0]));
      CALL(MPI_Barrier(MPI_COMM_WORLD));
      CALL(MPI_Start(&req[1]));
    } else {
      CALL(MPI_Startall(2, req));
    }
    MPI_Status st[2];
    CALL(MPI_Waitall(2, req, st));
    CHECK(req[0] != MPI_REQUEST_NULL && req[1] != MPI_REQUEST_NULL, "waitall freed persistent");
    int count = -1;
    MPI_Get_count(&st[0], MPI_INT, &count);
    CHECK(count == n && st[0].MPI_SOURCE == prev_rank() && st[0].MPI_TAG == 11,
          "round %d status %d/%d/%d", round, st[0].MPI_SOURCE, st[0].MPI_TAG, count);
    for (int i = 0; i < n; i += (n > 64 ? n / 64 : 1)) {
      CHECK(in[i] == prev_rank() * 1000 + round * 7 + i, "mode %d round %d in[%d]=%d", mode, round,
            i, in[i]);
    }
    if (mode == 2) CALL(MPI_Barrier(MPI_COMM_WORLD));
  }
  /* Inactive now: Wait and Test return at once with an empty status and keep the request. */
  MPI_Status st;
  st.MPI_SOURCE = 99;
  CALL(MPI_Wait(&req[0], &st));
  check_empty(&st, "wait on inactive");
  CHECK(req[0] != MPI_REQUEST_NULL, "wait freed an inactive persistent request");
  int flag = 0;
  CALL(MPI_Test(&req[1], &flag, &st));
  CHECK(flag == 1, "test on inactive gives flag %d", flag);
  check_empty(&st, "test on inactive");
  int index = 5;
  CALL(MPI_Waitany(2, req, &index, &st));
  CHECK(index == MPI_UNDEFINED, "waitany over inactive requests gave index %d", index);
  int outcount = 5, indices[2];
  CALL(MPI_Testsome(2, req, &outcount, indices, MPI_STATUSES_IGNORE));
  CHECK(outcount == MPI_UNDEFINED, "testsome over inactive requests gave %d", outcount);
  CALL(MPI_Request_get_status(req[0], &flag, &st));
  CHECK(flag == 1, "get_status on inactive flag %d", flag);
  check_empty(&st, "get_status on inactive");
  CALL(MPI_Request_free(&req[0]));
  CALL(MPI_Request_free(&req[1]));
  CHECK(req[0] == MPI_REQUEST_NULL && req[1] == MPI_REQUEST_NULL, "free did not null handles");
  free(out);
  free(in);
}

/* Persistent requests freed while active are released when they complete; Start of an
 * active request is MPI_ERR_REQUEST. */
static void test_persistent_free_active(void) {
  int out = g_rank + 5, in = -1;
  MPI_Request rr, sr;
  CALL(MPI_Recv_init(&in, 1, MPI_INT, prev_rank(), 12, MPI_COMM_WORLD, &rr));
  CALL(MPI_Send_init(&out, 1, MPI_INT, next_rank(), 12, MPI_COMM_WORLD, &sr));
  CALL(MPI_Start(&rr));
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Start(&rr));
  MPI_Request both[2] = {sr, rr};
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Startall(2, both)); /* rr is active */
  CALL(MPI_Start(&sr));
  CALL(MPI_Wait(&sr, MPI_STATUS_IGNORE));
  CALL(MPI_Request_free(&rr)); /* may still be active: freed when the message lands */
  CALL(MPI_Request_free(&sr));
  /* The freed receive still takes the message: a later receive with the same tag sees the
   * next message, not this one. */
  int out2 = 1000 + g_rank, in2 = -1;
  CALL(MPI_Sendrecv(&out2, 1, MPI_INT, next_rank(), 12, &in2, 1, MPI_INT, prev_rank(), 12,
                    MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  CHECK(in2 == 1000 + prev_rank(), "after freeing an active receive got %d", in2);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CHECK(in == prev_rank() + 5, "freed active receive delivered %d", in);
  /* Start on MPI_REQUEST_NULL and on a request that is not persistent. */
  MPI_Request null = MPI_REQUEST_NULL;
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Start(&null));
  MPI_Request plain;
  CALL(MPI_Irecv(&in, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &plain));
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Start(&plain));
  CALL(MPI_Wait(&plain, MPI_STATUS_IGNORE));
  /* Persistent receive from MPI_PROC_NULL: completes at once, source MPI_PROC_NULL. */
  MPI_Request pn;
  MPI_Status st;
  CALL(MPI_Recv_init(&in, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &pn));
  for (int i = 0; i < 3; ++i) {
    CALL(MPI_Start(&pn));
    CALL(MPI_Wait(&pn, &st));
    CHECK(st.MPI_SOURCE == MPI_PROC_NULL, "proc_null persistent source %d", st.MPI_SOURCE);
  }
  CALL(MPI_Request_free(&pn));
}

/* Testsome over receives from every rank; every message arrives exactly once. */
static void test_testsome(void) {
  int n = g_size;
  MPI_Request *reqs = xmalloc(2 * n * sizeof(MPI_Request));
  int *in = xmalloc(n * sizeof(int)), *out = xmalloc(n * sizeof(int));
  int *seen = calloc(n, sizeof(int));
  for (int i = 0; i < n; ++i) {
    in[i] = -1;
    CALL(MPI_Irecv(&in[i], 1, MPI_INT, i, 21, MPI_COMM_WORLD, &reqs[i]));
  }
  for (int i = 0; i < n; ++i) {
    out[i] = g_rank * 100 + i;
    CALL(MPI_Isend(&out[i], 1, MPI_INT, i, 21, MPI_COMM_WORLD, &reqs[n + i]));
  }
  int done = 0;
  int *indices = xmalloc(2 * n * sizeof(int));
  MPI_Status *sts = xmalloc(2 * n * sizeof(MPI_Status));
  while (done < 2 * n) {
    int outcount = -7;
    CALL(MPI_Testsome(2 * n, reqs, &outcount, indices, sts));
    CHECK(outcount >= 0 && outcount <= 2 * n - done, "testsome outcount %d", outcount);
    for (int k = 0; k < outcount; ++k) {
      int i = indices[k];
      CHECK(reqs[i] == MPI_REQUEST_NULL, "completed request %d not nulled", i);
      if (i < n) {
        CHECK(!seen[i], "receive %d completed twice", i);
        seen[i] = 1;
        CHECK(in[i] == i * 100 + g_rank && sts[k].MPI_SOURCE == i, "from %d got %d (src %d)", i,
              in[i], sts[k].MPI_SOURCE);
      }
    }
    done += outcount;
  }
  int outcount = 0;
  CALL(MPI_Testsome(2 * n, reqs, &outcount, indices, sts));
  CHECK(outcount == MPI_UNDEFINED, "testsome over null requests gave %d", outcount);
  CALL(MPI_Testsome(0, NULL, &outcount, indices, sts));
  CHECK(outcount == MPI_UNDEFINED, "testsome over no requests gave %d", outcount);
  free(reqs);
  free(in);
  free(out);
  free(seen);
  free(indices);
  free(sts);
}

/* Request_get_status does not free; it works before and after completion. */
static void test_get_status(void) {
  int in = -1, out = 77 + g_rank, flag = 1;
  MPI_Request r;
  MPI_Status st;
  CALL(MPI_Irecv(&in, 1, MPI_INT, g_rank, 31, MPI_COMM_WORLD, &r));
  CALL(MPI_Request_get_status(r, &flag, &st));
  CHECK(flag == 0, "get_status before the message: flag %d", flag);
  CALL(MPI_Send(&out, 1, MPI_INT, g_rank, 31, MPI_COMM_WORLD));
  for (int i = 0; !flag; ++i) CALL(MPI_Request_get_status(r, &flag, &st));
  CHECK(st.MPI_SOURCE == g_rank && st.MPI_TAG == 31, "get_status %d/%d", st.MPI_SOURCE, st.MPI_TAG);
  CALL(MPI_Request_get_status(r, &flag, &st)); /* again: still there */
  CHECK(flag == 1 && r != MPI_REQUEST_NULL, "second get_status");
  CALL(MPI_Wait(&r, &st));
  CHECK(in == out && st.MPI_SOURCE == g_rank, "wait after get_status");
  CALL(MPI_Request_get_status(MPI_REQUEST_NULL, &flag, &st));
  CHECK(flag == 1, "get_status on MPI_REQUEST_NULL flag %d", flag);
  check_empty(&st, "get_status on null");
  /* On a send. */
  CALL(MPI_Isend(&out, 1, MPI_INT, g_rank, 32, MPI_COMM_WORLD, &r));
  CALL(MPI_Recv(&in, 1, MPI_INT, g_rank, 32, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  for (flag = 0; !flag;) CALL(MPI_Request_get_status(r, &flag, MPI_STATUS_IGNORE));
  CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));
}

static void test_isendrecv(void) {
  int out[3] = {g_rank, g_rank * 2, g_rank * 3}, in[3] = {-1, -1, -1};
  MPI_Request r;
  MPI_Status st;
  CALL(MPI_Isendrecv(out, 3, MPI_INT, next_rank(), 41, in, 3, MPI_INT, prev_rank(), 41,
                     MPI_COMM_WORLD, &r));
  CALL(MPI_Wait(&r, &st));
  int count = -1;
  MPI_Get_count(&st, MPI_INT, &count);
  CHECK(in[2] == prev_rank() * 3 && st.MPI_SOURCE == prev_rank() && st.MPI_TAG == 41 && count == 3,
        "isendrecv got %d from %d tag %d count %d", in[2], st.MPI_SOURCE, st.MPI_TAG, count);
  /* Replace, with a large message (rendezvous) and Test polling. */
  int n = 40000;
  int *buf = xmalloc(n * sizeof(int));
  for (int i = 0; i < n; ++i) buf[i] = g_rank + i;
  CALL(
      MPI_Isendrecv_replace(buf, n, MPI_INT, next_rank(), 42, prev_rank(), 42, MPI_COMM_WORLD, &r));
  int flag = 0;
  while (!flag) CALL(MPI_Test(&r, &flag, &st));
  CHECK(r == MPI_REQUEST_NULL, "test did not free the isendrecv request");
  CHECK(buf[0] == prev_rank() && buf[n - 1] == prev_rank() + n - 1, "replace got %d..%d", buf[0],
        buf[n - 1]);
  free(buf);
  /* MPI_PROC_NULL on both sides. */
  in[0] = -5;
  CALL(MPI_Isendrecv(out, 3, MPI_INT, MPI_PROC_NULL, 0, in, 3, MPI_INT, MPI_PROC_NULL, 0,
                     MPI_COMM_WORLD, &r));
  CALL(MPI_Wait(&r, &st));
  CHECK(in[0] == -5 && st.MPI_SOURCE == MPI_PROC_NULL, "proc_null isendrecv");
}

static void test_alloc_mem(void) {
  char *p = NULL;
  CALL(MPI_Alloc_mem(1 << 20, MPI_INFO_NULL, &p));
  CHECK(p != NULL, "alloc_mem gave NULL");
  memset(p, 3, 1 << 20);
  /* Used as a message buffer. */
  CALL(MPI_Sendrecv(p, 1000, MPI_CHAR, next_rank(), 51, p + 4096, 1000, MPI_CHAR, prev_rank(), 51,
                    MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  CALL(MPI_Free_mem(p));
  CALL(MPI_Alloc_mem(0, MPI_INFO_NULL, &p));
  CALL(MPI_Free_mem(p));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Alloc_mem(-1, MPI_INFO_NULL, &p));
  EXPECT_CLASS(MPI_ERR_NO_MEM, MPI_Alloc_mem((MPI_Aint)1 << 62, MPI_INFO_NULL, &p));
  EXPECT_CLASS(MPI_ERR_INFO, MPI_Alloc_mem(8, (MPI_Info)0x12345678, &p));
}

/* Issue list: a bad destination or send type must fail without waiting in the receive;
 * a null buffer in Sendrecv_replace is MPI_ERR_BUFFER, not a crash. */
static void test_sendrecv_checks(void) {
  int a = 1, b = 0;
  EXPECT_CLASS(MPI_ERR_RANK, MPI_Sendrecv(&a, 1, MPI_INT, g_size + 5, 0, &b, 1, MPI_INT,
                                          MPI_ANY_SOURCE, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  EXPECT_CLASS(MPI_ERR_TYPE, MPI_Sendrecv(&a, 1, MPI_DATATYPE_NULL, next_rank(), 0, &b, 1, MPI_INT,
                                          MPI_ANY_SOURCE, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  EXPECT_CLASS(MPI_ERR_TAG, MPI_Sendrecv(&a, 1, MPI_INT, next_rank(), -3, &b, 1, MPI_INT,
                                         MPI_ANY_SOURCE, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  EXPECT_CLASS(MPI_ERR_RANK, MPI_Sendrecv(&a, 1, MPI_INT, next_rank(), 0, &b, 1, MPI_INT,
                                          g_size + 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Sendrecv_replace(NULL, 10, MPI_INT, next_rank(), 0, prev_rank(),
                                                    0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  EXPECT_CLASS(MPI_ERR_COUNT, MPI_Sendrecv_replace(&a, -1, MPI_INT, next_rank(), 0, prev_rank(), 0,
                                                   MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  EXPECT_CLASS(MPI_ERR_COMM, MPI_Sendrecv_replace(&a, 1, MPI_INT, next_rank(), 0, prev_rank(), 0,
                                                  MPI_COMM_NULL, MPI_STATUS_IGNORE));
  MPI_Request r = MPI_REQUEST_NULL;
  EXPECT_CLASS(MPI_ERR_RANK,
               MPI_Isendrecv(&a, 1, MPI_INT, g_size, 0, &b, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, &r));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Isendrecv_replace(NULL, 4, MPI_INT, next_rank(), 0, prev_rank(),
                                                     0, MPI_COMM_WORLD, &r));
  /* Nothing was left posted: a real exchange on tag 0 still pairs up. */
  a = g_rank;
  CALL(MPI_Sendrecv(&a, 1, MPI_INT, next_rank(), 0, &b, 1, MPI_INT, prev_rank(), 0, MPI_COMM_WORLD,
                    MPI_STATUS_IGNORE));
  CHECK(b == prev_rank(), "exchange after failed calls got %d", b);
}

static void test_bad_request_args(void) {
  int x = 0;
  MPI_Request r;
  EXPECT_CLASS(MPI_ERR_COUNT, MPI_Recv_init(&x, -1, MPI_INT, 0, 0, MPI_COMM_WORLD, &r));
  EXPECT_CLASS(MPI_ERR_TAG, MPI_Send_init(&x, 1, MPI_INT, 0, -2, MPI_COMM_WORLD, &r));
  EXPECT_CLASS(MPI_ERR_RANK, MPI_Ssend_init(&x, 1, MPI_INT, g_size, 0, MPI_COMM_WORLD, &r));
  EXPECT_CLASS(MPI_ERR_TYPE, MPI_Rsend_init(&x, 1, MPI_DATATYPE_NULL, 0, 0, MPI_COMM_WORLD, &r));
  EXPECT_CLASS(MPI_ERR_COMM, MPI_Bsend_init(&x, 1, MPI_INT, 0, 0, MPI_COMM_NULL, &r));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Send_init(NULL, 3, MPI_INT, 0, 0, MPI_COMM_WORLD, &r));
  EXPECT_CLASS(MPI_ERR_COUNT, MPI_Testsome(-1, &r, &x, &x, MPI_STATUSES_IGNORE));
  MPI_Request bogus = (MPI_Request)0xac7fffff;
  int flag;
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Request_get_status(bogus, &flag, MPI_STATUS_IGNORE));
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Startall(1, &bogus));
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Testsome(1, &bogus, &x, &x, MPI_STATUSES_IGNORE));
  MPI_Request nullreq = MPI_REQUEST_NULL;
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Request_free(&nullreq));
  /* Null output arguments. */
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Start(NULL));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Startall(2, NULL));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Send_init(&x, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, NULL));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Recv_init(&x, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, NULL));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Isendrecv(&x, 1, MPI_INT, MPI_PROC_NULL, 0, &flag, 1, MPI_INT,
                                          MPI_PROC_NULL, 0, MPI_COMM_WORLD, NULL));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Request_get_status(MPI_REQUEST_NULL, NULL, MPI_STATUS_IGNORE));
  nullreq = MPI_REQUEST_NULL;
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Testsome(1, &nullreq, NULL, &x, MPI_STATUSES_IGNORE));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Ibsend(&x, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, NULL));
  MPI_Message msg;
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Improbe(0, 0, MPI_COMM_WORLD, NULL, &msg, MPI_STATUS_IGNORE));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Mprobe(MPI_PROC_NULL, 0, MPI_COMM_WORLD, NULL, MPI_STATUS_IGNORE));
  msg = MPI_MESSAGE_NO_PROC;
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Imrecv(&x, 1, MPI_INT, &msg, NULL));
  EXPECT_CLASS(MPI_ERR_ARG,
               MPI_Psend_init(&x, 1, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_INFO_NULL, NULL));
  int buf[4];
  MPI_Request pr;
  CALL(MPI_Precv_init(buf, 2, 2, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, MPI_INFO_NULL, &pr));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Parrived(pr, 0, NULL));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Buffer_iflush(NULL));
  CALL(MPI_Request_free(&pr));
}

/* MPI_DATATYPE_NULL with count 0 is accepted by sends and receives (as MPICH does; nothing
 * moves); with a nonzero count it stays MPI_ERR_TYPE. */
static void test_null_type_zero_count(void) {
  MPI_Status st;
  MPI_Request r;
  int count = -1;
  CALL(MPI_Irecv(NULL, 0, MPI_DATATYPE_NULL, MPI_PROC_NULL, 10, MPI_COMM_WORLD, &r));
  CALL(MPI_Wait(&r, &st));
  CHECK(st.MPI_SOURCE == MPI_PROC_NULL && st.MPI_TAG == MPI_ANY_TAG, "irecv from PROC_NULL %d/%d",
        st.MPI_SOURCE, st.MPI_TAG);
  CALL(MPI_Recv(NULL, 0, MPI_DATATYPE_NULL, MPI_PROC_NULL, 10, MPI_COMM_WORLD, &st));
  CHECK(st.MPI_SOURCE == MPI_PROC_NULL, "recv from PROC_NULL %d", st.MPI_SOURCE);
  CALL(MPI_Irecv(NULL, 0, MPI_DATATYPE_NULL, prev_rank(), 11, MPI_COMM_WORLD, &r));
  CALL(MPI_Send(NULL, 0, MPI_DATATYPE_NULL, next_rank(), 11, MPI_COMM_WORLD));
  CALL(MPI_Wait(&r, &st));
  CALL(MPI_Get_count(&st, MPI_INT, &count));
  CHECK(st.MPI_SOURCE == prev_rank() && count == 0, "zero-count null-type message %d/%d",
        st.MPI_SOURCE, count);
  int x = 0;
  EXPECT_CLASS(MPI_ERR_TYPE, MPI_Send(&x, 1, MPI_DATATYPE_NULL, next_rank(), 12, MPI_COMM_WORLD));
  EXPECT_CLASS(MPI_ERR_TYPE,
               MPI_Irecv(&x, 1, MPI_DATATYPE_NULL, prev_rank(), 12, MPI_COMM_WORLD, &r));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  test_persistent_ring(1, 200, 0);
  test_persistent_ring(0, 5, 0);
  test_persistent_ring(100, 50, 1);
  test_persistent_ring(10, 20, 2);
  test_persistent_ring(70000, 6, 0); /* rendezvous, reused */
  test_persistent_free_active();
  test_testsome();
  test_get_status();
  test_isendrecv();
  test_alloc_mem();
  test_sendrecv_checks();
  test_bad_request_args();
  test_null_type_zero_count();
  return finish_ok();
}
