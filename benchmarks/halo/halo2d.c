/* Halo exchange of a 2-D field's columns (MPI_Type_vector): the field is `rows` x 8 doubles,
 * row-major (6 interior columns and a ghost column on each side), split by columns over a
 * periodic 1-D MPI_Cart_create ring of all ranks. Each exchange sends the first and last
 * interior columns to the left and right neighbours (MPI_Cart_shift) and receives their
 * columns into the ghost columns: 2 faces per rank, each `rows` doubles 64 bytes apart, so a
 * face is all single 8-byte elements. Size = bytes per face (rows * 8). Reports the rate
 * (bytes each rank sends per exchange / time per exchange, MB/s) and the time per exchange.
 * Needs 2 or more ranks. */
#include <mpi.h>

#include "halo.h"

enum { kInterior = 6, kColumns = kInterior + 2 };

/* Interior cells hold their value, ghost columns -1. */
static void Fill(double *field, long rows, int me) {
  for (long i = 0; i < rows; ++i) {
    for (int j = 0; j < kColumns; ++j) {
      long index = i * kColumns + j;
      field[index] = (j == 0 || j == kColumns - 1) ? -1.0 : HaloValue(me, index);
    }
  }
}

/* After one exchange: the left ghost column holds the left neighbour's last interior column,
 * the right one the right neighbour's first, and the interior is untouched. */
static void Check(const double *field, long rows, int me, int left, int right) {
  long errors = 0;
  for (long i = 0; i < rows; ++i) {
    const double *row = field + i * kColumns;
    errors += row[0] != HaloValue(left, i * kColumns + kInterior);
    errors += row[kColumns - 1] != HaloValue(right, i * kColumns + 1);
    for (int j = 1; j <= kInterior; ++j) errors += row[j] != HaloValue(me, i * kColumns + j);
  }
  BenchRecordErrors(errors);
}

int main(int argc, char **argv) {
  BenchOptions opts;
  int rc = BenchInit(&argc, &argv, "halo2d", kBenchLatency, 1024, 4L << 20, 2, &opts);
  if (rc >= 0) return rc;
  int dims[1] = {opts.size}, periods[1] = {1}, me, left, right;
  HaloExchange x = {0};
  MPI_Cart_create(MPI_COMM_WORLD, 1, dims, periods, 0, &x.comm);
  MPI_Comm_rank(x.comm, &me);
  MPI_Cart_shift(x.comm, 0, 1, &left, &right);
  const long max_rows = opts.max_size / 8 > 0 ? opts.max_size / 8 : 1;
  x.field = BenchAlloc((size_t)max_rows * kColumns * sizeof(double));
  HaloPrintHeader(&opts);
  for (long size = opts.min_size; size <= opts.max_size; size = BenchNextSize(size)) {
    const long rows = size / 8 > 0 ? size / 8 : 1;
    MPI_Datatype column;
    MPI_Type_vector((int)rows, 1, kColumns, MPI_DOUBLE, &column);
    MPI_Type_commit(&column);
    x.faces = 0;
    HaloSide lower = {column, 1, column, 0};
    HaloSide upper = {column, kInterior, column, kInterior + 1};
    HaloAddDimension(&x, 0, lower, upper);
    int iterations, warmup;
    BenchCounts(&opts, rows * 8, &iterations, &warmup);
    Fill(x.field, rows, me);
    if (opts.verify) {
      HaloRun(&x);
      Check(x.field, rows, me, left, right);
    }
    double us = HaloTime(&x, iterations, warmup);
    HaloPrintRow(&opts, rows * 8, x.faces, us);
    MPI_Type_free(&column);
  }
  BenchFree(x.field);
  MPI_Comm_free(&x.comm);
  return BenchFinish(&opts);
}
