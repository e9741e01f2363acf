/* Buffers for buffered sends in the sessions model (MPI-4.1 §3.6): a send on a communicator
 * uses the communicator's buffer, else the buffer of the session it derives from, else the
 * process's. MPI_Session_attach/detach_buffer (and _c), MPI_Session_flush/iflush_buffer on a
 * session's communicator and on communicators derived from it (dup, split), MPI_BUFFER_AUTOMATIC,
 * errors with their classes, MPI_Session_finalize with a buffer still attached, and
 * MPI_Get_hw_resource_info. "none": sessions only; "init": MPI_Init first (the process's buffer
 * as the last resort, world-model errors). Prints "session_buffer_test: OK (<n> checks)". */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char kTestName[] = "session_buffer_test";
static int g_rank, g_size, g_checks;
static MPI_Comm g_comm = MPI_COMM_NULL; /* the session's communicator over mpi://WORLD */

#define CHECK(cond, ...)                                                                         \
  do {                                                                                           \
    ++g_checks;                                                                                  \
    if (!(cond)) {                                                                               \
      fprintf(stderr, "%s: rank %d: check failed at line %d: %s: ", kTestName, g_rank, __LINE__, \
              #cond);                                                                            \
      fprintf(stderr, __VA_ARGS__);                                                              \
      fprintf(stderr, "\n");                                                                     \
      fflush(stderr);                                                                            \
      if (g_comm != MPI_COMM_NULL) MPI_Abort(g_comm, 1);                                         \
      exit(1);                                                                                   \
    }                                                                                            \
  } while (0)

#define CALL(expr)                                           \
  do {                                                       \
    int rc_ = (expr);                                        \
    CHECK(rc_ == MPI_SUCCESS, "%s returned %d", #expr, rc_); \
  } while (0)

/* The call must fail with error class `cls` (its object returns errors). */
#define EXPECT_CLASS(cls, expr)                                                              \
  do {                                                                                       \
    int rc_ = (expr), class_ = -1;                                                           \
    if (rc_ != MPI_SUCCESS) MPI_Error_class(rc_, &class_);                                   \
    CHECK(class_ == (cls), "%s gave class %d (code %d), want %s", #expr, class_, rc_, #cls); \
  } while (0)

enum { kSmall = 50, kBig = 100000 /* ints: 400 KB, above the eager limit */ };

static void *xmalloc(size_t bytes) {
  void *p = malloc(bytes > 0 ? bytes : 1);
  CHECK(p != NULL, "out of memory (%zu bytes)", bytes);
  return p;
}

/* Each rank buffers `n` ints to the next rank of `comm` and receives the previous rank's. */
static void ring(MPI_Comm comm, int n, int tag) {
  int me, size;
  CALL(MPI_Comm_rank(comm, &me));
  CALL(MPI_Comm_size(comm, &size));
  int *out = xmalloc(n * sizeof(int)), *in = xmalloc(n * sizeof(int));
  for (int i = 0; i < n; ++i) out[i] = me * 1000003 + i + tag;
  MPI_Request r;
  CALL(MPI_Irecv(in, n, MPI_INT, (me + size - 1) % size, tag, comm, &r));
  CALL(MPI_Bsend(out, n, MPI_INT, (me + 1) % size, tag, comm));
  memset(out, 0, n * sizeof(int)); /* the buffered copy is what leaves */
  int from = (me + size - 1) % size;
  MPI_Status st;
  CALL(MPI_Wait(&r, &st));
  int count = -1;
  CALL(MPI_Get_count(&st, MPI_INT, &count));
  CHECK(count == n, "ring of %d ints (tag %d) got %d", n, tag, count);
  CHECK(n == 0 || (in[0] == from * 1000003 + tag && in[n - 1] == from * 1000003 + n - 1 + tag),
        "ring of %d ints (tag %d) got %d..%d", n, tag, in[0], in[n - 1]);
  free(out);
  free(in);
}

static void detach_expect(MPI_Session s, void *want, int want_size) {
  void *got = NULL;
  int got_size = -1;
  CALL(MPI_Session_detach_buffer(s, &got, &got_size));
  CHECK(got == want && got_size == want_size, "session detach gave %p/%d, want %p/%d", got,
        got_size, want, want_size);
}

/* The session's buffer serves its communicators and those derived from them. */
static void test_session_buffer(MPI_Session s) {
  int small_room = kSmall * (int)sizeof(int) + MPI_BSEND_OVERHEAD;
  int ints[kSmall] = {0};
  /* No buffer of the session, the communicator or (in both modes here) the process. */
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Bsend(ints, kSmall, MPI_INT, 0, 1, g_comm));
  int size = 4 * small_room;
  char *buffer = xmalloc(size);
  CALL(MPI_Session_attach_buffer(s, buffer, size));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Session_attach_buffer(s, buffer, size)); /* one at a time */
  ring(g_comm, kSmall, 2);
  /* Derived communicators use it too: a dup and a split of the session's communicator, and
   * one made from the group of a derived one. */
  MPI_Comm dup, half, regrouped;
  MPI_Group group;
  CALL(MPI_Comm_dup(g_comm, &dup));
  CALL(MPI_Comm_split(dup, g_rank % 2, g_size - g_rank, &half));
  CALL(MPI_Comm_group(half, &group));
  CALL(MPI_Comm_create_from_group(group, "zmpi.session_buffer_test.regrouped", MPI_INFO_NULL,
                                  MPI_ERRORS_RETURN, &regrouped));
  ring(dup, kSmall, 3);
  ring(half, kSmall, 4);
  ring(regrouped, kSmall, 5);
  /* A message larger than the session's buffer does not fit. */
  int *big = xmalloc(kBig * sizeof(int));
  CALL(MPI_Comm_set_errhandler(dup, MPI_ERRORS_RETURN));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Bsend(big, kBig, MPI_INT, 0, 6, dup));
  /* A buffer of the communicator's own comes first: now it fits on dup, not on g_comm. */
  int big_room = kBig * (int)sizeof(int) + MPI_BSEND_OVERHEAD;
  char *comm_buffer = xmalloc(big_room);
  CALL(MPI_Comm_attach_buffer(dup, comm_buffer, big_room));
  ring(dup, kBig, 7);
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Bsend(big, kBig, MPI_INT, 0, 8, g_comm));
  void *got;
  int got_size;
  CALL(MPI_Comm_detach_buffer(dup, &got, &got_size));
  CHECK(got == comm_buffer && got_size == big_room, "comm detach gave %p/%d", got, got_size);
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Bsend(big, kBig, MPI_INT, 0, 9, dup)); /* the session's */
  free(comm_buffer);
  CALL(MPI_Group_free(&group));
  CALL(MPI_Comm_free(&regrouped));
  CALL(MPI_Comm_free(&half));
  CALL(MPI_Comm_free(&dup));
  free(big);
  detach_expect(s, buffer, size);
  detach_expect(s, NULL, 0); /* nothing attached any more */
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Bsend(ints, kSmall, MPI_INT, 0, 10, g_comm));
  /* The large-count forms. */
  MPI_Count got_count = -1;
  CALL(MPI_Session_attach_buffer_c(s, buffer, (MPI_Count)size));
  ring(g_comm, kSmall, 11);
  CALL(MPI_Session_detach_buffer_c(s, &got, &got_count));
  CHECK(got == buffer && got_count == size, "detach_c gave %p/%lld", got, (long long)got_count);
  free(buffer);
}

/* Flushes wait until the buffered messages have left: a rendezvous-size message leaves only
 * once its receiver takes it, which happens here after a barrier. */
static void test_flush(MPI_Session s) {
  int room = kBig * (int)sizeof(int) + MPI_BSEND_OVERHEAD;
  char *buffer = xmalloc(room);
  int *out = xmalloc(kBig * sizeof(int)), *in = xmalloc(kBig * sizeof(int));
  for (int i = 0; i < kBig; ++i) out[i] = g_rank + i;
  int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  CALL(MPI_Session_attach_buffer(s, buffer, room));
  MPI_Request flush, recv;
  /* Nothing buffered: an iflush completes at once, a flush returns. */
  CALL(MPI_Session_iflush_buffer(s, &flush));
  int done = 0;
  CALL(MPI_Test(&flush, &done, MPI_STATUS_IGNORE));
  CHECK(done, "iflush of an empty buffer pending");
  CALL(MPI_Session_flush_buffer(s));
  CALL(MPI_Bsend(out, kBig, MPI_INT, next, 20, g_comm));
  CALL(MPI_Session_iflush_buffer(s, &flush));
  if (g_size > 1) {
    CALL(MPI_Test(&flush, &done, MPI_STATUS_IGNORE));
    CHECK(!done, "iflush complete before the receiver took the message");
  }
  CALL(MPI_Barrier(g_comm));
  CALL(MPI_Irecv(in, kBig, MPI_INT, prev, 20, g_comm, &recv));
  CALL(MPI_Wait(&flush, MPI_STATUS_IGNORE));
  CALL(MPI_Wait(&recv, MPI_STATUS_IGNORE));
  CHECK(in[kBig - 1] == prev + kBig - 1, "flushed message got %d", in[kBig - 1]);
  /* The blocking flush, its receive posted first. */
  CALL(MPI_Irecv(in, kBig, MPI_INT, prev, 21, g_comm, &recv));
  CALL(MPI_Bsend(out, kBig, MPI_INT, next, 21, g_comm));
  CALL(MPI_Session_flush_buffer(s));
  CALL(MPI_Wait(&recv, MPI_STATUS_IGNORE));
  CHECK(in[0] == prev, "flushed message got %d", in[0]);
  detach_expect(s, buffer, room);
  free(buffer);
  free(out);
  free(in);
}

/* MPI_BUFFER_AUTOMATIC: the library buffers every message by itself, whatever its size. */
static void test_automatic(MPI_Session s) {
  CALL(MPI_Session_attach_buffer(s, MPI_BUFFER_AUTOMATIC, -1)); /* the size is ignored */
  ring(g_comm, kBig, 30);
  ring(g_comm, 0, 31);
  for (int k = 0; k < 3; ++k) ring(g_comm, kSmall, 32 + k);
  CALL(MPI_Session_flush_buffer(s));
  void *got = NULL;
  int got_size = -1;
  CALL(MPI_Session_detach_buffer(s, &got, &got_size));
  CHECK(got == MPI_BUFFER_AUTOMATIC, "automatic detach gave %p", got);
  /* A communicator's automatic buffer. */
  CALL(MPI_Comm_attach_buffer(g_comm, MPI_BUFFER_AUTOMATIC, 0));
  ring(g_comm, kBig, 35);
  CALL(MPI_Comm_detach_buffer(g_comm, &got, &got_size));
  CHECK(got == MPI_BUFFER_AUTOMATIC, "automatic comm detach gave %p", got);
}

static void test_errors(MPI_Session s) {
  char buffer[256];
  void *got;
  int got_size;
  MPI_Request r;
  EXPECT_CLASS(MPI_ERR_SESSION, MPI_Session_attach_buffer(MPI_SESSION_NULL, buffer, 256));
  EXPECT_CLASS(MPI_ERR_SESSION, MPI_Session_detach_buffer(MPI_SESSION_NULL, &got, &got_size));
  EXPECT_CLASS(MPI_ERR_SESSION, MPI_Session_flush_buffer(MPI_SESSION_NULL));
  EXPECT_CLASS(MPI_ERR_SESSION, MPI_Session_iflush_buffer(MPI_SESSION_NULL, &r));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Session_attach_buffer(s, buffer, -4));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Session_attach_buffer_c(s, buffer, -4));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Session_attach_buffer(s, NULL, 8));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Session_detach_buffer(s, NULL, &got_size));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Session_detach_buffer(s, &got, NULL));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Session_detach_buffer_c(s, &got, NULL));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Session_iflush_buffer(s, NULL));
  /* A zero-size buffer is a buffer: attaching another fails until it is detached. */
  CALL(MPI_Session_attach_buffer(s, NULL, 0));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Session_attach_buffer(s, buffer, 256));
  detach_expect(s, NULL, 0);
}

/* The one hardware resource type zmpi knows; MPI_COMM_TYPE_HW_GUIDED accepts it. */
static void test_hw_resource_info(int with_init) {
  MPI_Info hw;
  CALL(MPI_Get_hw_resource_info(&hw));
  char value[MPI_MAX_INFO_VAL];
  int flag = 0;
  CALL(MPI_Info_get_string(hw, "mpi_hw_resource_type", &(int){sizeof value}, value, &flag));
  CHECK(flag && strcmp(value, "mpi_shared_memory") == 0, "mpi_hw_resource_type %d '%s'", flag,
        flag ? value : "");
  MPI_Comm guided, shared;
  int guided_size, shared_size;
  CALL(MPI_Comm_split_type(g_comm, MPI_COMM_TYPE_HW_GUIDED, 0, hw, &guided));
  CALL(MPI_Comm_split_type(g_comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &shared));
  CHECK(guided != MPI_COMM_NULL, "guided split by the resource type gave MPI_COMM_NULL");
  CALL(MPI_Comm_size(guided, &guided_size));
  CALL(MPI_Comm_size(shared, &shared_size));
  CHECK(guided_size == shared_size, "guided %d, shared %d", guided_size, shared_size);
  CALL(MPI_Comm_free(&guided));
  CALL(MPI_Comm_free(&shared));
  CALL(MPI_Info_free(&hw));
  if (with_init) EXPECT_CLASS(MPI_ERR_ARG, MPI_Get_hw_resource_info(NULL));
}

/* The process's buffer is the last resort of a session's communicator. */
static void test_process_buffer(MPI_Session s) {
  int room = kSmall * (int)sizeof(int) + MPI_BSEND_OVERHEAD;
  char *buffer = xmalloc(room), *session_buffer = xmalloc(4 * room);
  CALL(MPI_Buffer_attach(buffer, room));
  ring(g_comm, kSmall, 40);
  /* With a session buffer, that one: a message 3 times as large fits in it, not in the
   * process's. */
  CALL(MPI_Session_attach_buffer(s, session_buffer, 4 * room));
  ring(g_comm, 3 * kSmall, 42);
  detach_expect(s, session_buffer, 4 * room);
  void *got;
  int got_size;
  CALL(MPI_Buffer_detach(&got, &got_size));
  CHECK(got == buffer && got_size == room, "process detach gave %p/%d", got, got_size);
  free(buffer);
  free(session_buffer);
}

int main(int argc, char **argv) {
  const int with_init = argc > 1 && strcmp(argv[1], "init") == 0;
  if (with_init) {
    MPI_Init(&argc, &argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  }
  MPI_Session s;
  MPI_Group world;
  CALL(MPI_Session_init(MPI_INFO_NULL, MPI_ERRORS_RETURN, &s));
  CALL(MPI_Group_from_session_pset(s, "mpi://WORLD", &world));
  CALL(MPI_Comm_create_from_group(world, "zmpi.session_buffer_test", MPI_INFO_NULL,
                                  MPI_ERRORS_RETURN, &g_comm));
  CALL(MPI_Group_free(&world));
  CALL(MPI_Comm_rank(g_comm, &g_rank));
  CALL(MPI_Comm_size(g_comm, &g_size));

  test_session_buffer(s);
  test_flush(s);
  test_automatic(s);
  test_errors(s);
  test_hw_resource_info(with_init);
  if (with_init) test_process_buffer(s);

  /* Left attached: MPI_Session_finalize sends what is buffered, then detaches. */
  int room = kSmall * (int)sizeof(int) + MPI_BSEND_OVERHEAD;
  char *left = xmalloc(room);
  int ints[kSmall] = {0}, in[kSmall];
  CALL(MPI_Session_attach_buffer(s, left, room));
  MPI_Request r;
  CALL(MPI_Irecv(in, kSmall, MPI_INT, (g_rank + g_size - 1) % g_size, 50, g_comm, &r));
  CALL(MPI_Bsend(ints, kSmall, MPI_INT, (g_rank + 1) % g_size, 50, g_comm));
  CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));

  int total = 0;
  CALL(MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, g_comm));
  if (g_rank == 0) {
    printf("%s: OK (%d checks)\n", kTestName, total);
    fflush(stdout);
  }
  CALL(MPI_Comm_free(&g_comm));
  g_comm = MPI_COMM_NULL;
  CALL(MPI_Session_finalize(&s));
  free(left);
  if (with_init) MPI_Finalize();
  return 0;
}
