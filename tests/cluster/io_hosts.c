/* MPI-IO across namespace hosts that share no file system (io_hosts_test.sh): a 2-D field of
 * doubles decomposed in row blocks over every rank, written collectively through a subarray
 * view into ABSPATH, plus one independent 32-byte record per rank after the field; read back
 * collectively and independently; the same through the relative path RELNAME. Rank 0 prints
 * "io_hosts: OK (<n> ranks on <h> hosts)"; every rank prints its host.
 *   io_hosts ABSPATH RELNAME           the MPI job
 *   io_hosts --expect RANKS OUTFILE    writes the bytes ABSPATH must hold after a RANKS job */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kRows = 60, kCols = 37 };

static double value(int i, int j) { return i * 1000.0 + j + 0.25; }

static void record(int rank, char out[32]) {
  memset(out, 0, 32);
  snprintf(out, 32, "record of rank %d", rank);
}

static int rows_of(int rank, int size, int *first) {
  int base = kRows / size, extra = kRows % size;
  *first = rank * base + (rank < extra ? rank : extra);
  return base + (rank < extra ? 1 : 0);
}

static int expect(int size, const char *out) {
  FILE *f = fopen(out, "wb");
  if (!f) return 1;
  for (int i = 0; i < kRows; ++i)
    for (int j = 0; j < kCols; ++j) {
      double v = value(i, j);
      fwrite(&v, sizeof v, 1, f);
    }
  for (int r = 0; r < size; ++r) {
    char rec[32];
    record(r, rec);
    fwrite(rec, 1, 32, f);
  }
  return fclose(f) != 0;
}

#define DIE(...)                                  \
  do {                                            \
    fprintf(stderr, "io_hosts: rank %d: ", rank); \
    fprintf(stderr, __VA_ARGS__);                 \
    fprintf(stderr, "\n");                        \
    MPI_Abort(MPI_COMM_WORLD, 1);                 \
  } while (0)
#define CALL(x)                       \
  do {                                \
    int rc_ = (x);                    \
    if (rc_ != MPI_SUCCESS) {         \
      char s_[MPI_MAX_ERROR_STRING];  \
      int n_ = 0;                     \
      MPI_Error_string(rc_, s_, &n_); \
      DIE("%s failed: %s", #x, s_);   \
    }                                 \
  } while (0)

static void one_file(const char *path, int rank, int size) {
  MPI_File fh;
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh));
  CALL(MPI_File_set_size(fh, 0));
  int first, rows = rows_of(rank, size, &first);
  int gsizes[2] = {kRows, kCols}, lsizes[2] = {rows, kCols}, starts[2] = {first, 0};
  MPI_Datatype sub;
  CALL(MPI_Type_create_subarray(2, gsizes, lsizes, starts, MPI_ORDER_C, MPI_DOUBLE, &sub));
  CALL(MPI_Type_commit(&sub));
  double *mine = malloc(sizeof(double) * (rows * kCols + 1));
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < kCols; ++j) mine[i * kCols + j] = value(first + i, j);
  CALL(MPI_File_set_view(fh, 0, MPI_DOUBLE, sub, "native", MPI_INFO_NULL));
  CALL(MPI_File_write_all(fh, mine, rows * kCols, MPI_DOUBLE, MPI_STATUS_IGNORE));
  /* Independent: one record per rank after the field. */
  CALL(MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL));
  char rec[32], back[32];
  record(rank, rec);
  MPI_Offset field = (MPI_Offset)kRows * kCols * sizeof(double);
  CALL(MPI_File_write_at(fh, field + 32 * rank, rec, 32, MPI_BYTE, MPI_STATUS_IGNORE));
  CALL(MPI_File_sync(fh));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_File_sync(fh));
  /* Read back: the neighbour's record independently, the field collectively. */
  int peer = (rank + 1) % size;
  CALL(MPI_File_read_at(fh, field + 32 * peer, back, 32, MPI_BYTE, MPI_STATUS_IGNORE));
  record(peer, rec);
  if (memcmp(rec, back, 32) != 0) DIE("%s: record of rank %d reads '%.32s'", path, peer, back);
  CALL(MPI_File_set_view(fh, 0, MPI_DOUBLE, sub, "native", MPI_INFO_NULL));
  memset(mine, 0, sizeof(double) * rows * kCols);
  CALL(MPI_File_read_all(fh, mine, rows * kCols, MPI_DOUBLE, MPI_STATUS_IGNORE));
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < kCols; ++j)
      if (mine[i * kCols + j] != value(first + i, j))
        DIE("%s: (%d,%d) reads back wrong", path, i, j);
  MPI_Offset bytes = 0;
  CALL(MPI_File_get_size(fh, &bytes));
  if (bytes != field + 32 * size) DIE("%s: size %lld", path, (long long)bytes);
  CALL(MPI_File_close(&fh));
  CALL(MPI_Type_free(&sub));
  free(mine);
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--expect") == 0) return expect(atoi(argv[2]), argv[3]);
  if (argc != 3) {
    fprintf(stderr, "usage: io_hosts ABSPATH RELNAME | --expect RANKS OUTFILE\n");
    return 2;
  }
  MPI_Init(&argc, &argv);
  int rank, size, len;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  char host[MPI_MAX_PROCESSOR_NAME];
  MPI_Get_processor_name(host, &len);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  /* A file that cannot be opened ends the job with the library's one-line message. */
  MPI_File_set_errhandler(MPI_FILE_NULL, MPI_ERRORS_ARE_FATAL);
  printf("io_hosts: rank %d on %s\n", rank, host);
  fflush(stdout);
  one_file(argv[1], rank, size);
  one_file(argv[2], rank, size);
  /* Count the hosts: ranks whose name differs from every lower rank's. */
  char *names = malloc((size_t)size * MPI_MAX_PROCESSOR_NAME);
  CALL(MPI_Allgather(host, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, names, MPI_MAX_PROCESSOR_NAME,
                     MPI_CHAR, MPI_COMM_WORLD));
  int hosts = 0;
  for (int r = 0; r < size; ++r) {
    int fresh = 1;
    for (int q = 0; q < r; ++q)
      if (strcmp(names + r * MPI_MAX_PROCESSOR_NAME, names + q * MPI_MAX_PROCESSOR_NAME) == 0)
        fresh = 0;
    hosts += fresh;
  }
  if (rank == 0) printf("io_hosts: OK (%d ranks on %d hosts)\n", size, hosts);
  free(names);
  MPI_Finalize();
  return 0;
}
