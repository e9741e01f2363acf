/* Files across hosts without a shared file system, on one host: every rank works in a
 * directory of its own parity (rank r in <base>/d<r%2>), so a relative path names one file for
 * even ranks and another (absent) one for odd ranks, as on hosts that share nothing. Odd ranks
 * must reach rank 0's file through a delegate: collective and independent writes and reads,
 * sizes, sync, the shared file pointer, atomic mode; nothing appears in their directory; a file
 * that only odd ranks have is not opened; a different local copy is never read.
 * Prints "io_remote_test: OK (<n> checks)" on rank 0. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char kTestName[] = "io_remote_test";
#include "p2p_check.h"

static char g_base[256];

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static void test_collective_and_independent(void) {
  MPI_File fh;
  CALL(MPI_File_open(MPI_COMM_WORLD, "field.bin", MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL,
                     &fh));
  /* Interleaved collective write: rank r owns ints r, r+size, ... of 1000. */
  const int k = 250;
  MPI_Datatype ft;
  CALL(MPI_Type_vector(k, 1, g_size, MPI_INT, &ft));
  CALL(MPI_Type_commit(&ft));
  CALL(MPI_File_set_view(fh, (MPI_Offset)g_rank * 4, MPI_INT, ft, "native", MPI_INFO_NULL));
  int out[250], in[250];
  for (int j = 0; j < k; ++j) out[j] = j * g_size + g_rank;
  MPI_Status st;
  CALL(MPI_File_write_all(fh, out, k, MPI_INT, &st));
  memset(in, 0, sizeof in);
  CALL(MPI_File_seek(fh, 0, MPI_SEEK_SET));
  CALL(MPI_File_read_all(fh, in, k, MPI_INT, &st));
  CHECK(memcmp(in, out, sizeof out) == 0, "read_all back");
  /* Independent writes after the collective part: each rank one block of 100 bytes. */
  CALL(MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL));
  char block[100];
  memset(block, 'A' + g_rank, sizeof block);
  MPI_Offset at = 4000 + 100 * g_rank;
  CALL(MPI_File_write_at(fh, at, block, 100, MPI_BYTE, &st));
  CALL(MPI_File_sync(fh));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_File_sync(fh));
  MPI_Offset size = -1;
  CALL(MPI_File_get_size(fh, &size));
  CHECK(size == 4000 + 100 * g_size, "size %lld", (long long)size);
  /* Every rank reads every block independently (odd ranks through the delegate, in chunks). */
  char all[400];
  CALL(MPI_File_read_at(fh, 4000, all, 100 * g_size, MPI_BYTE, &st));
  for (int i = 0; i < 100 * g_size; ++i) CHECK(all[i] == 'A' + i / 100, "byte %d", i);
  /* A large independent write from the last rank: more than one delegate request. */
  int big = 3 << 20;
  char *buf = xmalloc(big);
  if (g_rank == g_size - 1) {
    for (int i = 0; i < big; ++i) buf[i] = (char)(i * 7 + 1);
    CALL(MPI_File_write_at(fh, 1 << 20, buf, big, MPI_BYTE, &st));
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  memset(buf, 0, big);
  CALL(MPI_File_read_at(fh, 1 << 20, buf, big, MPI_BYTE, &st));
  int got = -1;
  MPI_Get_count(&st, MPI_BYTE, &got);
  CHECK(got == big, "large read %d", got);
  int bad = -1;
  for (int i = 0; i < big && bad < 0; ++i) {
    if (buf[i] != (char)(i * 7 + 1)) bad = i;
  }
  CHECK(bad < 0, "large read differs at %d", bad);
  free(buf);
  /* Reading past the end through a delegate stops at the end. */
  char tail[64];
  CALL(MPI_File_read_at(fh, (1 << 20) + big - 10, tail, 64, MPI_BYTE, &st));
  MPI_Get_count(&st, MPI_BYTE, &got);
  CHECK(got == 10, "read past the end gave %d", got);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  /* Set size from everyone (collective), seen by everyone. */
  CALL(MPI_File_set_size(fh, 4000));
  CALL(MPI_File_get_size(fh, &size));
  CHECK(size == 4000, "size after set_size %lld", (long long)size);
  CALL(MPI_File_close(&fh));
  CALL(MPI_Type_free(&ft));
  CHECK(g_rank % 2 == 0 || !exists("field.bin"), "an odd rank got a copy of field.bin");
}

/* The shared file pointer and ordered access across ranks of both kinds. */
static void test_shared_pointer(void) {
  MPI_File fh;
  CALL(MPI_File_open(MPI_COMM_WORLD, "shared.bin", MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL,
                     &fh));
  int v[3] = {g_rank, g_rank, g_rank};
  CALL(MPI_File_write_shared(fh, v, 3, MPI_INT, MPI_STATUS_IGNORE));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  int *all = xmalloc((size_t)g_size * 12);
  CALL(MPI_File_read_at(fh, 0, all, 3 * g_size, MPI_INT, MPI_STATUS_IGNORE));
  int seen = 0;
  for (int b = 0; b < g_size; ++b) {
    CHECK(all[3 * b] == all[3 * b + 1] && all[3 * b] == all[3 * b + 2], "block %d torn", b);
    seen |= 1 << all[3 * b];
  }
  CHECK(seen == (1 << g_size) - 1, "shared writes lost: mask %x", seen);
  CALL(MPI_File_seek_shared(fh, 0, MPI_SEEK_SET));
  int w = 100 + g_rank;
  CALL(MPI_File_write_ordered(fh, &w, 1, MPI_INT, MPI_STATUS_IGNORE));
  CALL(MPI_File_read_at(fh, 0, all, g_size, MPI_INT, MPI_STATUS_IGNORE));
  for (int r = 0; r < g_size; ++r) CHECK(all[r] == 100 + r, "ordered slot %d holds %d", r, all[r]);
  /* Atomic mode: overlapping collective writes come out as whole ranks' data. */
  CALL(MPI_File_set_atomicity(fh, 1));
  int mine[64];
  for (int i = 0; i < 64; ++i) mine[i] = 1000 + g_rank;
  CALL(MPI_File_write_at_all(fh, 0, mine, 64, MPI_INT, MPI_STATUS_IGNORE));
  int back[64];
  CALL(MPI_File_read_at_all(fh, 0, back, 64, MPI_INT, MPI_STATUS_IGNORE));
  for (int i = 1; i < 64; ++i) CHECK(back[i] == back[0], "atomic write torn at %d", i);
  CALL(MPI_File_close(&fh));
  free(all);
  CHECK(g_rank % 2 == 0 || !exists("shared.bin"), "an odd rank got a copy of shared.bin");
}

/* Atomic mode with independent writes larger than one delegate request (1 MiB): every rank
 * writes the same 3 MiB range with its own byte; the range must end up one rank's bytes. */
static void test_atomic_independent(void) {
  MPI_File fh;
  CALL(MPI_File_open(MPI_COMM_WORLD, "atomic.bin", MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL,
                     &fh));
  CALL(MPI_File_set_atomicity(fh, 1));
  const int len = 3 << 20;
  char *buf = xmalloc(len);
  for (int round = 0; round < 3; ++round) {
    memset(buf, 'a' + g_rank + round, len);
    CALL(MPI_File_write_at(fh, 0, buf, len, MPI_BYTE, MPI_STATUS_IGNORE));
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_File_read_at(fh, 0, buf, len, MPI_BYTE, MPI_STATUS_IGNORE));
  int torn = -1;
  for (int i = 1; i < len && torn < 0; ++i) {
    if (buf[i] != buf[0]) torn = i;
  }
  CHECK(torn < 0, "atomic writes torn at byte %d (%c then %c)", torn, buf[0], buf[torn]);
  CALL(MPI_File_close(&fh));
  free(buf);
}

/* A file only odd ranks have (in their own directory) is not rank 0's: open fails everywhere
 * with MPI_ERR_NO_SUCH_FILE. A copy odd ranks have of a file rank 0 has is never read. */
static void test_local_copies(void) {
  if (g_rank % 2 == 1) {
    FILE *f = fopen("only_odd.txt", "w");
    CHECK(f != NULL, "fopen");
    fputs("odd", f);
    fclose(f);
    f = fopen("input.txt", "w");
    fputs("STALE COPY", f);
    fclose(f);
  } else if (g_rank == 0) {
    FILE *f = fopen("input.txt", "w");
    fputs("original!!", f);
    fclose(f);
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  MPI_File fh = MPI_FILE_NULL;
  CALL(MPI_File_set_errhandler(MPI_FILE_NULL, MPI_ERRORS_RETURN));
  EXPECT_CLASS(MPI_ERR_NO_SUCH_FILE,
               MPI_File_open(MPI_COMM_WORLD, "only_odd.txt", MPI_MODE_RDONLY, MPI_INFO_NULL, &fh));
  CALL(MPI_File_open(MPI_COMM_WORLD, "input.txt", MPI_MODE_RDONLY, MPI_INFO_NULL, &fh));
  char text[16] = {0};
  MPI_Status st;
  CALL(MPI_File_read_at_all(fh, 0, text, 10, MPI_CHAR, &st));
  CHECK(strcmp(text, "original!!") == 0, "read '%s' instead of rank 0's file", text);
  CALL(MPI_File_close(&fh));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int pid = (int)getpid();
  CALL(MPI_Bcast(&pid, 1, MPI_INT, 0, MPI_COMM_WORLD));
  snprintf(g_base, sizeof g_base, "/tmp/zmpi_io_remote_%d", pid);
  char dir[300];
  snprintf(dir, sizeof dir, "%s/d%d", g_base, g_rank % 2);
  if (g_rank < 2) {
    CHECK(mkdir(g_base, 0700) == 0 || errno == EEXIST, "mkdir %s", g_base);
    CHECK(mkdir(dir, 0700) == 0 || errno == EEXIST, "mkdir %s", dir);
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CHECK(chdir(dir) == 0, "chdir %s", dir);

  test_collective_and_independent();
  test_shared_pointer();
  test_atomic_independent();
  test_local_copies();

  CALL(MPI_Barrier(MPI_COMM_WORLD));
  if (g_rank == 0) {
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_base);
    CHECK(system(cmd) == 0, "cleanup");
  }
  return finish_ok();
}
