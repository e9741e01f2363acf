/* MPI_THREAD_MULTIPLE beyond plain point-to-point: four threads per rank, each on its own
 * communicator (duplicated by the main thread), at the same time: persistent sends and
 * receives (MPI_Startall), buffered sends into the one attached buffer, a receive cancelled
 * and completed, a derived datatype built, used and freed, a window allocated and freed, a
 * file opened collectively, written with MPI_File_write_at_all, read back and closed, a
 * Cartesian communicator with MPI_Ineighbor_allgather, and a persistent MPI_Allreduce_init.
 * Prints "thread_objects_test: OK (<n> checks)" on rank 0.
 * The files live in a scratch directory under /tmp (rank 0 makes and removes it).
 * Usage: thread_objects_test [rounds] */
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "thread_check.h"

enum { kThreads = 4, kInts = 64 };

static int g_rank, g_size, g_rounds = 8;
static long g_checks;
static const char *kTestName = "thread_objects_test";
static char g_dir[64] = "/tmp/zmpi-thread-objects-XXXXXX";
static MPI_Comm g_comms[kThreads];

static int value(int src, int id, int round, int i) {
  return src * 100000 + id * 10000 + round * 100 + i;
}

static void persistent(int id, MPI_Comm c, int round, int *sb, int *rb) {
  const int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  MPI_Request r[2];
  for (int i = 0; i < kInts; ++i) sb[i] = value(g_rank, id, round, i);
  CALL(id, MPI_Recv_init(rb, kInts, MPI_INT, prev, 1, c, &r[0]));
  CALL(id, MPI_Send_init(sb, kInts, MPI_INT, next, 1, c, &r[1]));
  for (int again = 0; again < 2; ++again) {
    memset(rb, 0, kInts * sizeof(int));
    CALL(id, MPI_Startall(2, r));
    CALL(id, MPI_Waitall(2, r, MPI_STATUSES_IGNORE));
    for (int i = 0; i < kInts; ++i) {
      CHECK(id, rb[i] == value(prev, id, round, i), "persistent element %d: %d", i, rb[i]);
    }
  }
  CALL(id, MPI_Request_free(&r[0]));
  CALL(id, MPI_Request_free(&r[1]));
}

static void buffered_and_cancel(int id, MPI_Comm c, int round, int *sb, int *rb) {
  const int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  CALL(id, MPI_Bsend(sb, 8, MPI_INT, next, 2, c));
  CALL(id, MPI_Recv(rb, 8, MPI_INT, prev, 2, c, MPI_STATUS_IGNORE));
  CHECK(id, rb[7] == value(prev, id, round, 7), "bsend got %d", rb[7]);
  MPI_Request r;
  MPI_Status st;
  int cancelled = 0;
  CALL(id, MPI_Irecv(rb, 1, MPI_INT, MPI_ANY_SOURCE, 999, c, &r));
  CALL(id, MPI_Cancel(&r));
  CALL(id, MPI_Wait(&r, &st));
  CALL(id, MPI_Test_cancelled(&st, &cancelled));
  CHECK(id, cancelled == 1 && r == MPI_REQUEST_NULL, "cancelled %d", cancelled);
}

static void derived(int id, MPI_Comm c, int round, int *sb, int *rb) {
  const int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  MPI_Datatype t;
  CALL(id, MPI_Type_vector(4, 2, 3 + id, MPI_INT, &t));
  CALL(id, MPI_Type_commit(&t));
  memset(rb, 0, kInts * sizeof(int));
  CALL(id, MPI_Sendrecv(sb, 1, t, next, 3, rb, 1, t, prev, 3, c, MPI_STATUS_IGNORE));
  for (int b = 0; b < 4; ++b) {
    for (int k = 0; k < 2; ++k) {
      int i = b * (3 + id) + k;
      CHECK(id, rb[i] == value(prev, id, round, i), "vector element %d: %d", i, rb[i]);
    }
  }
  CALL(id, MPI_Type_free(&t));
}

static void window_and_file(int id, MPI_Comm c, int round, int *sb, int *rb) {
  int *base = NULL;
  MPI_Win w;
  CALL(id, MPI_Win_allocate(kInts * sizeof(int), sizeof(int), MPI_INFO_NULL, c, &base, &w));
  CHECK(id, base != NULL, "window memory");
  base[0] = round;
  CALL(id, MPI_Win_free(&w));

  char path[512];
  snprintf(path, sizeof(path), "%s/thread_objects.%d.%d", g_dir, id, round);
  MPI_File fh;
  CALL(id, MPI_File_open(c, path, MPI_MODE_CREATE | MPI_MODE_RDWR | MPI_MODE_DELETE_ON_CLOSE,
                         MPI_INFO_NULL, &fh));
  MPI_Offset at = (MPI_Offset)g_rank * kInts * sizeof(int);
  CALL(id, MPI_File_write_at_all(fh, at, sb, kInts, MPI_INT, MPI_STATUS_IGNORE));
  memset(rb, 0, kInts * sizeof(int));
  CALL(id, MPI_File_read_at(fh, at, rb, kInts, MPI_INT, MPI_STATUS_IGNORE));
  for (int i = 0; i < kInts; ++i) {
    CHECK(id, rb[i] == value(g_rank, id, round, i), "file element %d: %d", i, rb[i]);
  }
  CALL(id, MPI_File_close(&fh));
}

static void neighbors_and_persistent_coll(int id, MPI_Comm c, int round, int *rb) {
  int dims[1] = {g_size}, periods[1] = {1}, me = value(g_rank, id, round, 0);
  MPI_Comm cart;
  MPI_Request r;
  CALL(id, MPI_Cart_create(c, 1, dims, periods, 0, &cart));
  int crank, left, right;
  CALL(id, MPI_Comm_rank(cart, &crank));
  CALL(id, MPI_Cart_shift(cart, 0, 1, &left, &right));
  CALL(id, MPI_Ineighbor_allgather(&me, 1, MPI_INT, rb, 1, MPI_INT, cart, &r));
  CALL(id, MPI_Wait(&r, MPI_STATUS_IGNORE));
  CHECK(id, rb[0] == value(left, id, round, 0) && rb[1] == value(right, id, round, 0),
        "neighbors %d %d", rb[0], rb[1]);
  CALL(id, MPI_Comm_free(&cart));
  int one = id + 1, sum = 0;
  CALL(id, MPI_Allreduce_init(&one, &sum, 1, MPI_INT, MPI_SUM, c, MPI_INFO_NULL, &r));
  for (int again = 0; again < 2; ++again) {
    sum = 0;
    CALL(id, MPI_Start(&r));
    CALL(id, MPI_Wait(&r, MPI_STATUS_IGNORE));
    CHECK(id, sum == (id + 1) * g_size, "allreduce_init %d", sum);
  }
  CALL(id, MPI_Request_free(&r));
}

static void *work(void *arg) {
  const int id = (int)(long)arg;
  MPI_Comm c = g_comms[id];
  int *sb = malloc(kInts * sizeof(int)), *rb = malloc(kInts * sizeof(int));
  for (int round = 0; round < g_rounds; ++round) {
    persistent(id, c, round, sb, rb);
    buffered_and_cancel(id, c, round, sb, rb);
    derived(id, c, round, sb, rb);
    window_and_file(id, c, round, sb, rb);
    neighbors_and_persistent_coll(id, c, round, rb);
  }
  free(sb);
  free(rb);
  return NULL;
}

int main(int argc, char **argv) {
  int provided = -1;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  CHECK(-1, provided == MPI_THREAD_MULTIPLE, "provided %d", provided);
  if (argc > 1) g_rounds = atoi(argv[1]);
  if (g_rank == 0) CHECK(-1, mkdtemp(g_dir) != NULL, "mkdtemp %s", g_dir);
  CALL(-1, MPI_Bcast(g_dir, (int)sizeof(g_dir), MPI_CHAR, 0, MPI_COMM_WORLD));
  static char buffer[kThreads * 8 * (8 * sizeof(int) + MPI_BSEND_OVERHEAD)];
  CALL(-1, MPI_Buffer_attach(buffer, (int)sizeof(buffer)));
  /* Communicators are made by one thread: concurrent collectives on MPI_COMM_WORLD from
   * several threads would pair the ranks' calls in no defined order. */
  for (int t = 0; t < kThreads; ++t) CALL(-1, MPI_Comm_dup(MPI_COMM_WORLD, &g_comms[t]));
  pthread_t th[kThreads];
  for (long t = 0; t < kThreads; ++t) {
    CHECK(-1, pthread_create(&th[t], NULL, work, (void *)t) == 0, "pthread_create");
  }
  for (int t = 0; t < kThreads; ++t) pthread_join(th[t], NULL);
  for (int t = 0; t < kThreads; ++t) CALL(-1, MPI_Comm_free(&g_comms[t]));
  void *detached;
  int bytes;
  CALL(-1, MPI_Buffer_detach(&detached, &bytes));
  CHECK(-1, detached == buffer && bytes == (int)sizeof(buffer), "detached %d bytes", bytes);

  /* Every file was deleted on close: the directory is empty. */
  CALL(-1, MPI_Barrier(MPI_COMM_WORLD));
  if (g_rank == 0) CHECK(-1, rmdir(g_dir) == 0, "scratch directory %s not empty", g_dir);
  long total = 0, mine = __atomic_load_n(&g_checks, __ATOMIC_RELAXED);
  CALL(-1, MPI_Reduce(&mine, &total, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD));
  if (g_rank == 0) {
    printf("thread_objects_test: OK (%ld checks)\n", total);
    fflush(stdout);
  }
  MPI_Finalize();
  return 0;
}
