/* Buffered mode: Buffer_attach/detach, Bsend, Ibsend, Bsend_init, MPI_BSEND_OVERHEAD
 * accounting, MPI_ERR_BUFFER when the buffer is too small, and detach waiting until the
 * buffered messages have left. Prints "p2p_bsend_test: OK (<n> checks)" on rank 0. */
#include <string.h>

static const char kTestName[] = "p2p_bsend_test";
#include "p2p_check.h"

static int next_rank(void) { return (g_rank + 1) % g_size; }
static int prev_rank(void) { return (g_rank + g_size - 1) % g_size; }

/* Many small buffered messages around the ring, a buffer sized for all of them. */
static void test_ring(void) {
  const int k = 20, n = 50;
  int size = k * (n * (int)sizeof(int) + MPI_BSEND_OVERHEAD);
  char *buffer = xmalloc(size);
  CALL(MPI_Buffer_attach(buffer, size));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Buffer_attach(buffer, size)); /* one at a time */
  int *out = xmalloc(k * n * sizeof(int)), *in = xmalloc(n * sizeof(int));
  for (int m = 0; m < k; ++m) {
    for (int i = 0; i < n; ++i) out[m * n + i] = g_rank * 10000 + m * 100 + i;
    if (m % 2 == 0) {
      CALL(MPI_Bsend(out + m * n, n, MPI_INT, next_rank(), m, MPI_COMM_WORLD));
    } else {
      MPI_Request r;
      CALL(MPI_Ibsend(out + m * n, n, MPI_INT, next_rank(), m, MPI_COMM_WORLD, &r));
      CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));
    }
  }
  memset(out, 0, k * n * sizeof(int)); /* the copies in the buffer are what leaves */
  for (int m = k - 1; m >= 0; --m) {
    CALL(MPI_Recv(in, n, MPI_INT, prev_rank(), m, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    CHECK(in[n - 1] == prev_rank() * 10000 + m * 100 + n - 1, "message %d got %d", m, in[n - 1]);
  }
  void *got = NULL;
  int got_size = 0;
  CALL(MPI_Buffer_detach(&got, &got_size));
  CHECK(got == buffer && got_size == size, "detach gave %p/%d, want %p/%d", got, got_size,
        (void *)buffer, size);
  /* Nothing attached: detach gives NULL and 0, Bsend fails. */
  CALL(MPI_Buffer_detach(&got, &got_size));
  CHECK(got == NULL && got_size == 0, "second detach gave %p/%d", got, got_size);
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Bsend(in, 1, MPI_INT, next_rank(), 0, MPI_COMM_WORLD));
  /* MPI_PROC_NULL needs no buffer. */
  CALL(MPI_Bsend(in, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD));
  free(buffer);
  free(out);
  free(in);
}

/* Exactly data + MPI_BSEND_OVERHEAD fits; one byte less does not. Large messages stay in the
 * buffer until received, so a second one does not fit a buffer sized for one. */
static void test_accounting(void) {
  int n = 10;
  int exact = n * (int)sizeof(int) + MPI_BSEND_OVERHEAD;
  char *buffer = xmalloc(exact);
  int data[10] = {0}, in[10];
  CALL(MPI_Buffer_attach(buffer, exact - 1));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Bsend(data, n, MPI_INT, next_rank(), 61, MPI_COMM_WORLD));
  MPI_Request r;
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Ibsend(data, n, MPI_INT, next_rank(), 61, MPI_COMM_WORLD, &r));
  void *got;
  int got_size;
  CALL(MPI_Buffer_detach(&got, &got_size));
  CALL(MPI_Buffer_attach(buffer, exact));
  CALL(MPI_Bsend(data, n, MPI_INT, next_rank(), 61, MPI_COMM_WORLD));
  CALL(MPI_Recv(in, n, MPI_INT, prev_rank(), 61, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  CALL(MPI_Buffer_detach(&got, &got_size));
  free(buffer);

  /* Rendezvous sizes: the first message holds its room until the receiver takes it. */
  int big = 100000; /* ints: 400 KB, above the eager limit */
  int room = big * (int)sizeof(int) + MPI_BSEND_OVERHEAD;
  buffer = xmalloc(room);
  int *msg = xmalloc(big * sizeof(int)), *dst = xmalloc(big * sizeof(int));
  for (int i = 0; i < big; ++i) msg[i] = g_rank + i;
  CALL(MPI_Buffer_attach(buffer, room));
  CALL(MPI_Bsend(msg, big, MPI_INT, next_rank(), 62, MPI_COMM_WORLD));
  if (g_size > 1) {
    /* The receiver has not posted yet (it is in this same call): no room for a second. */
    EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Bsend(msg, 1, MPI_INT, next_rank(), 63, MPI_COMM_WORLD));
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_Recv(dst, big, MPI_INT, prev_rank(), 62, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  CHECK(dst[big - 1] == prev_rank() + big - 1, "big buffered message got %d", dst[big - 1]);
  CALL(MPI_Buffer_detach(&got, &got_size));
  free(buffer);
  free(msg);
  free(dst);
}

/* Detach waits until a buffered rendezvous message has been received. */
static void test_detach_waits(void) {
  if (g_size < 2) return;
  int big = 100000;
  int room = big * (int)sizeof(int) + MPI_BSEND_OVERHEAD;
  char *buffer = xmalloc(room);
  int *msg = xmalloc(big * sizeof(int));
  for (int i = 0; i < big; ++i) msg[i] = i;
  if (g_rank == 0) {
    CALL(MPI_Buffer_attach(buffer, room));
    CALL(MPI_Bsend(msg, big, MPI_INT, 1, 71, MPI_COMM_WORLD));
    memset(msg, 0, big * sizeof(int));
    CALL(MPI_Send(&big, 1, MPI_INT, 1, 72, MPI_COMM_WORLD)); /* "buffered send done" */
    double t0 = MPI_Wtime();
    void *got;
    int got_size;
    CALL(MPI_Buffer_detach(&got, &got_size));
    double waited = MPI_Wtime() - t0;
    /* Rank 1 receives the buffered message 300 ms after our note. */
    CHECK(waited > 0.2, "detach returned after %.3f s, before the message was received", waited);
  } else if (g_rank == 1) {
    int note;
    CALL(MPI_Recv(&note, 1, MPI_INT, 0, 72, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    sleep_ms(300);
    CALL(MPI_Recv(msg, big, MPI_INT, 0, 71, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    CHECK(msg[big - 1] == big - 1, "buffered message got %d", msg[big - 1]);
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  free(buffer);
  free(msg);
}

/* A persistent buffered send, restarted: each start copies the data at that moment. */
static void test_bsend_init(void) {
  int size = 4 * (8 * (int)sizeof(int) + MPI_BSEND_OVERHEAD);
  char *buffer = xmalloc(size);
  CALL(MPI_Buffer_attach(buffer, size));
  int out[8], in[8];
  MPI_Request r;
  CALL(MPI_Bsend_init(out, 8, MPI_INT, next_rank(), 81, MPI_COMM_WORLD, &r));
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < 8; ++i) out[i] = round * 10 + i + g_rank;
    CALL(MPI_Start(&r));
    CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));
    CHECK(r != MPI_REQUEST_NULL, "persistent bsend freed by wait");
    CALL(MPI_Recv(in, 8, MPI_INT, prev_rank(), 81, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    CHECK(in[7] == round * 10 + 7 + prev_rank(), "round %d got %d", round, in[7]);
  }
  CALL(MPI_Request_free(&r));
  void *got;
  int got_size;
  CALL(MPI_Buffer_detach(&got, &got_size));
  /* Start with no buffer attached: the error comes from MPI_Start. */
  CALL(MPI_Bsend_init(out, 8, MPI_INT, next_rank(), 82, MPI_COMM_WORLD, &r));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Start(&r));
  CALL(MPI_Wait(&r, MPI_STATUS_IGNORE)); /* still inactive */
  CALL(MPI_Request_free(&r));
  /* Large-count forms. */
  CALL(MPI_Buffer_attach_c(buffer, (MPI_Count)size));
  CALL(MPI_Bsend_c(out, (MPI_Count)8, MPI_INT, next_rank(), 83, MPI_COMM_WORLD));
  CALL(MPI_Ibsend_c(out, (MPI_Count)8, MPI_INT, next_rank(), 84, MPI_COMM_WORLD, &r));
  CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));
  CALL(MPI_Recv(in, 8, MPI_INT, prev_rank(), 83, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  CALL(MPI_Recv(in, 8, MPI_INT, prev_rank(), 84, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  MPI_Count csize = 0;
  CALL(MPI_Buffer_detach_c(&got, &csize));
  CHECK(got == buffer && csize == size, "detach_c gave %lld", (long long)csize);
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Buffer_attach(buffer, -1));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Buffer_attach(NULL, 100));
  EXPECT_CLASS(MPI_ERR_COUNT, MPI_Bsend(out, -1, MPI_INT, next_rank(), 0, MPI_COMM_WORLD));
  free(buffer);
}

/* MPI_Buffer_flush and MPI_Buffer_iflush (MPI-4.1): the buffer stays attached; the iflush
 * request completes only once the messages buffered before it have left. */
static void test_flush(void) {
  int big = 100000;
  int room = 2 * (big * (int)sizeof(int) + MPI_BSEND_OVERHEAD);
  char *buffer = xmalloc(room);
  int *msg = xmalloc(big * sizeof(int)), *dst = xmalloc(big * sizeof(int));
  for (int i = 0; i < big; ++i) msg[i] = g_rank * 3 + i;
  CALL(MPI_Buffer_flush()); /* nothing attached, nothing pending */
  CALL(MPI_Buffer_attach(buffer, room));
  CALL(MPI_Bsend(msg, big, MPI_INT, next_rank(), 91, MPI_COMM_WORLD));
  MPI_Request flush;
  CALL(MPI_Buffer_iflush(&flush));
  int flag = 1;
  if (g_size > 1) {
    CALL(MPI_Test(&flush, &flag, MPI_STATUS_IGNORE));
    CHECK(flag == 0, "iflush complete before its message was received");
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_Recv(dst, big, MPI_INT, prev_rank(), 91, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  CALL(MPI_Wait(&flush, MPI_STATUS_IGNORE));
  CHECK(flush == MPI_REQUEST_NULL, "iflush request not freed");
  CHECK(dst[big - 1] == prev_rank() * 3 + big - 1, "flushed message got %d", dst[big - 1]);
  /* Flush with one message pending from this rank: returns once it was received. */
  CALL(MPI_Bsend(msg, big, MPI_INT, next_rank(), 92, MPI_COMM_WORLD));
  MPI_Request r;
  CALL(MPI_Irecv(dst, big, MPI_INT, prev_rank(), 92, MPI_COMM_WORLD, &r));
  CALL(MPI_Buffer_flush());
  CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));
  /* Still attached: a buffered send works without attaching again. */
  CALL(MPI_Bsend(msg, 4, MPI_INT, next_rank(), 93, MPI_COMM_WORLD));
  CALL(MPI_Recv(dst, 4, MPI_INT, prev_rank(), 93, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  CALL(MPI_Buffer_iflush(&flush));
  CALL(MPI_Wait(&flush, MPI_STATUS_IGNORE));
  void *got;
  int got_size;
  CALL(MPI_Buffer_detach(&got, &got_size));
  CHECK(got == buffer, "detach after flush");
  free(buffer);
  free(msg);
  free(dst);
}

/* MPI-4.1 communicator buffers: a buffer attached to a communicator serves buffered sends on
 * it only, and takes precedence over the process's. */
static void test_comm_buffer(void) {
  MPI_Comm dup;
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  MPI_Comm_set_errhandler(dup, MPI_ERRORS_RETURN);
  int n = 16, in[16], out[16];
  for (int i = 0; i < n; ++i) out[i] = g_rank * 50 + i;
  int size = n * (int)sizeof(int) + MPI_BSEND_OVERHEAD;
  char *buffer = xmalloc(size), *pbuffer = xmalloc(size);
  CALL(MPI_Comm_attach_buffer(dup, buffer, size));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Comm_attach_buffer(dup, buffer, size));
  /* No process buffer: only the communicator with a buffer can send buffered. */
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Bsend(out, n, MPI_INT, next_rank(), 1, MPI_COMM_WORLD));
  CALL(MPI_Bsend(out, n, MPI_INT, next_rank(), 1, dup));
  CALL(MPI_Recv(in, n, MPI_INT, prev_rank(), 1, dup, MPI_STATUS_IGNORE));
  CHECK(in[n - 1] == prev_rank() * 50 + n - 1, "comm-buffered message got %d", in[n - 1]);
  /* With a process buffer too, dup keeps using its own and MPI_COMM_WORLD the process's. */
  CALL(MPI_Buffer_attach(pbuffer, size));
  CALL(MPI_Bsend(out, n, MPI_INT, next_rank(), 2, dup));
  CALL(MPI_Bsend(out, n, MPI_INT, next_rank(), 2, MPI_COMM_WORLD));
  CALL(MPI_Comm_flush_buffer(dup));
  MPI_Request flush;
  CALL(MPI_Comm_iflush_buffer(dup, &flush));
  CALL(MPI_Recv(in, n, MPI_INT, prev_rank(), 2, dup, MPI_STATUS_IGNORE));
  CALL(MPI_Recv(in, n, MPI_INT, prev_rank(), 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  CALL(MPI_Wait(&flush, MPI_STATUS_IGNORE));
  void *got = NULL;
  int got_size = 0;
  CALL(MPI_Comm_detach_buffer(dup, &got, &got_size));
  CHECK(got == buffer && got_size == size, "comm detach gave %p/%d", got, got_size);
  CALL(MPI_Comm_detach_buffer(dup, &got, &got_size));
  CHECK(got == NULL && got_size == 0, "second comm detach gave %p/%d", got, got_size);
  /* Without its own buffer, dup uses the process's again. */
  CALL(MPI_Bsend(out, n, MPI_INT, next_rank(), 3, dup));
  CALL(MPI_Recv(in, n, MPI_INT, prev_rank(), 3, dup, MPI_STATUS_IGNORE));
  CALL(MPI_Buffer_detach(&got, &got_size));
  CHECK(got == pbuffer, "process detach");
  /* Large-count forms, and a communicator freed with its buffer attached. */
  CALL(MPI_Comm_attach_buffer_c(dup, buffer, (MPI_Count)size));
  MPI_Count csize = 0;
  CALL(MPI_Comm_detach_buffer_c(dup, &got, &csize));
  CHECK(got == buffer && csize == size, "comm detach_c gave %lld", (long long)csize);
  CALL(MPI_Comm_attach_buffer(dup, buffer, size));
  CALL(MPI_Bsend(out, n, MPI_INT, next_rank(), 4, dup));
  CALL(MPI_Recv(in, n, MPI_INT, prev_rank(), 4, dup, MPI_STATUS_IGNORE));
  CALL(MPI_Comm_flush_buffer(dup));
  MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
  EXPECT_CLASS(MPI_ERR_COMM, MPI_Comm_attach_buffer(MPI_COMM_NULL, buffer, size));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Comm_attach_buffer(MPI_COMM_SELF, buffer, -4));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Comm_attach_buffer(MPI_COMM_SELF, NULL, 8));
  EXPECT_CLASS(MPI_ERR_COMM, MPI_Comm_detach_buffer(MPI_COMM_NULL, &got, &got_size));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Comm_iflush_buffer(dup, NULL));
  EXPECT_CLASS(MPI_ERR_COMM, MPI_Comm_flush_buffer(MPI_COMM_NULL));
  CALL(MPI_Comm_free(&dup));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  free(buffer);
  free(pbuffer);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  test_ring();
  test_accounting();
  test_detach_waits();
  test_bsend_init();
  test_flush();
  test_comm_buffer();
  return finish_ok();
}
