/* Collective I/O with two-phase aggregation: interleaved and strided pieces from every rank
 * written with write_all / iwrite_all and read back with read_all / iread_all; the file's info
 * (zmpi_write_at_calls & co., docs/io.md) shows that aggregators issued few large writes and
 * the other ranks none; holes keep the file's bytes (read-modify-write); romio_cb_write=disable
 * writes each rank's pieces itself; iwrite_all does not block at its start; reads past the end
 * of file report what exists. Prints "io_two_phase_test: OK (<n> checks)" on rank 0. */
#include <string.h>
#include <unistd.h>

static const char kTestName[] = "io_two_phase_test";
#include "p2p_check.h"

static char g_path[256];

static long long info_count(MPI_File fh, const char *key) {
  MPI_Info info;
  CALL(MPI_File_get_info(fh, &info));
  char value[64] = "0";
  int flag = 0;
  CALL(MPI_Info_get(info, key, sizeof(value) - 1, value, &flag));
  CALL(MPI_Info_free(&info));
  return flag ? atoll(value) : 0;
}

static long long sum_all(long long v) {
  long long s = 0;
  CALL(MPI_Allreduce(&v, &s, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD));
  return s;
}

/* Rank r owns blocks r, r+size, r+2*size ... of B ints; element e of the file holds e. */
static MPI_Datatype interleaved_view(MPI_File fh, int k, int b) {
  MPI_Datatype ft;
  CALL(MPI_Type_vector(k, b, b * g_size, MPI_INT, &ft));
  CALL(MPI_Type_commit(&ft));
  CALL(MPI_File_set_view(fh, (MPI_Offset)g_rank * b * 4, MPI_INT, ft, "native", MPI_INFO_NULL));
  return ft;
}

static void fill(int *buf, int k, int b) {
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < b; ++i) buf[j * b + i] = (j * g_size + g_rank) * b + i;
}

static MPI_File open_file(const char *cb, const char *nodes, int amode) {
  MPI_Info info;
  CALL(MPI_Info_create(&info));
  if (cb) CALL(MPI_Info_set(info, "cb_buffer_size", cb));
  if (nodes) CALL(MPI_Info_set(info, "cb_nodes", nodes));
  MPI_File fh;
  CALL(MPI_File_open(MPI_COMM_WORLD, g_path, amode, info, &fh));
  CALL(MPI_Info_free(&info));
  return fh;
}

/* Reads the whole file as bytes on every rank and checks element e == e for `n` elements. */
static void check_file(MPI_File fh, int n) {
  CALL(MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL));
  int *all = xmalloc((size_t)n * 4);
  MPI_Status st;
  CALL(MPI_File_read_at(fh, 0, all, n * 4, MPI_BYTE, &st));
  int got = -1;
  MPI_Get_count(&st, MPI_BYTE, &got);
  CHECK(got == n * 4, "read %d bytes of %d", got, n * 4);
  for (int e = 0; e < n; ++e) CHECK(all[e] == e, "file element %d holds %d", e, all[e]);
  free(all);
}

static void test_interleaved(int k, int b, const char *cb, int cb_bytes, int nodes) {
  char nodes_s[16];
  snprintf(nodes_s, sizeof nodes_s, "%d", nodes);
  MPI_File fh = open_file(cb, nodes_s, MPI_MODE_CREATE | MPI_MODE_RDWR);
  MPI_Datatype ft = interleaved_view(fh, k, b);
  int *out = xmalloc((size_t)k * b * 4), *in = xmalloc((size_t)k * b * 4);
  fill(out, k, b);
  MPI_Status st;
  CALL(MPI_File_write_all(fh, out, k * b, MPI_INT, &st));
  int count = -1;
  MPI_Get_count(&st, MPI_INT, &count);
  CHECK(count == k * b, "write_all count %d", count);
  long long total = (long long)k * b * 4 * g_size;
  long long writes = info_count(fh, "zmpi_write_at_calls");
  long long all_writes = sum_all(writes);
  long long aggregated = info_count(fh, "zmpi_aggregated_calls");
  /* Windows of cb_bytes in each of `nodes` domains. */
  long long bound = (total + cb_bytes - 1) / cb_bytes + nodes;
  if (g_size > 1) {
    CHECK(aggregated == 1, "the interleaved write did not aggregate (%lld)", aggregated);
    CHECK(all_writes <= bound && all_writes >= 1, "%lld writes, at most %lld expected", all_writes,
          bound);
    if (g_rank >= nodes)
      CHECK(writes == 0, "rank %d is no aggregator but wrote %lld times", g_rank, writes);
  } else {
    CHECK(all_writes == 1, "one rank, contiguous: %lld writes", all_writes);
  }
  memset(in, 0xee, (size_t)k * b * 4);
  CALL(MPI_File_set_view(fh, (MPI_Offset)g_rank * b * 4, MPI_INT, ft, "native", MPI_INFO_NULL));
  CALL(MPI_File_read_all(fh, in, k * b, MPI_INT, &st));
  MPI_Get_count(&st, MPI_INT, &count);
  CHECK(count == k * b, "read_all count %d", count);
  CHECK(memcmp(in, out, (size_t)k * b * 4) == 0, "read_all gave other data");
  check_file(fh, k * b * g_size);

  /* Disabled: each rank writes its k blocks itself. */
  MPI_Info info;
  CALL(MPI_Info_create(&info));
  CALL(MPI_Info_set(info, "romio_cb_write", "disable"));
  CALL(MPI_File_set_info(fh, info));
  CALL(MPI_Info_free(&info));
  CALL(MPI_File_set_view(fh, (MPI_Offset)g_rank * b * 4, MPI_INT, ft, "native", MPI_INFO_NULL));
  long long before = info_count(fh, "zmpi_write_at_calls");
  CALL(MPI_File_write_all(fh, out, k * b, MPI_INT, &st));
  long long mine = info_count(fh, "zmpi_write_at_calls") - before;
  CHECK(mine == (g_size > 1 ? k : 1), "disabled: rank wrote %lld times, want %d", mine,
        g_size > 1 ? k : 1);
  CALL(MPI_File_close(&fh));
  CALL(MPI_Type_free(&ft));
  free(out);
  free(in);
}

/* iwrite_all returns before the other ranks start theirs: rank 0 starts it, then sends to
 * rank 1, which receives before it starts its own. */
static void test_nonblocking(int k, int b) {
  MPI_File fh = open_file("1024", "2", MPI_MODE_CREATE | MPI_MODE_RDWR);
  MPI_Datatype ft = interleaved_view(fh, k, b);
  int *out = xmalloc((size_t)k * b * 4), *in = xmalloc((size_t)k * b * 4);
  fill(out, k, b);
  MPI_Request req;
  int token = 42;
  if (g_rank == 0) {
    CALL(MPI_File_iwrite_all(fh, out, k * b, MPI_INT, &req));
    if (g_size > 1) CALL(MPI_Send(&token, 1, MPI_INT, 1, 5, MPI_COMM_WORLD));
  } else {
    if (g_rank == 1) CALL(MPI_Recv(&token, 1, MPI_INT, 0, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    CALL(MPI_File_iwrite_all(fh, out, k * b, MPI_INT, &req));
  }
  MPI_Status st;
  CALL(MPI_Wait(&req, &st));
  int count = -1;
  MPI_Get_count(&st, MPI_INT, &count);
  CHECK(count == k * b, "iwrite_all count %d", count);
  memset(in, 0, (size_t)k * b * 4);
  CALL(MPI_File_seek(fh, 0, MPI_SEEK_SET));
  CALL(MPI_File_iread_all(fh, in, k * b, MPI_INT, &req));
  /* Progress of the collective happens inside any MPI call: test until done. */
  int flag = 0;
  for (int spins = 0; !flag; ++spins) {
    CALL(MPI_Test(&req, &flag, &st));
    CHECK(spins < 50000000, "iread_all never completed");
  }
  MPI_Get_count(&st, MPI_INT, &count);
  CHECK(count == k * b, "iread_all count %d", count);
  CHECK(memcmp(in, out, (size_t)k * b * 4) == 0, "iread_all gave other data");
  check_file(fh, k * b * g_size);
  CALL(MPI_File_close(&fh));
  CALL(MPI_Type_free(&ft));
  free(out);
  free(in);
}

/* 4 bytes of every 5 from the ranks in turn; the fifth byte keeps what the file had. */
static void test_holes(int k) {
  MPI_File fh = open_file("100", "1", MPI_MODE_CREATE | MPI_MODE_RDWR);
  MPI_Info info;
  CALL(MPI_Info_create(&info));
  CALL(MPI_Info_set(info, "romio_ds_write", "enable"));
  CALL(MPI_File_set_info(fh, info));
  CALL(MPI_Info_free(&info));
  int n = 5 * k * g_size;
  char *base = xmalloc(n);
  memset(base, 'x', n);
  if (g_rank == 0) CALL(MPI_File_write_at(fh, 0, base, n, MPI_BYTE, MPI_STATUS_IGNORE));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  MPI_Datatype ft;
  CALL(MPI_Type_vector(k, 4, 5 * g_size, MPI_BYTE, &ft));
  CALL(MPI_Type_commit(&ft));
  CALL(MPI_File_set_view(fh, (MPI_Offset)g_rank * 5, MPI_BYTE, ft, "native", MPI_INFO_NULL));
  char *out = xmalloc((size_t)k * 4);
  memset(out, 'a' + g_rank, (size_t)k * 4);
  CALL(MPI_File_write_all(fh, out, k * 4, MPI_BYTE, MPI_STATUS_IGNORE));
  long long sieved = sum_all(info_count(fh, "zmpi_sieved_windows"));
  CHECK(sieved >= 1, "no window was read-modify-written (%lld)", sieved);
  CALL(MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL));
  char *all = xmalloc(n);
  CALL(MPI_File_read_at_all(fh, 0, all, n, MPI_BYTE, MPI_STATUS_IGNORE));
  for (int i = 0; i < n; ++i) {
    char want = i % 5 == 4 ? 'x' : (char)('a' + (i / 5) % g_size);
    CHECK(all[i] == want, "byte %d is %c, want %c", i, all[i], want);
  }
  CALL(MPI_File_close(&fh));
  CALL(MPI_Type_free(&ft));
  free(base);
  free(out);
  free(all);
}

/* A collective read past the end: odd ranks ask nothing, even ranks more than exists. */
static void test_end_of_file(void) {
  MPI_File fh = open_file("64", NULL, MPI_MODE_CREATE | MPI_MODE_RDWR);
  CALL(MPI_File_set_size(fh, 0));
  int n = 10 * g_size;
  if (g_rank == 0) {
    int *v = xmalloc((size_t)n * 4);
    for (int i = 0; i < n; ++i) v[i] = i;
    CALL(MPI_File_write_at(fh, 0, v, n, MPI_INT, MPI_STATUS_IGNORE));
    free(v);
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  /* Rank r reads 20 ints from element 10*r: those from 10*size on do not exist. */
  int want = g_rank % 2 ? 0 : 20;
  int in[20];
  memset(in, 0, sizeof in);
  MPI_Status st;
  CALL(MPI_File_read_at_all(fh, (MPI_Offset)g_rank * 40, in, want, MPI_INT, &st));
  int count = -1;
  MPI_Get_count(&st, MPI_INT, &count);
  int exist = n - 10 * g_rank < want ? n - 10 * g_rank : want;
  CHECK(count == exist, "rank %d read %d ints, %d exist", g_rank, count, exist);
  for (int i = 0; i < exist; ++i) CHECK(in[i] == 10 * g_rank + i, "in[%d]=%d", i, in[i]);
  CALL(MPI_File_close(&fh));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int pid = (int)getpid();
  CALL(MPI_Bcast(&pid, 1, MPI_INT, 0, MPI_COMM_WORLD));
  snprintf(g_path, sizeof g_path, "/tmp/zmpi_io_two_phase_%d", pid);

  test_interleaved(100, 3, "1024", 1024, 1);
  test_interleaved(37, 1, "64", 64, 2);
  test_interleaved(5, 1000, NULL, 16 << 20, 1);
  test_nonblocking(50, 7);
  test_holes(40);
  test_end_of_file();

  if (g_rank == 0) CALL(MPI_File_delete(g_path, MPI_INFO_NULL));
  return finish_ok();
}
