/* MPI-IO access forms at any rank count: open/close/delete with their error classes, explicit
 * offsets, individual and shared file pointers, ordered, collective, split collective and
 * non-blocking reads and writes, sizes, hints, atomicity, groups, error handlers; every
 * written file compared with POSIX reads. */
#define kTestName "io_test"
#include "io_check.h"

enum { N = 37 }; /* ints per rank in most checks: odd on purpose */

static void fill(int *buf, int n, int seed) {
  for (int i = 0; i < n; ++i) buf[i] = seed * 1000 + i;
}
static void expect_fill(const int *buf, int n, int seed, const char *what) {
  for (int i = 0; i < n; ++i) {
    if (buf[i] != seed * 1000 + i)
      fail("%s: element %d is %d, expected %d", what, i, buf[i], seed * 1000 + i);
  }
  ++g_checks;
}

static void open_errors(void) {
  MPI_File fh = MPI_FILE_NULL;
  EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, path_of("none"), MPI_MODE_RDONLY, MPI_INFO_NULL, &fh),
               MPI_ERR_NO_SUCH_FILE);
  EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, path_of("x"), MPI_MODE_RDONLY | MPI_MODE_RDWR,
                             MPI_INFO_NULL, &fh),
               MPI_ERR_AMODE);
  EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, path_of("x"), MPI_MODE_RDONLY | MPI_MODE_CREATE,
                             MPI_INFO_NULL, &fh),
               MPI_ERR_AMODE);
  EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, path_of("x"), MPI_MODE_RDWR | MPI_MODE_SEQUENTIAL,
                             MPI_INFO_NULL, &fh),
               MPI_ERR_AMODE);
  EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, path_of("x"), MPI_MODE_WRONLY, MPI_INFO_NULL, &fh),
               MPI_ERR_NO_SUCH_FILE);
  /* EXCL: succeeds once, then the file exists for every rank. */
  CALL(MPI_File_open(MPI_COMM_WORLD, path_of("excl"),
                     MPI_MODE_CREATE | MPI_MODE_EXCL | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh));
  CALL(MPI_File_close(&fh));
  EXPECT(fh == MPI_FILE_NULL, "MPI_File_close did not reset the handle");
  EXPECT_CLASS(MPI_File_open(MPI_COMM_WORLD, path_of("excl"),
                             MPI_MODE_CREATE | MPI_MODE_EXCL | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh),
               MPI_ERR_FILE_EXISTS);
  EXPECT_CLASS(MPI_File_close(&fh), MPI_ERR_FILE);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  if (g_me == 0) CALL(MPI_File_delete(path_of("excl"), MPI_INFO_NULL));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  EXPECT(posix_size(path_of("excl")) == -1, "MPI_File_delete left the file");
  EXPECT_CLASS(MPI_File_delete(path_of("excl"), MPI_INFO_NULL), MPI_ERR_NO_SUCH_FILE);
  /* DELETE_ON_CLOSE removes the file once all closed. */
  CALL(MPI_File_open(MPI_COMM_WORLD, path_of("doc"),
                     MPI_MODE_CREATE | MPI_MODE_RDWR | MPI_MODE_DELETE_ON_CLOSE, MPI_INFO_NULL,
                     &fh));
  EXPECT(posix_size(path_of("doc")) == 0, "a created file is not there");
  CALL(MPI_File_close(&fh));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  EXPECT(posix_size(path_of("doc")) == -1, "MPI_MODE_DELETE_ON_CLOSE left the file");
}

/* Explicit offsets: each rank writes its block, reads a neighbour's, compared with POSIX. */
static void explicit_offsets(MPI_File fh, const char *path) {
  int out[N], in[N];
  MPI_Status st;
  fill(out, N, g_me + 1);
  MPI_Offset mine = (MPI_Offset)g_me * N * kIntSize;
  CALL(MPI_File_write_at(fh, mine, out, N, MPI_INT, &st));
  EXPECT(status_count(&st, MPI_INT) == N, "write_at count %d", status_count(&st, MPI_INT));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_File_sync(fh));
  int peer = (g_me + 1) % g_p;
  CALL(MPI_File_read_at(fh, (MPI_Offset)peer * N * kIntSize, in, N, MPI_INT, &st));
  EXPECT(status_count(&st, MPI_INT) == N, "read_at count %d", status_count(&st, MPI_INT));
  expect_fill(in, N, peer + 1, "read_at of the next rank's block");
  if (g_me == 0) {
    int *all = xmalloc(kIntSize * N * g_p);
    EXPECT(posix_read(path, 0, all, kIntSize * N * g_p) == kIntSize * N * g_p,
           "POSIX read of write_at's file short");
    for (int r = 0; r < g_p; ++r) expect_fill(all + r * N, N, r + 1, "POSIX read of write_at");
    free(all);
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD)); /* all checked before anyone overwrites */
  /* The collective forms, other data. */
  fill(out, N, g_me + 50);
  CALL(MPI_File_write_at_all(fh, mine, out, N, MPI_INT, &st));
  EXPECT(status_count(&st, MPI_INT) == N, "write_at_all count");
  CALL(MPI_File_sync(fh));
  CALL(MPI_File_read_at_all(fh, (MPI_Offset)peer * N * kIntSize, in, N, MPI_INT, &st));
  expect_fill(in, N, peer + 50, "read_at_all");
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  /* Past the end: a short count; zero counts; MPI_STATUS_IGNORE. */
  MPI_Offset size = 0;
  CALL(MPI_File_get_size(fh, &size));
  EXPECT(size == (MPI_Offset)kIntSize * N * g_p, "get_size %ld", (long)size);
  CALL(MPI_File_read_at(fh, size - 3 * kIntSize, in, N, MPI_INT, &st));
  EXPECT(status_count(&st, MPI_INT) == 3, "read past the end counted %d",
         status_count(&st, MPI_INT));
  CALL(MPI_File_read_at(fh, size + 100, in, N, MPI_INT, &st));
  EXPECT(status_count(&st, MPI_INT) == 0, "read beyond the end counted %d",
         status_count(&st, MPI_INT));
  CALL(MPI_File_read_at(fh, 0, in, 0, MPI_INT, &st));
  EXPECT(status_count(&st, MPI_INT) == 0, "zero-count read counted %d", status_count(&st, MPI_INT));
  CALL(MPI_File_write_at(fh, 0, NULL, 0, MPI_INT, MPI_STATUS_IGNORE));
  CALL(MPI_File_read_at(fh, mine, in, N, MPI_INT, MPI_STATUS_IGNORE));
  expect_fill(in, N, g_me + 50, "read_at with MPI_STATUS_IGNORE");
  MPI_Count cnt = 0;
  CALL(MPI_File_read_at_c(fh, mine, in, (MPI_Count)N, MPI_INT, &st));
  CALL(MPI_Get_count_c(&st, MPI_INT, &cnt));
  EXPECT(cnt == N, "read_at_c count %ld", (long)cnt);
  /* Argument errors under MPI_ERRORS_RETURN (the default for files). */
  EXPECT_CLASS(MPI_File_read_at(fh, -1, in, N, MPI_INT, &st), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_File_read_at(fh, 0, in, -1, MPI_INT, &st), MPI_ERR_COUNT);
  EXPECT_CLASS(MPI_File_read_at(fh, 0, in, N, MPI_DATATYPE_NULL, &st), MPI_ERR_TYPE);
  EXPECT_CLASS(MPI_File_read_at(fh, 0, NULL, N, MPI_INT, &st), MPI_ERR_BUFFER);
  EXPECT_CLASS(MPI_File_read_at(MPI_FILE_NULL, 0, in, N, MPI_INT, &st), MPI_ERR_FILE);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
}

/* Individual pointers: seek, write, position, read back; pointers are per rank. */
static void individual(MPI_File fh) {
  int out[N], in[N];
  MPI_Status st;
  MPI_Offset pos = -1;
  fill(out, N, g_me + 7);
  CALL(MPI_File_seek(fh, (MPI_Offset)g_me * N * kIntSize, MPI_SEEK_SET));
  CALL(MPI_File_write(fh, out, N, MPI_INT, &st));
  CALL(MPI_File_get_position(fh, &pos));
  EXPECT(pos == (MPI_Offset)(g_me + 1) * N * kIntSize, "position after write %ld", (long)pos);
  CALL(MPI_File_seek(fh, -(MPI_Offset)N * kIntSize, MPI_SEEK_CUR));
  CALL(MPI_File_read(fh, in, N, MPI_INT, &st));
  expect_fill(in, N, g_me + 7, "read after seek back");
  EXPECT_CLASS(MPI_File_seek(fh, -1, MPI_SEEK_SET), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_File_seek(fh, 0, 12345), MPI_ERR_ARG);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  /* Collective with individual pointers, and split collectives. */
  fill(out, N, g_me + 9);
  CALL(MPI_File_seek(fh, (MPI_Offset)g_me * N * kIntSize, MPI_SEEK_SET));
  CALL(MPI_File_write_all(fh, out, N, MPI_INT, &st));
  CALL(MPI_File_seek(fh, (MPI_Offset)g_me * N * kIntSize, MPI_SEEK_SET));
  CALL(MPI_File_read_all(fh, in, N, MPI_INT, &st));
  expect_fill(in, N, g_me + 9, "read_all");
  fill(out, N, g_me + 11);
  CALL(MPI_File_seek(fh, (MPI_Offset)g_me * N * kIntSize, MPI_SEEK_SET));
  CALL(MPI_File_write_all_begin(fh, out, N, MPI_INT));
  EXPECT_CLASS(MPI_File_write_all_begin(fh, out, N, MPI_INT), MPI_ERR_IO);
  CALL(MPI_File_write_all_end(fh, out, &st));
  EXPECT(status_count(&st, MPI_INT) == N, "write_all_end count");
  EXPECT_CLASS(MPI_File_read_all_end(fh, in, &st), MPI_ERR_IO);
  CALL(MPI_File_seek(fh, (MPI_Offset)g_me * N * kIntSize, MPI_SEEK_SET));
  CALL(MPI_File_read_all_begin(fh, in, N, MPI_INT));
  CALL(MPI_File_read_all_end(fh, in, &st));
  expect_fill(in, N, g_me + 11, "read_all_begin/end");
  fill(out, N, g_me + 13);
  CALL(MPI_File_write_at_all_begin(fh, (MPI_Offset)g_me * N * kIntSize, out, N, MPI_INT));
  CALL(MPI_File_write_at_all_end(fh, out, &st));
  CALL(MPI_File_read_at_all_begin(fh, (MPI_Offset)g_me * N * kIntSize, in, N, MPI_INT));
  CALL(MPI_File_read_at_all_end(fh, in, &st));
  expect_fill(in, N, g_me + 13, "read_at_all_begin/end");
  CALL(MPI_Barrier(MPI_COMM_WORLD));
}

/* Shared pointer: independent appends, then ordered ones in rank order. */
static void shared(MPI_File fh, const char *path) {
  enum { K = 5 };
  int out[K], in[64];
  MPI_Status st;
  MPI_Offset pos = -1;
  CALL(MPI_File_seek_shared(fh, 0, MPI_SEEK_SET));
  for (int i = 0; i < K; ++i) out[i] = g_me;
  CALL(MPI_File_write_shared(fh, out, K, MPI_INT, &st));
  EXPECT(status_count(&st, MPI_INT) == K, "write_shared count");
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_File_get_position_shared(fh, &pos));
  EXPECT(pos == (MPI_Offset)K * g_p * kIntSize, "shared position %ld", (long)pos);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  if (g_me == 0) {
    int *all = xmalloc(kIntSize * K * g_p);
    int *seen = xmalloc(kIntSize * g_p);
    memset(seen, 0, kIntSize * g_p);
    posix_read(path, 0, all, kIntSize * K * g_p);
    for (int b = 0; b < g_p; ++b) {
      for (int i = 1; i < K; ++i) EXPECT(all[b * K + i] == all[b * K], "write_shared block mixed");
      EXPECT(all[b * K] >= 0 && all[b * K] < g_p, "write_shared wrote %d", all[b * K]);
      seen[all[b * K]]++;
    }
    for (int r = 0; r < g_p; ++r)
      EXPECT(seen[r] == 1, "rank %d's block appears %d times", r, seen[r]);
    free(all);
    free(seen);
  }
  /* read_shared: the blocks go to the ranks one each. */
  CALL(MPI_File_seek_shared(fh, 0, MPI_SEEK_SET));
  CALL(MPI_File_read_shared(fh, in, K, MPI_INT, &st));
  EXPECT(status_count(&st, MPI_INT) == K, "read_shared count");
  for (int i = 1; i < K; ++i) EXPECT(in[i] == in[0], "read_shared block mixed");
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  /* Ordered: rank r writes r + 1 ints valued r after the blocks above. */
  CALL(MPI_File_seek_shared(fh, 0, MPI_SEEK_END));
  MPI_Offset base = 0;
  CALL(MPI_File_get_position_shared(fh, &base));
  EXPECT(base == (MPI_Offset)N * g_p * kIntSize, "seek_shared to the end: %ld", (long)base);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  for (int i = 0; i <= g_me; ++i) in[i] = g_me;
  CALL(MPI_File_write_ordered(fh, in, g_me + 1, MPI_INT, &st));
  EXPECT(status_count(&st, MPI_INT) == g_me + 1, "write_ordered count");
  CALL(MPI_File_seek_shared(fh, base, MPI_SEEK_SET));
  memset(in, 0xff, sizeof in);
  CALL(MPI_File_read_ordered(fh, in, g_me + 1, MPI_INT, &st));
  for (int i = 0; i <= g_me; ++i) EXPECT(in[i] == g_me, "read_ordered[%d] = %d", i, in[i]);
  if (g_me == 0) {
    int n = g_p * (g_p + 1) / 2;
    int *all = xmalloc(kIntSize * n);
    posix_read(path, (long)base, all, kIntSize * n);
    int at = 0;
    for (int r = 0; r < g_p; ++r)
      for (int i = 0; i <= r; ++i, ++at) EXPECT(all[at] == r, "ordered file[%d] = %d", at, all[at]);
    free(all);
  }
  /* Split ordered. */
  CALL(MPI_File_seek_shared(fh, base, MPI_SEEK_SET));
  CALL(MPI_File_read_ordered_begin(fh, in, g_me + 1, MPI_INT));
  CALL(MPI_File_read_ordered_end(fh, in, &st));
  EXPECT(in[g_me] == g_me && status_count(&st, MPI_INT) == g_me + 1, "read_ordered_begin/end");
  CALL(MPI_File_seek_shared(fh, base, MPI_SEEK_SET));
  CALL(MPI_File_write_ordered_begin(fh, in, g_me + 1, MPI_INT));
  CALL(MPI_File_write_ordered_end(fh, in, &st));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
}

/* Non-blocking forms: each completes with its count. */
static void nonblocking(MPI_File fh) {
  int out[N], in[N];
  MPI_Status st;
  MPI_Request rq[2];
  MPI_Offset mine = (MPI_Offset)g_me * N * kIntSize;
  fill(out, N, g_me + 20);
  CALL(MPI_File_iwrite_at(fh, mine, out, N, MPI_INT, &rq[0]));
  CALL(MPI_Wait(&rq[0], &st));
  EXPECT(status_count(&st, MPI_INT) == N, "iwrite_at count %d", status_count(&st, MPI_INT));
  CALL(MPI_File_iread_at(fh, mine, in, N, MPI_INT, &rq[0]));
  CALL(MPI_Wait(&rq[0], &st));
  EXPECT(status_count(&st, MPI_INT) == N, "iread_at count");
  expect_fill(in, N, g_me + 20, "iread_at");
  fill(out, N, g_me + 21);
  CALL(MPI_File_iwrite_at_all(fh, mine, out, N, MPI_INT, &rq[0]));
  CALL(MPI_Wait(&rq[0], &st));
  CALL(MPI_File_iread_at_all(fh, mine, in, N, MPI_INT, &rq[0]));
  int flag = 0;
  /* Bounded in time, not in calls: a collective access completes only as fast as the other
   * ranks get a CPU (4 ranks share 2 cores in CI). */
  for (double t0 = MPI_Wtime(); MPI_Wtime() - t0 < 60 && !flag;) {
    CALL(MPI_Test(&rq[0], &flag, &st));
  }
  EXPECT(flag, "iread_at_all never completed under MPI_Test");
  expect_fill(in, N, g_me + 21, "iread_at_all");
  fill(out, N, g_me + 22);
  CALL(MPI_File_seek(fh, mine, MPI_SEEK_SET));
  CALL(MPI_File_iwrite(fh, out, N / 2, MPI_INT, &rq[0]));
  CALL(MPI_File_iwrite(fh, out + N / 2, N - N / 2, MPI_INT, &rq[1]));
  CALL(MPI_Waitall(2, rq, MPI_STATUSES_IGNORE));
  CALL(MPI_File_seek(fh, mine, MPI_SEEK_SET));
  CALL(MPI_File_iread(fh, in, N, MPI_INT, &rq[0]));
  CALL(MPI_Wait(&rq[0], &st));
  expect_fill(in, N, g_me + 22, "iwrite/iread with the individual pointer");
  fill(out, N, g_me + 23);
  CALL(MPI_File_seek(fh, mine, MPI_SEEK_SET));
  CALL(MPI_File_iwrite_all(fh, out, N, MPI_INT, &rq[0]));
  CALL(MPI_Wait(&rq[0], MPI_STATUS_IGNORE));
  CALL(MPI_File_seek(fh, mine, MPI_SEEK_SET));
  CALL(MPI_File_iread_all_c(fh, in, (MPI_Count)N, MPI_INT, &rq[0]));
  CALL(MPI_Wait(&rq[0], &st));
  expect_fill(in, N, g_me + 23, "iwrite_all/iread_all_c");
  /* A non-blocking collective that a rank starts after sending to a rank that started it. */
  if (g_p > 1) {
    int token = 0;
    CALL(MPI_File_seek(fh, mine, MPI_SEEK_SET));
    if (g_me == 0) {
      CALL(MPI_File_iread_all(fh, in, N, MPI_INT, &rq[0]));
      CALL(MPI_Send(&token, 1, MPI_INT, 1, 5, MPI_COMM_WORLD));
    } else {
      if (g_me == 1) CALL(MPI_Recv(&token, 1, MPI_INT, 0, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
      CALL(MPI_File_iread_all(fh, in, N, MPI_INT, &rq[0]));
    }
    CALL(MPI_Wait(&rq[0], &st));
    expect_fill(in, N, g_me + 23, "iread_all started after a send");
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_File_seek_shared(fh, 0, MPI_SEEK_SET));
  for (int i = 0; i < 3; ++i) out[i] = 100 + g_me;
  CALL(MPI_File_iwrite_shared(fh, out, 3, MPI_INT, &rq[0]));
  CALL(MPI_Wait(&rq[0], &st));
  EXPECT(status_count(&st, MPI_INT) == 3, "iwrite_shared count");
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_File_seek_shared(fh, 0, MPI_SEEK_SET));
  CALL(MPI_File_iread_shared(fh, in, 3, MPI_INT, &rq[0]));
  CALL(MPI_Wait(&rq[0], &st));
  EXPECT(in[0] >= 100 && in[0] < 100 + g_p && in[1] == in[0] && in[2] == in[0],
         "iread_shared got %d %d %d", in[0], in[1], in[2]);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
}

static int g_handler_calls;
static void file_handler(MPI_File *fh, int *code, ...) {
  (void)fh;
  if (class_of(*code) == MPI_ERR_ARG) ++g_handler_calls;
}

static void queries(MPI_File fh) {
  int amode = 0, flag = -1, cmp = -1;
  CALL(MPI_File_get_amode(fh, &amode));
  EXPECT(amode == (MPI_MODE_CREATE | MPI_MODE_RDWR), "get_amode 0x%x", amode);
  MPI_Group g, wg;
  CALL(MPI_File_get_group(fh, &g));
  CALL(MPI_Comm_group(MPI_COMM_WORLD, &wg));
  CALL(MPI_Group_compare(g, wg, &cmp));
  EXPECT(cmp == MPI_IDENT, "file group is not the world group (%d)", cmp);
  MPI_Group_free(&g);
  MPI_Group_free(&wg);
  CALL(MPI_File_get_atomicity(fh, &flag));
  EXPECT(flag == 0, "atomicity starts on");
  CALL(MPI_File_set_atomicity(fh, 1));
  CALL(MPI_File_get_atomicity(fh, &flag));
  EXPECT(flag == 1, "set_atomicity did not hold");
  int v = g_me;
  MPI_Status st;
  CALL(MPI_File_write_at(fh, 4 * g_me, &v, 1, MPI_INT, &st)); /* atomic mode takes a lock */
  CALL(MPI_File_set_atomicity(fh, 0));
  MPI_Info info, used;
  char value[64];
  CALL(MPI_Info_create(&info));
  CALL(MPI_Info_set(info, "cb_buffer_size", "1048576"));
  CALL(MPI_File_set_info(fh, info));
  CALL(MPI_File_get_info(fh, &used));
  CALL(MPI_Info_get(used, "cb_buffer_size", sizeof value - 1, value, &flag));
  EXPECT(flag && strcmp(value, "1048576") == 0, "get_info lost cb_buffer_size");
  MPI_Info_free(&info);
  MPI_Info_free(&used);
  /* Sizes: set_size truncates and extends, preallocate only grows. */
  MPI_Offset size = 0;
  CALL(MPI_File_set_size(fh, 1000));
  CALL(MPI_File_get_size(fh, &size));
  EXPECT(size == 1000, "set_size 1000 gave %ld", (long)size);
  CALL(MPI_Barrier(MPI_COMM_WORLD)); /* get_size is local: all look before the next change */
  CALL(MPI_File_preallocate(fh, 4000));
  CALL(MPI_File_get_size(fh, &size));
  EXPECT(size == 4000, "preallocate 4000 gave %ld", (long)size);
  CALL(MPI_Barrier(MPI_COMM_WORLD)); /* get_size is local: all look before the next change */
  CALL(MPI_File_preallocate(fh, 10));
  CALL(MPI_File_get_size(fh, &size));
  EXPECT(size == 4000, "preallocate shrank to %ld", (long)size);
  CALL(MPI_Barrier(MPI_COMM_WORLD)); /* get_size is local: all look before the next change */
  CALL(MPI_File_set_size(fh, 12));
  CALL(MPI_File_get_size(fh, &size));
  EXPECT(size == 12, "set_size 12 gave %ld", (long)size);
  CALL(MPI_Barrier(MPI_COMM_WORLD)); /* get_size is local: all look before the next change */
  EXPECT_CLASS(MPI_File_set_size(fh, -1), MPI_ERR_ARG);
  /* Error handlers: the file's own, and MPI_File_call_errhandler. */
  MPI_Errhandler eh, got;
  CALL(MPI_File_get_errhandler(fh, &got));
  EXPECT(got == MPI_ERRORS_RETURN, "a file's default handler is not MPI_ERRORS_RETURN");
  CALL(MPI_File_create_errhandler(file_handler, &eh));
  CALL(MPI_File_set_errhandler(fh, eh));
  g_handler_calls = 0;
  MPI_File_seek(fh, -5, MPI_SEEK_SET);
  CALL(MPI_File_call_errhandler(fh, MPI_ERR_ARG));
  EXPECT(g_handler_calls == 2, "file error handler ran %d times", g_handler_calls);
  CALL(MPI_File_set_errhandler(fh, MPI_ERRORS_RETURN));
  CALL(MPI_Errhandler_free(&eh));
  /* Fortran integers name files. */
  MPI_Fint f = MPI_File_c2f(fh);
  EXPECT(f != 0 && MPI_File_f2c(f) == fh, "MPI_File_c2f/f2c round trip");
  EXPECT(MPI_File_f2c(0) == MPI_FILE_NULL, "MPI_File_f2c(0) is not MPI_FILE_NULL");
  CALL(MPI_Barrier(MPI_COMM_WORLD));
}

static void mode_errors(void) {
  MPI_File fh;
  int v[4] = {1, 2, 3, 4};
  MPI_Status st;
  const char *path = path_of("modes");
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh));
  EXPECT_CLASS(MPI_File_read_at(fh, 0, v, 4, MPI_INT, &st), MPI_ERR_ACCESS);
  CALL(MPI_File_write_at(fh, 16 * g_me, v, 4, MPI_INT, &st));
  CALL(MPI_File_close(&fh));
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh));
  EXPECT_CLASS(MPI_File_write_at(fh, 0, v, 4, MPI_INT, &st), MPI_ERR_READ_ONLY);
  EXPECT_CLASS(MPI_File_set_view(fh, 0, MPI_INT, MPI_INT, "no-such-rep", MPI_INFO_NULL),
               MPI_ERR_UNSUPPORTED_DATAREP);
  CALL(MPI_File_close(&fh));
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_RDONLY | MPI_MODE_SEQUENTIAL, MPI_INFO_NULL,
                     &fh));
  EXPECT_CLASS(MPI_File_read_at(fh, 0, v, 4, MPI_INT, &st), MPI_ERR_UNSUPPORTED_OPERATION);
  EXPECT_CLASS(MPI_File_seek(fh, 0, MPI_SEEK_SET), MPI_ERR_UNSUPPORTED_OPERATION);
  CALL(MPI_File_read_ordered(fh, v, 1, MPI_INT, &st));
  EXPECT(v[0] == g_me % 4 + 1 && status_count(&st, MPI_INT) == 1, "sequential read_ordered");
  CALL(MPI_File_close(&fh));
  /* APPEND: both pointers start at the end. */
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_RDWR | MPI_MODE_APPEND, MPI_INFO_NULL, &fh));
  MPI_Offset pos = 0, shared = 0;
  CALL(MPI_File_get_position(fh, &pos));
  CALL(MPI_File_get_position_shared(fh, &shared));
  EXPECT(pos == 16 * g_p && shared == 16 * g_p, "APPEND pointers %ld %ld", (long)pos, (long)shared);
  CALL(MPI_File_close(&fh));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  g_comm = MPI_COMM_WORLD;
  g_label = "MPI_COMM_WORLD";
  MPI_Comm_rank(MPI_COMM_WORLD, &g_me);
  MPI_Comm_size(MPI_COMM_WORLD, &g_p);
  make_dir();
  open_errors();
  const char *name = "data";
  char path[512];
  snprintf(path, sizeof path, "%s", path_of(name));
  MPI_File fh;
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh));
  explicit_offsets(fh, path);
  individual(fh);
  shared(fh, path);
  nonblocking(fh);
  queries(fh);
  CALL(MPI_File_close(&fh));
  mode_errors();
  remove_dir();
  return finish_ok();
}
