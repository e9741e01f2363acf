/* Matched probe: Mprobe/Mrecv and Improbe/Imrecv at eager and rendezvous sizes, with
 * MPI_ANY_SOURCE from several senders; a matched message is invisible to other probes and
 * receives; MPI_PROC_NULL gives MPI_MESSAGE_NO_PROC; bad arguments and their classes.
 * Prints "p2p_mprobe_test: OK (<n> checks)" on rank 0. */
#include <string.h>

static const char kTestName[] = "p2p_mprobe_test";
#include "p2p_check.h"

static const int kSizes[] = {0, 1, 1000, 70000, 300000}; /* ints; the last two rendezvous */
enum { kNumSizes = sizeof(kSizes) / sizeof(kSizes[0]) };

static int value(int sender, int size_index, int i) { return sender * 7919 + size_index * 31 + i; }

/* Every rank sends every size to rank 0 (itself included); rank 0 takes them with matched
 * probes from MPI_ANY_SOURCE, sized by the probe's status. */
static void test_any_source(int nonblocking) {
  int tag_base = nonblocking ? 200 : 100;
  MPI_Request sends[kNumSizes];
  int *out[kNumSizes];
  for (int s = 0; s < kNumSizes; ++s) {
    out[s] = xmalloc(kSizes[s] * sizeof(int));
    for (int i = 0; i < kSizes[s]; ++i) out[s][i] = value(g_rank, s, i);
    CALL(MPI_Isend(out[s], kSizes[s], MPI_INT, 0, tag_base + s, MPI_COMM_WORLD, &sends[s]));
  }
  if (g_rank == 0) {
    int *next = calloc(g_size, sizeof(int)); /* per sender: sizes arrive in order */
    for (int k = 0; k < g_size * kNumSizes; ++k) {
      MPI_Message msg = MPI_MESSAGE_NULL;
      MPI_Status st;
      if (nonblocking) {
        int flag = 0;
        while (!flag) {
          CALL(MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &msg, &st));
          if (!flag) CHECK(msg == MPI_MESSAGE_NULL, "improbe without a match set the handle");
        }
      } else {
        CALL(MPI_Mprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &msg, &st));
      }
      CHECK(msg != MPI_MESSAGE_NULL && msg != MPI_MESSAGE_NO_PROC, "probe gave handle %#x", msg);
      int src = st.MPI_SOURCE, s = st.MPI_TAG - tag_base, count = -1;
      CHECK(src >= 0 && src < g_size && s >= 0 && s < kNumSizes, "status %d/%d", src, st.MPI_TAG);
      CHECK(s == next[src], "from %d got size #%d, want #%d (order)", src, s, next[src]);
      next[src]++;
      MPI_Get_count(&st, MPI_INT, &count);
      CHECK(count == kSizes[s], "probe count %d want %d", count, kSizes[s]);
      /* The matched message left matching: a probe for exactly it finds nothing (the same
       * sender's next message has another tag). */
      int flag = 1;
      CALL(MPI_Iprobe(src, st.MPI_TAG, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE));
      CHECK(flag == 0, "matched message still visible to MPI_Iprobe");
      int *in = xmalloc(count * sizeof(int));
      MPI_Status rst;
      if (nonblocking) {
        MPI_Request r;
        CALL(MPI_Imrecv(in, count, MPI_INT, &msg, &r));
        CHECK(msg == MPI_MESSAGE_NULL, "imrecv left the handle %#x", msg);
        CALL(MPI_Wait(&r, &rst));
      } else {
        CALL(MPI_Mrecv(in, count, MPI_INT, &msg, &rst));
        CHECK(msg == MPI_MESSAGE_NULL, "mrecv left the handle %#x", msg);
      }
      CHECK(rst.MPI_SOURCE == src && rst.MPI_TAG == st.MPI_TAG, "mrecv status %d/%d",
            rst.MPI_SOURCE, rst.MPI_TAG);
      for (int i = 0; i < count; i += (count > 100 ? 97 : 1)) {
        CHECK(in[i] == value(src, s, i), "from %d size #%d in[%d]=%d", src, s, i, in[i]);
      }
      if (count) CHECK(in[count - 1] == value(src, s, count - 1), "last element");
      free(in);
    }
    free(next);
  }
  CALL(MPI_Waitall(kNumSizes, sends, MPI_STATUSES_IGNORE));
  for (int s = 0; s < kNumSizes; ++s) free(out[s]);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
}

/* A matched message is not taken by a receive posted after the probe. */
static void test_matched_is_private(void) {
  int a = 10 + g_rank, b = 20 + g_rank, x = -1, y = -1;
  CALL(MPI_Send(&a, 1, MPI_INT, g_rank, 300, MPI_COMM_WORLD));
  CALL(MPI_Send(&b, 1, MPI_INT, g_rank, 300, MPI_COMM_WORLD));
  MPI_Message msg;
  MPI_Status st;
  CALL(MPI_Mprobe(g_rank, 300, MPI_COMM_WORLD, &msg, &st));
  CALL(MPI_Recv(&y, 1, MPI_INT, g_rank, 300, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  CHECK(y == b, "receive after mprobe got %d, want the second message %d", y, b);
  CALL(MPI_Mrecv(&x, 1, MPI_INT, &msg, MPI_STATUS_IGNORE));
  CHECK(x == a, "mrecv got %d want %d", x, a);
  /* Truncation surfaces at the receive. */
  int big[4] = {1, 2, 3, 4};
  CALL(MPI_Send(big, 4, MPI_INT, g_rank, 301, MPI_COMM_WORLD));
  CALL(MPI_Mprobe(g_rank, 301, MPI_COMM_WORLD, &msg, &st));
  EXPECT_CLASS(MPI_ERR_TRUNCATE, MPI_Mrecv(&x, 1, MPI_INT, &msg, MPI_STATUS_IGNORE));
}

static void test_proc_null_and_errors(void) {
  MPI_Message msg = MPI_MESSAGE_NULL;
  MPI_Status st;
  CALL(MPI_Mprobe(MPI_PROC_NULL, 5, MPI_COMM_WORLD, &msg, &st));
  CHECK(msg == MPI_MESSAGE_NO_PROC && st.MPI_SOURCE == MPI_PROC_NULL && st.MPI_TAG == MPI_ANY_TAG,
        "mprobe of MPI_PROC_NULL: %#x %d/%d", msg, st.MPI_SOURCE, st.MPI_TAG);
  int x = 42, flag = 0, count = -1;
  CALL(MPI_Mrecv(&x, 1, MPI_INT, &msg, &st));
  MPI_Get_count(&st, MPI_INT, &count);
  CHECK(msg == MPI_MESSAGE_NULL && x == 42 && st.MPI_SOURCE == MPI_PROC_NULL && count == 0,
        "mrecv of MPI_MESSAGE_NO_PROC");
  CALL(MPI_Improbe(MPI_PROC_NULL, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &msg, &st));
  CHECK(flag == 1 && msg == MPI_MESSAGE_NO_PROC, "improbe of MPI_PROC_NULL");
  MPI_Request r;
  CALL(MPI_Imrecv(&x, 1, MPI_INT, &msg, &r));
  CALL(MPI_Wait(&r, &st));
  CHECK(st.MPI_SOURCE == MPI_PROC_NULL, "imrecv of NO_PROC source %d", st.MPI_SOURCE);
  msg = MPI_MESSAGE_NULL;
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Mrecv(&x, 1, MPI_INT, &msg, &st));
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Imrecv(&x, 1, MPI_INT, &msg, &r));
  msg = (MPI_Message)0xec00abcd; /* a message handle that was never given out */
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Mrecv(&x, 1, MPI_INT, &msg, &st));
  EXPECT_CLASS(MPI_ERR_RANK, MPI_Mprobe(g_size, 0, MPI_COMM_WORLD, &msg, &st));
  EXPECT_CLASS(MPI_ERR_TAG, MPI_Improbe(0, -5, MPI_COMM_WORLD, &flag, &msg, &st));
  EXPECT_CLASS(MPI_ERR_COMM, MPI_Improbe(0, 0, MPI_COMM_NULL, &flag, &msg, &st));
  /* Argument checks come before the handle is used: the NO_PROC handle survives them. */
  msg = MPI_MESSAGE_NO_PROC;
  EXPECT_CLASS(MPI_ERR_COUNT, MPI_Mrecv(&x, -1, MPI_INT, &msg, &st));
  EXPECT_CLASS(MPI_ERR_TYPE, MPI_Mrecv(&x, 1, MPI_DATATYPE_NULL, &msg, &st));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Mrecv(NULL, 1, MPI_INT, &msg, &st));
  EXPECT_CLASS(MPI_ERR_COUNT, MPI_Mrecv_c(&x, (MPI_Count)-1, MPI_INT, &msg, &st));
  CHECK(msg == MPI_MESSAGE_NO_PROC, "failed mrecv changed the handle");
  /* Large-count forms. */
  CALL(MPI_Send(&x, 1, MPI_INT, g_rank, 310, MPI_COMM_WORLD));
  CALL(MPI_Mprobe(g_rank, 310, MPI_COMM_WORLD, &msg, &st));
  int y = 0;
  CALL(MPI_Mrecv_c(&y, (MPI_Count)1, MPI_INT, &msg, &st));
  CHECK(y == x, "mrecv_c got %d", y);
  CALL(MPI_Send(&x, 1, MPI_INT, g_rank, 311, MPI_COMM_WORLD));
  CALL(MPI_Mprobe(g_rank, 311, MPI_COMM_WORLD, &msg, &st));
  y = 0;
  CALL(MPI_Imrecv_c(&y, (MPI_Count)1, MPI_INT, &msg, &r));
  CALL(MPI_Wait(&r, &st));
  CHECK(y == x, "imrecv_c got %d", y);
}

/* Single-status calls leave the status's MPI_ERROR field as it was (MPI-4.1 3.2.5): only the
 * multi-completion calls may set it. */
static void test_status_error_untouched(void) {
  MPI_Message msg;
  MPI_Status st;
  MPI_Request r;
  int x = 7, y = 0, flag = 0;
#define PRESET() (st.MPI_ERROR = MPI_ERR_DIMS)
#define UNTOUCHED(what) \
  CHECK(st.MPI_ERROR == MPI_ERR_DIMS, "%s set MPI_ERROR to %d", what, st.MPI_ERROR)
  PRESET();
  CALL(MPI_Mprobe(MPI_PROC_NULL, 5, MPI_COMM_WORLD, &msg, &st));
  UNTOUCHED("mprobe of MPI_PROC_NULL");
  CALL(MPI_Mrecv(&y, 1, MPI_INT, &msg, &st));
  UNTOUCHED("mrecv of MPI_MESSAGE_NO_PROC");
  CALL(MPI_Probe(MPI_PROC_NULL, 5, MPI_COMM_WORLD, &st));
  UNTOUCHED("probe of MPI_PROC_NULL");
  CALL(MPI_Recv(&y, 1, MPI_INT, MPI_PROC_NULL, 5, MPI_COMM_WORLD, &st));
  UNTOUCHED("recv from MPI_PROC_NULL");
  CALL(MPI_Send(&x, 1, MPI_INT, g_rank, 320, MPI_COMM_WORLD));
  CALL(MPI_Probe(g_rank, 320, MPI_COMM_WORLD, &st));
  UNTOUCHED("probe");
  CALL(MPI_Iprobe(g_rank, 320, MPI_COMM_WORLD, &flag, &st));
  CHECK(flag, "iprobe found nothing");
  UNTOUCHED("iprobe");
  CALL(MPI_Mprobe(g_rank, 320, MPI_COMM_WORLD, &msg, &st));
  UNTOUCHED("mprobe");
  CALL(MPI_Mrecv(&y, 1, MPI_INT, &msg, &st));
  UNTOUCHED("mrecv");
  CALL(MPI_Send(&x, 1, MPI_INT, g_rank, 321, MPI_COMM_WORLD));
  CALL(MPI_Recv(&y, 1, MPI_INT, g_rank, 321, MPI_COMM_WORLD, &st));
  UNTOUCHED("recv");
  CALL(MPI_Irecv(&y, 1, MPI_INT, g_rank, 322, MPI_COMM_WORLD, &r));
  CALL(MPI_Send(&x, 1, MPI_INT, g_rank, 322, MPI_COMM_WORLD));
  CALL(MPI_Wait(&r, &st));
  UNTOUCHED("wait");
  CHECK(y == x && st.MPI_TAG == 322, "irecv got %d tag %d", y, st.MPI_TAG);
#undef PRESET
#undef UNTOUCHED
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  test_any_source(0);
  test_any_source(1);
  test_matched_is_private();
  test_proc_null_and_errors();
  test_status_error_untouched();
  return finish_ok();
}
