/* Halo exchange of a 3-D field's faces (MPI_Type_create_subarray): the field is
 * (8+2) x (8+2) x (L+2) doubles in C order, one ghost layer on every side, on a periodic 3-D
 * MPI_Cart_create grid of MPI_Dims_create(ranks, 3, {0, 0, 1}) (2 ranks: 2x1x1, 4 ranks:
 * 2x2x1). Along each grid dimension with more than one process, each exchange sends the two
 * interior layers next to the lower and upper sides to the neighbours (MPI_Cart_shift) and
 * receives theirs into the ghost layers; every face is an 8 x L subarray: 8 runs of L
 * contiguous doubles. The third dimension (the long, contiguous one) is never split, so faces
 * reach 4 MiB without the field growing past ~13 times a face. Size = bytes per face
 * (8 * L * 8). Reports the rate (bytes each rank sends per exchange / time per exchange,
 * MB/s) and the time per exchange. Needs 2 or more ranks. */
#include <mpi.h>

#include "halo.h"

enum { kDepth = 8, kNdims = 3 };

typedef struct Shape {
  int n[kNdims]; /* array extents, ghost layers included */
} Shape;

static long IndexOf(const Shape *s, const int c[kNdims]) {
  return ((long)c[0] * s->n[1] + c[1]) * s->n[2] + c[2];
}

static int IsGhost(const Shape *s, const int c[kNdims]) {
  for (int a = 0; a < kNdims; ++a) {
    if (c[a] == 0 || c[a] == s->n[a] - 1) return 1;
  }
  return 0;
}

/* The face of axis `axis` at layer `layer` along it: interior everywhere else. */
static MPI_Datatype Face(const Shape *s, int axis, int layer) {
  int subsizes[kNdims], starts[kNdims];
  for (int a = 0; a < kNdims; ++a) {
    subsizes[a] = a == axis ? 1 : s->n[a] - 2;
    starts[a] = a == axis ? layer : 1;
  }
  MPI_Datatype type;
  MPI_Type_create_subarray(kNdims, s->n, subsizes, starts, MPI_ORDER_C, MPI_DOUBLE, &type);
  MPI_Type_commit(&type);
  return type;
}

static void Fill(double *field, const Shape *s, int me) {
  int c[kNdims];
  for (c[0] = 0; c[0] < s->n[0]; ++c[0]) {
    for (c[1] = 0; c[1] < s->n[1]; ++c[1]) {
      for (c[2] = 0; c[2] < s->n[2]; ++c[2]) {
        long index = IndexOf(s, c);
        field[index] = IsGhost(s, c) ? -1.0 : HaloValue(me, index);
      }
    }
  }
}

/* After one exchange, for every cell: an interior cell keeps its value; a ghost cell on the
 * lower (upper) side of an exchanged axis, interior along the other axes, holds the lower
 * (upper) neighbour's value of the last (first) interior layer; any other ghost stays -1. */
static void Check(const double *field, const Shape *s, const HaloExchange *x, int me,
                  const int exchanged[kNdims]) {
  long errors = 0;
  int c[kNdims];
  for (c[0] = 0; c[0] < s->n[0]; ++c[0]) {
    for (c[1] = 0; c[1] < s->n[1]; ++c[1]) {
      for (c[2] = 0; c[2] < s->n[2]; ++c[2]) {
        double want = IsGhost(s, c) ? -1.0 : HaloValue(me, IndexOf(s, c));
        for (int a = 0, face = 0; a < kNdims; ++a) {
          if (!exchanged[a]) continue;
          int edge = c[a] == 0 ? 0 : c[a] == s->n[a] - 1 ? 1 : -1;
          int inside = 1;
          for (int b = 0; b < kNdims; ++b) {
            if (b != a && (c[b] == 0 || c[b] == s->n[b] - 1)) inside = 0;
          }
          if (edge >= 0 && inside) {
            int from[kNdims] = {c[0], c[1], c[2]};
            from[a] = edge == 0 ? s->n[a] - 2 : 1;
            want = HaloValue(x->face[face + edge].peer, IndexOf(s, from));
          }
          face += 2;
        }
        errors += field[IndexOf(s, c)] != want;
      }
    }
  }
  BenchRecordErrors(errors);
}

int main(int argc, char **argv) {
  BenchOptions opts;
  int rc = BenchInit(&argc, &argv, "halo3d", kBenchLatency, 1024, 4L << 20, 2, &opts);
  if (rc >= 0) return rc;
  int dims[kNdims] = {0, 0, 1}, periods[kNdims] = {1, 1, 1}, exchanged[kNdims], me;
  MPI_Dims_create(opts.size, kNdims, dims);
  HaloExchange x = {0};
  MPI_Cart_create(MPI_COMM_WORLD, kNdims, dims, periods, 0, &x.comm);
  MPI_Comm_rank(x.comm, &me);
  for (int a = 0; a < kNdims; ++a) exchanged[a] = dims[a] > 1;
  const long max_run = opts.max_size / (8 * kDepth) > 0 ? opts.max_size / (8 * kDepth) : 1;
  x.field = BenchAlloc((size_t)(kDepth + 2) * (kDepth + 2) * (max_run + 2) * sizeof(double));
  HaloPrintHeader(&opts);
  for (long size = opts.min_size; size <= opts.max_size; size = BenchNextSize(size)) {
    const long run = size / (8 * kDepth) > 0 ? size / (8 * kDepth) : 1;
    const Shape shape = {{kDepth + 2, kDepth + 2, (int)run + 2}};
    const long face_bytes = kDepth * run * 8;
    x.faces = 0;
    for (int a = 0; a < kNdims; ++a) {
      if (!exchanged[a]) continue;
      HaloSide lower = {Face(&shape, a, 1), 0, Face(&shape, a, 0), 0};
      HaloSide upper = {Face(&shape, a, kDepth), 0, Face(&shape, a, kDepth + 1), 0};
      HaloAddDimension(&x, a, lower, upper);
    }
    int iterations, warmup;
    BenchCounts(&opts, face_bytes, &iterations, &warmup);
    Fill(x.field, &shape, me);
    if (opts.verify) {
      HaloRun(&x);
      Check(x.field, &shape, &x, me, exchanged);
    }
    double us = HaloTime(&x, iterations, warmup);
    HaloPrintRow(&opts, face_bytes, x.faces, us);
    for (int i = 0; i < x.faces; ++i) {
      MPI_Type_free(&x.face[i].side.send_type);
      MPI_Type_free(&x.face[i].side.recv_type);
    }
  }
  BenchFree(x.field);
  MPI_Comm_free(&x.comm);
  return BenchFinish(&opts);
}
