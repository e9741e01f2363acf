/* A parallel HDF5 program, built by Debian's HDF5 for MPICH (h5pcc.mpich -shlib: NEEDED
 * libhdf5_mpich.so.103, which NEEDs libmpich.so.12) and run on zmpi without a rebuild
 * (docs/mpich-binaries.md, "HDF5 for MPICH").
 *
 *   hdf5_parallel [--keep] [FILE]   (default hdf5_parallel.h5 in the working directory)
 *
 * The ranks form a 2-D grid (MPI_Dims_create) over two 37x29 datasets, a contiguous one of
 * doubles and a chunked one of ints (8x7 chunks, not aligned to the blocks), each rank owning
 * an uneven block. Every rank keeps its block inside a memory array with a one-cell halo, so
 * both the memory and the file selections are strided (HDF5 turns them into MPI derived types).
 *  1. create (MPI-IO driver with collective-buffering hints, collective metadata writes), write
 *     both datasets with one COLLECTIVE H5Dwrite each (HDF5 must report collective I/O, no
 *     fallback), an attribute. No object times are stored, so the file's bytes depend on the
 *     data alone: runs on different MPIs can be compared with cmp (--keep);
 *  2. reopen read-only, collective read-back of the own block (the halo stays untouched);
 *  3. independent reads: the whole contiguous dataset, and the next rank's chunked block;
 *  4. rank 0 alone opens the file with HDF5's serial POSIX driver and checks every value: the
 *     bytes MPI-IO wrote form a valid HDF5 file by themselves. Rank 0 deletes it
 *     (MPI_File_delete) unless --keep is given first.
 * Rank 0 prints the MPI library's first line and "hdf5_parallel: OK (N checks)". */
#include <hdf5.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kRows = 37, kCols = 29, kChunkRows = 8, kChunkCols = 7 };

static int checks, failures, rank;

static void Check(int ok, const char *what) {
  ++checks;
  if (!ok) {
    ++failures;
    if (failures <= 10) fprintf(stderr, "hdf5_parallel: rank %d: FAILED: %s\n", rank, what);
  }
}

/* An HDF5 call that must succeed (returns >= 0). */
#define H5OK(call) Check((call) >= 0, #call)

static double FieldValue(int i, int j) { return i * 1000.0 + j + 0.25; }
static int ChunkedValue(int i, int j) { return -(i * kCols + j) - 1; }

/* The block of grid cell (gi, gj): rows [r0, r0 + h), columns [c0, c0 + w). */
typedef struct {
  hsize_t r0, c0, h, w;
} Block;

static Block BlockOf(const int dims[2], int grid_rank) {
  int gi = grid_rank / dims[1], gj = grid_rank % dims[1];
  Block b;
  b.r0 = (hsize_t)(gi * kRows / dims[0]);
  b.h = (hsize_t)((gi + 1) * kRows / dims[0]) - b.r0;
  b.c0 = (hsize_t)(gj * kCols / dims[1]);
  b.w = (hsize_t)((gj + 1) * kCols / dims[1]) - b.c0;
  return b;
}

/* The file and memory selections of block b, the memory array being (h+2) x (w+2). */
static void Select(Block b, hid_t *filespace, hid_t *memspace) {
  hsize_t fdims[2] = {kRows, kCols}, mdims[2] = {b.h + 2, b.w + 2};
  hsize_t fstart[2] = {b.r0, b.c0}, mstart[2] = {1, 1}, count[2] = {b.h, b.w};
  *filespace = H5Screate_simple(2, fdims, NULL);
  *memspace = H5Screate_simple(2, mdims, NULL);
  H5OK(H5Sselect_hyperslab(*filespace, H5S_SELECT_SET, fstart, NULL, count, NULL));
  H5OK(H5Sselect_hyperslab(*memspace, H5S_SELECT_SET, mstart, NULL, count, NULL));
}

static hid_t Transfer(H5FD_mpio_xfer_t mode) {
  hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
  H5OK(H5Pset_dxpl_mpio(dxpl, mode));
  return dxpl;
}

/* After a collective transfer: HDF5 did it collectively (no silent fallback to independent). */
static void CheckCollective(hid_t dxpl, H5D_mpio_actual_io_mode_t want, const char *what) {
  H5D_mpio_actual_io_mode_t mode = H5D_MPIO_NO_COLLECTIVE;
  uint32_t local = 1, global = 1;
  char msg[160];
  H5OK(H5Pget_mpio_actual_io_mode(dxpl, &mode));
  H5OK(H5Pget_mpio_no_collective_cause(dxpl, &local, &global));
  snprintf(msg, sizeof msg, "%s: actual io mode %d (want %d), no-collective cause %u/%u", what,
           (int)mode, (int)want, local, global);
  Check(mode == want && local == H5D_MPIO_COLLECTIVE && global == H5D_MPIO_COLLECTIVE, msg);
}

/* MPI-IO hints handed through HDF5: two aggregators moving small windows, so the two-phase
 * write and read go through several rounds even for this small file. */
static MPI_Info Hints(const char *cb_key, const char *cb_buffer_size) {
  MPI_Info info;
  MPI_Info_create(&info);
  MPI_Info_set(info, "cb_nodes", "2");
  MPI_Info_set(info, "cb_buffer_size", cb_buffer_size);
  MPI_Info_set(info, cb_key, "enable");
  return info;
}

static void Create(const char *path, int size, Block mine) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  MPI_Info info = Hints("romio_cb_write", "4096");
  H5OK(H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, info));
  MPI_Info_free(&info); /* HDF5 keeps its own duplicate */
  H5OK(H5Pset_all_coll_metadata_ops(fapl, 1));
  H5OK(H5Pset_coll_metadata_write(fapl, 1));
  hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  Check(file >= 0, "H5Fcreate with the MPI-IO driver");
  if (file < 0) return;
  hsize_t dims[2] = {kRows, kCols}, chunk[2] = {kChunkRows, kChunkCols};
  hid_t space = H5Screate_simple(2, dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5OK(H5Pset_chunk(dcpl, 2, chunk));
  H5OK(H5Pset_obj_track_times(dcpl, 0));
  hid_t contiguous = H5Pcreate(H5P_DATASET_CREATE);
  H5OK(H5Pset_obj_track_times(contiguous, 0));
  hid_t field = H5Dcreate2(file, "field", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, contiguous,
                           H5P_DEFAULT);
  hid_t chunked = H5Dcreate2(file, "chunked", H5T_NATIVE_INT, space, H5P_DEFAULT, dcpl,
                             H5P_DEFAULT);
  Check(field >= 0 && chunked >= 0, "H5Dcreate2 of both datasets");
  hid_t aspace = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(file, "ranks", H5T_NATIVE_INT, aspace, H5P_DEFAULT, H5P_DEFAULT);
  H5OK(H5Awrite(attr, H5T_NATIVE_INT, &size));

  size_t n = (mine.h + 2) * (mine.w + 2);
  double *f = malloc(n * sizeof *f);
  int *c = malloc(n * sizeof *c);
  for (size_t k = 0; k < n; ++k) f[k] = -1.0, c[k] = 7; /* the halo: must not be written */
  for (hsize_t i = 0; i < mine.h; ++i)
    for (hsize_t j = 0; j < mine.w; ++j) {
      f[(i + 1) * (mine.w + 2) + j + 1] = FieldValue((int)(mine.r0 + i), (int)(mine.c0 + j));
      c[(i + 1) * (mine.w + 2) + j + 1] = ChunkedValue((int)(mine.r0 + i), (int)(mine.c0 + j));
    }
  hid_t fs, ms;
  Select(mine, &fs, &ms);
  hid_t dxpl = Transfer(H5FD_MPIO_COLLECTIVE);
  H5OK(H5Dwrite(field, H5T_NATIVE_DOUBLE, ms, fs, dxpl, f));
  CheckCollective(dxpl, H5D_MPIO_CONTIGUOUS_COLLECTIVE, "collective write of field");
  H5OK(H5Dwrite(chunked, H5T_NATIVE_INT, ms, fs, dxpl, c));
  CheckCollective(dxpl, H5D_MPIO_CHUNK_COLLECTIVE, "collective write of chunked");
  free(f);
  free(c);
  H5OK(H5Pclose(dxpl));
  H5OK(H5Sclose(fs));
  H5OK(H5Sclose(ms));
  H5OK(H5Aclose(attr));
  H5OK(H5Sclose(aspace));
  H5OK(H5Dclose(field));
  H5OK(H5Dclose(chunked));
  H5OK(H5Pclose(dcpl));
  H5OK(H5Pclose(contiguous));
  H5OK(H5Sclose(space));
  H5OK(H5Pclose(fapl));
  H5OK(H5Fclose(file));
}

/* Reads block b of dataset `name` into a fresh (h+2) x (w+2) array through `dxpl` and checks
 * the block and the untouched halo. */
static void ReadBlock(hid_t file, const char *name, Block b, H5FD_mpio_xfer_t mode) {
  hid_t dset = H5Dopen2(file, name, H5P_DEFAULT);
  Check(dset >= 0, "H5Dopen2");
  int is_field = strcmp(name, "field") == 0;
  size_t n = (b.h + 2) * (b.w + 2);
  double *f = malloc(n * sizeof *f);
  int *c = malloc(n * sizeof *c);
  for (size_t k = 0; k < n; ++k) f[k] = -2.0, c[k] = 9;
  hid_t fs, ms;
  Select(b, &fs, &ms);
  hid_t dxpl = Transfer(mode);
  if (is_field)
    H5OK(H5Dread(dset, H5T_NATIVE_DOUBLE, ms, fs, dxpl, f));
  else
    H5OK(H5Dread(dset, H5T_NATIVE_INT, ms, fs, dxpl, c));
  if (mode == H5FD_MPIO_COLLECTIVE)
    CheckCollective(dxpl,
                    is_field ? H5D_MPIO_CONTIGUOUS_COLLECTIVE : H5D_MPIO_CHUNK_COLLECTIVE,
                    is_field ? "collective read of field" : "collective read of chunked");
  int bad = 0;
  for (hsize_t i = 0; i < b.h + 2; ++i)
    for (hsize_t j = 0; j < b.w + 2; ++j) {
      size_t k = i * (b.w + 2) + j;
      int inside = i >= 1 && i <= b.h && j >= 1 && j <= b.w;
      int gi = (int)(b.r0 + i) - 1, gj = (int)(b.c0 + j) - 1;
      if (is_field)
        bad += f[k] != (inside ? FieldValue(gi, gj) : -2.0);
      else
        bad += c[k] != (inside ? ChunkedValue(gi, gj) : 9);
    }
  char msg[160];
  snprintf(msg, sizeof msg, "%s read of %s block at (%d,%d): %d wrong values",
           mode == H5FD_MPIO_COLLECTIVE ? "collective" : "independent", name, (int)b.r0,
           (int)b.c0, bad);
  Check(bad == 0, msg);
  free(f);
  free(c);
  H5OK(H5Pclose(dxpl));
  H5OK(H5Sclose(fs));
  H5OK(H5Sclose(ms));
  H5OK(H5Dclose(dset));
}

/* The whole of "field" through `fapl` and `dxpl` (H5S_ALL), checked value by value. */
static void ReadWholeField(hid_t file, hid_t dxpl, const char *what) {
  static double all[kRows][kCols];
  memset(all, 0, sizeof all);
  hid_t dset = H5Dopen2(file, "field", H5P_DEFAULT);
  hid_t space = H5Dget_space(dset);
  hsize_t dims[2] = {0, 0};
  Check(H5Sget_simple_extent_ndims(space) == 2 &&
            H5Sget_simple_extent_dims(space, dims, NULL) == 2 && dims[0] == kRows &&
            dims[1] == kCols,
        "field is 37x29");
  H5OK(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, dxpl, all));
  int bad = 0;
  for (int i = 0; i < kRows; ++i)
    for (int j = 0; j < kCols; ++j) bad += all[i][j] != FieldValue(i, j);
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %d wrong values", what, bad);
  Check(bad == 0, msg);
  H5OK(H5Sclose(space));
  H5OK(H5Dclose(dset));
}

static void ReadBack(const char *path, int size, const int dims[2], Block mine) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  MPI_Info info = Hints("romio_cb_read", "1000");
  H5OK(H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, info));
  MPI_Info_free(&info);
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  Check(file >= 0, "H5Fopen read-only with the MPI-IO driver");
  if (file < 0) return;
  ReadBlock(file, "field", mine, H5FD_MPIO_COLLECTIVE);
  ReadBlock(file, "chunked", mine, H5FD_MPIO_COLLECTIVE);
  hid_t dxpl = Transfer(H5FD_MPIO_INDEPENDENT);
  ReadWholeField(file, dxpl, "independent read of the whole field");
  H5OK(H5Pclose(dxpl));
  ReadBlock(file, "chunked", BlockOf(dims, (rank + 1) % size), H5FD_MPIO_INDEPENDENT);
  int ranks = 0;
  hid_t attr = H5Aopen(file, "ranks", H5P_DEFAULT);
  H5OK(H5Aread(attr, H5T_NATIVE_INT, &ranks));
  Check(ranks == size, "attribute 'ranks' is the world size");
  H5OK(H5Aclose(attr));
  H5OK(H5Pclose(fapl));
  H5OK(H5Fclose(file));
}

/* Rank 0 alone, HDF5's default (serial POSIX) driver: no MPI in the read path at all. */
static void ReadSerially(const char *path) {
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  Check(file >= 0, "H5Fopen with the serial driver");
  if (file < 0) return;
  ReadWholeField(file, H5P_DEFAULT, "serial read of the whole field");
  H5OK(H5Fclose(file));
}

int main(int argc, char **argv) {
  int keep = argc > 1 && strcmp(argv[1], "--keep") == 0;
  const char *path = argc > 1 + keep ? argv[1 + keep] : "hdf5_parallel.h5";
  int size, dims[2] = {0, 0};
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (rank == 0) {
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    unsigned maj = 0, min = 0, rel = 0;
    MPI_Get_library_version(version, &len);
    version[strcspn(version, "\n")] = '\0';
    H5get_libversion(&maj, &min, &rel);
    printf("hdf5_parallel: MPI library: %s\n", version);
    printf("hdf5_parallel: HDF5 %u.%u.%u, %d ranks, file %s\n", maj, min, rel, size, path);
    fflush(stdout);
  }
  MPI_Dims_create(size, 2, dims);
  Block mine = BlockOf(dims, rank);
  Create(path, size, mine);
  ReadBack(path, size, dims, mine);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) {
    ReadSerially(path);
    if (!keep) Check(MPI_File_delete(path, MPI_INFO_NULL) == MPI_SUCCESS, "MPI_File_delete");
  }
  int counts[2] = {checks, failures}, sums[2];
  MPI_Reduce(counts, sums, 2, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    if (sums[1] == 0)
      printf("hdf5_parallel: OK (%d checks)\n", sums[0]);
    else
      printf("hdf5_parallel: FAILED (%d of %d checks)\n", sums[1], sums[0]);
  }
  MPI_Finalize();
  return rank != 0 || sums[1] == 0 ? 0 : 1;
}
