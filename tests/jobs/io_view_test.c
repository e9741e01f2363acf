/* MPI-IO file views at any rank count: interleaved (resized) filetypes, 2-d subarrays with
 * uneven column blocks, struct filetypes with holes, non-contiguous memory types, byte
 * offsets and MPI_SEEK_END in a view, MPI_File_get_view, and the data representations:
 * external32 checked byte by byte and a user representation from MPI_Register_datarep. Files
 * are read back through the view, independently, and with POSIX reads. */
#define kTestName "io_view_test"
#include "io_check.h"

enum { B = 3, M = 4 }; /* ints per block, blocks per rank */

static void interleaved(void) {
  const char *path = path_of("interleaved");
  MPI_File fh;
  MPI_Datatype block, filetype;
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh));
  CALL(MPI_Type_contiguous(B, MPI_INT, &block));
  CALL(MPI_Type_create_resized(block, 0, (MPI_Aint)g_p * B * kIntSize, &filetype));
  CALL(MPI_Type_commit(&filetype));
  CALL(MPI_File_set_view(fh, (MPI_Offset)g_me * B * kIntSize, MPI_INT, filetype, "native",
                         MPI_INFO_NULL));
  int out[B * M], in[B * M];
  for (int i = 0; i < B * M; ++i) out[i] = g_me * 1000 + i;
  MPI_Status st;
  CALL(MPI_File_write_all(fh, out, B * M, MPI_INT, &st));
  EXPECT(status_count(&st, MPI_INT) == B * M, "write_all count through a view");
  MPI_Offset pos = -1, byte = -1;
  CALL(MPI_File_get_position(fh, &pos));
  EXPECT(pos == B * M, "position after write_all through a view: %ld", (long)pos);
  CALL(MPI_File_get_byte_offset(fh, B + 1, &byte));
  EXPECT(byte == (MPI_Offset)(g_me * B + g_p * B + 1) * (MPI_Offset)kIntSize,
         "get_byte_offset(B + 1) = %ld", (long)byte);
  CALL(MPI_File_sync(fh));
  CALL(MPI_File_read_at_all(fh, 0, in, B * M, MPI_INT, &st));
  for (int i = 0; i < B * M; ++i) EXPECT(in[i] == out[i], "read_at_all through a view [%d]", i);
  /* MPI_SEEK_END counts the view's data: all of this rank's blocks. */
  CALL(MPI_File_seek(fh, 0, MPI_SEEK_END));
  CALL(MPI_File_get_position(fh, &pos));
  EXPECT(pos == B * M, "MPI_SEEK_END in a view: %ld", (long)pos);
  CALL(MPI_File_seek(fh, -B, MPI_SEEK_END));
  CALL(MPI_File_read(fh, in, B, MPI_INT, &st));
  for (int i = 0; i < B; ++i) EXPECT(in[i] == out[B * (M - 1) + i], "read of the last block");
  /* get_view gives the types back (a new handle for the derived one). */
  MPI_Offset disp;
  MPI_Datatype et, ft;
  char rep[MPI_MAX_DATAREP_STRING];
  CALL(MPI_File_get_view(fh, &disp, &et, &ft, rep));
  /* The filetype comes back as a type with the same map (how it is built is the library's). */
  int fsize = 0;
  MPI_Aint flb = -1, fext = 0;
  CALL(MPI_Type_size(ft, &fsize));
  CALL(MPI_Type_get_extent(ft, &flb, &fext));
  EXPECT(disp == (MPI_Offset)g_me * B * kIntSize && et == MPI_INT && fsize == B * 4 && flb == 0 &&
             fext == (MPI_Aint)g_p * B * 4 && strcmp(rep, "native") == 0,
         "get_view: disp %ld etype 0x%x filetype size %d extent %ld rep %s", (long)disp, et, fsize,
         (long)fext, rep);
  CALL(MPI_Type_free(&ft));
  /* Errors: a filetype that is not whole etypes, an uncommitted one. */
  EXPECT_CLASS(MPI_File_set_view(fh, 0, MPI_INT, MPI_SHORT, "native", MPI_INFO_NULL), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_File_set_view(fh, 0, MPI_INT, block, "native", MPI_INFO_NULL), MPI_ERR_TYPE);
  EXPECT_CLASS(MPI_File_set_view(fh, -4, MPI_INT, MPI_INT, "native", MPI_INFO_NULL), MPI_ERR_ARG);
  CALL(MPI_File_close(&fh));
  if (g_me == 0) {
    int n = g_p * B * M;
    int *all = xmalloc(kIntSize * n);
    EXPECT(posix_read(path, 0, all, kIntSize * n) == kIntSize * n, "interleaved file is short");
    for (int k = 0; k < M; ++k)
      for (int r = 0; r < g_p; ++r)
        for (int j = 0; j < B; ++j) {
          int v = all[(k * g_p + r) * B + j];
          EXPECT(v == r * 1000 + k * B + j, "interleaved file block %d rank %d [%d] = %d", k, r, j,
                 v);
        }
    free(all);
  }
  CALL(MPI_Type_free(&block));
  CALL(MPI_Type_free(&filetype));
}

/* A 2-d array of doubles split by columns (uneven blocks), written collectively. */
static void subarray(void) {
  enum { R = 5 };
  const int C = 3 * g_p + 1;
  const int c0 = g_me * C / g_p, c1 = (g_me + 1) * C / g_p, cr = c1 - c0;
  const char *path = path_of("subarray");
  MPI_File fh;
  MPI_Datatype ft;
  int sizes[2] = {R, C}, sub[2] = {R, cr}, start[2] = {0, c0};
  CALL(MPI_Type_create_subarray(2, sizes, sub, start, MPI_ORDER_C, MPI_DOUBLE, &ft));
  CALL(MPI_Type_commit(&ft));
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh));
  CALL(MPI_File_set_view(fh, 0, MPI_DOUBLE, ft, "native", MPI_INFO_NULL));
  double *local = xmalloc(sizeof(double) * R * cr + 1);
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < cr; ++j) local[i * cr + j] = i * 100 + c0 + j;
  CALL(MPI_File_write_all(fh, local, R * cr, MPI_DOUBLE, MPI_STATUS_IGNORE));
  CALL(MPI_File_sync(fh));
  /* Read it back under a plain view: each rank checks the whole array. */
  CALL(MPI_File_set_view(fh, 0, MPI_BYTE, MPI_BYTE, "native", MPI_INFO_NULL));
  double *all = xmalloc(sizeof(double) * R * C);
  MPI_Status st;
  CALL(MPI_File_read_at(fh, 0, all, R * C, MPI_DOUBLE, &st));
  EXPECT(status_count(&st, MPI_DOUBLE) == R * C, "subarray file holds %d doubles",
         status_count(&st, MPI_DOUBLE));
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j)
      EXPECT(all[i * C + j] == i * 100 + j, "subarray file (%d,%d) = %g", i, j, all[i * C + j]);
  CALL(MPI_File_close(&fh));
  if (g_me == 0) {
    double v = 0;
    posix_read(path, (long)sizeof(double) * (2 * C + C - 1), &v, sizeof v);
    EXPECT(v == 200 + C - 1, "POSIX read of the subarray file: %g", v);
  }
  free(local);
  free(all);
  CALL(MPI_Type_free(&ft));
}

/* Struct filetype with holes, memory in a strided layout; per rank its own file. */
static void struct_and_memory(void) {
  char name[32];
  snprintf(name, sizeof name, "struct.%d", g_me);
  const char *path = path_of(name);
  MPI_File fh;
  CALL(MPI_File_open(MPI_COMM_SELF, path, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh));
  int lens[2] = {1, 1};
  MPI_Aint disps[2] = {0, 8};
  MPI_Datatype types[2] = {MPI_INT, MPI_DOUBLE}, st_type, ft;
  CALL(MPI_Type_create_struct(2, lens, disps, types, &st_type));
  CALL(MPI_Type_create_resized(st_type, 0, 24, &ft)); /* 8 bytes of hole after each pair */
  CALL(MPI_Type_commit(&ft));
  CALL(MPI_File_set_view(fh, 0, MPI_BYTE, ft, "native", MPI_INFO_NULL));
  /* Memory: the same (int, double) pairs, packed as a C struct array. */
  struct pair {
    int i;
    double d;
  } mem[3] = {{1, 1.5}, {2, 2.5}, {3 + g_me, 3.5}};
  MPI_Datatype mt;
  CALL(MPI_Type_create_resized(st_type, 0, sizeof(struct pair), &mt));
  CALL(MPI_Type_commit(&mt));
  MPI_Status status;
  CALL(MPI_File_write(fh, mem, 3, mt, &status));
  EXPECT(status_count(&status, mt) == 3, "struct write count");
  CALL(MPI_File_sync(fh));
  unsigned char raw[72];
  memset(raw, 0xee, sizeof raw);
  EXPECT(posix_read(path, 0, raw, 72) == 64, "struct file size (the last hole is not written)");
  for (int k = 0; k < 3; ++k) {
    int iv;
    double dv;
    memcpy(&iv, raw + 24 * k, 4);
    memcpy(&dv, raw + 24 * k + 8, 8);
    EXPECT(iv == mem[k].i && dv == mem[k].d, "struct file pair %d: %d %g", k, iv, dv);
    EXPECT((raw[24 * k + 4] == 0 && raw[24 * k + 16] == 0) || k == 2, "hole written");
  }
  struct pair back[3];
  memset(back, 0, sizeof back);
  CALL(MPI_File_read_at(fh, 0, back, 3, mt, &status));
  for (int k = 0; k < 3; ++k)
    EXPECT(back[k].i == mem[k].i && back[k].d == mem[k].d, "struct read back pair %d", k);
  /* Memory vector (every other int) into a contiguous view, and back. */
  CALL(MPI_File_set_view(fh, 0, MPI_INT, MPI_INT, "native", MPI_INFO_NULL));
  int strided[10], flat[5];
  for (int i = 0; i < 10; ++i) strided[i] = i % 2 == 0 ? 10 * i : -1;
  MPI_Datatype vec;
  CALL(MPI_Type_vector(5, 1, 2, MPI_INT, &vec));
  CALL(MPI_Type_commit(&vec));
  CALL(MPI_File_write_at(fh, 0, strided, 1, vec, &status));
  CALL(MPI_File_read_at(fh, 0, flat, 5, MPI_INT, &status));
  for (int i = 0; i < 5; ++i) EXPECT(flat[i] == 20 * i, "vector memory type [%d] = %d", i, flat[i]);
  int back2[10];
  for (int i = 0; i < 10; ++i) back2[i] = -7;
  CALL(MPI_File_read_at(fh, 0, back2, 1, vec, &status));
  for (int i = 0; i < 10; ++i)
    EXPECT(back2[i] == (i % 2 == 0 ? 10 * i : -7), "vector read [%d] = %d", i, back2[i]);
  CALL(MPI_File_close(&fh));
  CALL(MPI_Type_free(&vec));
  CALL(MPI_Type_free(&mt));
  CALL(MPI_Type_free(&ft));
  CALL(MPI_Type_free(&st_type));
}

static void external32(void) {
  const char *path = path_of("external32");
  MPI_File fh;
  MPI_Status st;
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh));
  CALL(MPI_File_set_view(fh, 0, MPI_INT, MPI_INT, "external32", MPI_INFO_NULL));
  int v[2] = {0x01020304 + g_me, -2};
  CALL(MPI_File_write_at_all(fh, 2 * g_me, v, 2, MPI_INT, &st));
  MPI_Aint ext = 0;
  CALL(MPI_File_get_type_extent(fh, MPI_LONG, &ext));
  EXPECT(ext == 4, "external32 extent of MPI_LONG is %ld", (long)ext);
  /* Doubles after the ints, longs after those (4 bytes each in external32). */
  const MPI_Offset dbase = 8 * g_p, lbase = 16 * g_p;
  CALL(MPI_File_set_view(fh, dbase, MPI_DOUBLE, MPI_DOUBLE, "external32", MPI_INFO_NULL));
  double d = 1.5;
  CALL(MPI_File_write_at(fh, g_me, &d, 1, MPI_DOUBLE, &st));
  CALL(MPI_File_set_view(fh, lbase, MPI_BYTE, MPI_BYTE, "external32", MPI_INFO_NULL));
  long l[2] = {1, -1};
  CALL(MPI_File_write_at(fh, 8 * g_me, l, 2, MPI_LONG, &st));
  EXPECT(status_count(&st, MPI_LONG) == 2, "external32 long write count");
  char rep[MPI_MAX_DATAREP_STRING];
  MPI_Offset disp;
  MPI_Datatype et, ft;
  CALL(MPI_File_get_view(fh, &disp, &et, &ft, rep));
  EXPECT(strcmp(rep, "external32") == 0 && disp == lbase, "get_view rep %s", rep);
  CALL(MPI_File_sync(fh));
  /* Read back through the representation. */
  long lb[2] = {0, 0};
  CALL(MPI_File_read_at(fh, 8 * g_me, lb, 2, MPI_LONG, &st));
  EXPECT(lb[0] == 1 && lb[1] == -1 && status_count(&st, MPI_LONG) == 2,
         "external32 longs read %ld %ld", lb[0], lb[1]);
  CALL(MPI_File_set_view(fh, 0, MPI_INT, MPI_INT, "external32", MPI_INFO_NULL));
  int vb[2] = {0, 0};
  CALL(MPI_File_read_at(fh, 2 * g_me, vb, 2, MPI_INT, &st));
  EXPECT(vb[0] == v[0] && vb[1] == -2, "external32 ints read %x %d", vb[0], vb[1]);
  CALL(MPI_File_close(&fh));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  if (g_me == 0) {
    unsigned char raw[64];
    for (int r = 0; r < g_p; ++r) {
      const unsigned char ints[8] = {1, 2, 3, (unsigned char)(4 + r), 0xff, 0xff, 0xff, 0xfe};
      const unsigned char dbl[8] = {0x3f, 0xf8, 0, 0, 0, 0, 0, 0};
      const unsigned char lng[8] = {0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff};
      posix_read(path, 8 * r, raw, 8);
      for (int b = 0; b < 8; ++b)
        EXPECT(raw[b] == ints[b], "external32 int byte %d of rank %d: %02x", b, r, raw[b]);
      posix_read(path, 8 * g_p + 8 * r, raw, 8);
      for (int b = 0; b < 8; ++b)
        EXPECT(raw[b] == dbl[b], "external32 double byte %d: %02x", b, raw[b]);
      posix_read(path, 16 * g_p + 8 * r, raw, 8);
      for (int b = 0; b < 8; ++b)
        EXPECT(raw[b] == lng[b], "external32 long byte %d: %02x", b, raw[b]);
    }
  }
}

/* A user representation: ints stored byte-reversed. */
static int g_conversions;
static void reverse4(const unsigned char *in, unsigned char *out) {
  out[0] = in[3];
  out[1] = in[2];
  out[2] = in[1];
  out[3] = in[0];
}
static int swap_write(void *userbuf, MPI_Datatype type, int count, void *filebuf,
                      MPI_Offset position, void *extra) {
  (void)extra;
  if (type != MPI_INT) return MPI_ERR_CONVERSION;
  for (int i = 0; i < count; ++i)
    reverse4((unsigned char *)userbuf + 4 * (position + i), (unsigned char *)filebuf + 4 * i);
  ++g_conversions;
  return MPI_SUCCESS;
}
static int swap_read(void *userbuf, MPI_Datatype type, int count, void *filebuf,
                     MPI_Offset position, void *extra) {
  (void)extra;
  if (type != MPI_INT) return MPI_ERR_CONVERSION;
  for (int i = 0; i < count; ++i)
    reverse4((unsigned char *)filebuf + 4 * i, (unsigned char *)userbuf + 4 * (position + i));
  ++g_conversions;
  return MPI_SUCCESS;
}
static int swap_extent(MPI_Datatype type, MPI_Aint *extent, void *extra) {
  int size = 0;
  (void)extra;
  MPI_Type_size(type, &size);
  *extent = size;
  return MPI_SUCCESS;
}

static void user_datarep(void) {
  CALL(MPI_Register_datarep("zmpi-swap", swap_read, swap_write, swap_extent, NULL));
  EXPECT_CLASS(MPI_Register_datarep("zmpi-swap", swap_read, swap_write, swap_extent, NULL),
               MPI_ERR_DUP_DATAREP);
  const char *path = path_of("swap");
  MPI_File fh;
  MPI_Status st;
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh));
  CALL(MPI_File_set_view(fh, 0, MPI_INT, MPI_INT, "zmpi-swap", MPI_INFO_NULL));
  int v = 0x0a0b0c00 + g_me, back = 0;
  g_conversions = 0;
  CALL(MPI_File_write_at_all(fh, g_me, &v, 1, MPI_INT, &st));
  CALL(MPI_File_sync(fh));
  CALL(MPI_File_read_at(fh, g_me, &back, 1, MPI_INT, &st));
  EXPECT(back == v && g_conversions == 2, "user representation round trip %x (%d conversions)",
         back, g_conversions);
  CALL(MPI_File_close(&fh));
  if (g_me == 0) {
    unsigned char raw[4];
    int native = 0x0a0b0c00;
    const unsigned char *n = (const unsigned char *)&native;
    posix_read(path, 0, raw, 4);
    for (int b = 0; b < 4; ++b) EXPECT(raw[b] == n[3 - b], "user representation byte %d", b);
  }
}

/* MPI_DISPLACEMENT_CURRENT on a sequential file: every rank's view starts where the shared
 * pointer stood, even when rank 0 moved it just before (set_view resets it to 0 afterwards;
 * a rank reading it after that reset would start at 0). */
static void displacement_current(void) {
  const char *path = path_of("sequential");
  MPI_File fh;
  MPI_Status st;
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh));
  int v = g_p;
  if (g_me == 0) CALL(MPI_File_write_at(fh, 0, &v, 1, MPI_INT, &st));
  v = 100 + g_me;
  CALL(MPI_File_write_at_all(fh, (MPI_Offset)sizeof(int) * (1 + g_me), &v, 1, MPI_INT, &st));
  CALL(MPI_File_close(&fh));
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_RDONLY | MPI_MODE_SEQUENTIAL,
                     MPI_INFO_NULL, &fh));
  int header = -1;
  if (g_me == 0) CALL(MPI_File_read_shared(fh, &header, 1, MPI_INT, &st));
  EXPECT(g_me != 0 || header == g_p, "sequential header %d, expected %d", header, g_p);
  MPI_Barrier(MPI_COMM_WORLD);
  CALL(MPI_File_set_view(fh, MPI_DISPLACEMENT_CURRENT, MPI_INT, MPI_INT, "native",
                         MPI_INFO_NULL));
  MPI_Offset disp = -1;
  MPI_Datatype et, ft;
  char rep[MPI_MAX_DATAREP_STRING];
  CALL(MPI_File_get_view(fh, &disp, &et, &ft, rep));
  EXPECT(disp == (MPI_Offset)sizeof(int), "DISPLACEMENT_CURRENT gave %lld, expected %zu",
         (long long)disp, sizeof(int));
  int back = -1;
  CALL(MPI_File_read_ordered(fh, &back, 1, MPI_INT, &st));
  EXPECT(back == 100 + g_me, "read_ordered after DISPLACEMENT_CURRENT: %d, expected %d", back,
         100 + g_me);
  CALL(MPI_File_close(&fh));
}

/* Typemaps a view may not have: decreasing displacements always, overlapping bytes when the
 * file is writable (MPI_ERR_IO, as MPICH answers; the standard names no class), data at a
 * negative displacement. Overlap is fine in a read-only file. */
static void typemap_order(void) {
  const char *path = path_of("typemap");
  MPI_File fh;
  int blen[2] = {1, 1}, down[2] = {3, 0}, overlap_len[2] = {3, 1}, overlap_at[2] = {0, 1};
  int negative[2] = {-2, 2};
  MPI_Datatype decreasing, overlapping, below;
  CALL(MPI_Type_indexed(2, blen, down, MPI_INT, &decreasing));
  CALL(MPI_Type_indexed(2, overlap_len, overlap_at, MPI_INT, &overlapping));
  CALL(MPI_Type_indexed(2, blen, negative, MPI_INT, &below));
  CALL(MPI_Type_commit(&decreasing));
  CALL(MPI_Type_commit(&overlapping));
  CALL(MPI_Type_commit(&below));
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_CREATE | MPI_MODE_RDWR, MPI_INFO_NULL, &fh));
  EXPECT_CLASS(MPI_File_set_view(fh, 0, MPI_INT, decreasing, "native", MPI_INFO_NULL), MPI_ERR_IO);
  EXPECT_CLASS(MPI_File_set_view(fh, 0, MPI_INT, overlapping, "native", MPI_INFO_NULL),
               MPI_ERR_IO);
  EXPECT_CLASS(MPI_File_set_view(fh, 0, below, below, "native", MPI_INFO_NULL), MPI_ERR_IO);
  CALL(MPI_File_close(&fh));
  CALL(MPI_File_open(MPI_COMM_WORLD, path, MPI_MODE_RDONLY, MPI_INFO_NULL, &fh));
  CALL(MPI_File_set_view(fh, 0, MPI_INT, overlapping, "native", MPI_INFO_NULL));
  EXPECT_CLASS(MPI_File_set_view(fh, 0, MPI_INT, decreasing, "native", MPI_INFO_NULL), MPI_ERR_IO);
  CALL(MPI_File_close(&fh));
  CALL(MPI_Type_free(&decreasing));
  CALL(MPI_Type_free(&overlapping));
  CALL(MPI_Type_free(&below));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  g_comm = MPI_COMM_WORLD;
  g_label = "MPI_COMM_WORLD";
  MPI_Comm_rank(MPI_COMM_WORLD, &g_me);
  MPI_Comm_size(MPI_COMM_WORLD, &g_p);
  make_dir();
  interleaved();
  subarray();
  struct_and_memory();
  external32();
  user_datarep();
  displacement_current();
  typemap_order();
  remove_dir();
  return finish_ok();
}
