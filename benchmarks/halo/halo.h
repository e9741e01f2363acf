/* zmpi benchmarks: what halo2d and halo3d share (docs/benchmarks.md, "Halo exchange").
 *
 * A halo exchange here is a list of faces: each face is sent from the field's interior with one
 * derived datatype and received into the ghost cells with another, to and from a neighbour
 * named by MPI_Cart_shift. One exchange posts every receive, then every send, then waits for
 * all, as stencil codes do. Includes only <mpi.h>, the C library and the shared harness. */
#ifndef ZMPI_BENCHMARKS_HALO_HALO_H_
#define ZMPI_BENCHMARKS_HALO_HALO_H_

#include <mpi.h>
#include <stdio.h>

#include "harness.h"

enum { kHaloMaxFaces = 4 };

/* One side of one dimension as the program lays it out: the interior layer next to the side
 * (sent) and the ghost layer on the side (received), each as a datatype placed at an offset
 * (in doubles) from the field's start. */
typedef struct HaloSide {
  MPI_Datatype send_type;
  long send_offset;
  MPI_Datatype recv_type;
  long recv_offset;
} HaloSide;

typedef struct HaloFace {
  HaloSide side;
  int peer;     /* the neighbour on this side (MPI_Cart_shift) */
  int send_tag; /* the direction the data leaves in ... */
  int recv_tag; /* ... and the one it arrives from, seen from the receiver */
} HaloFace;

typedef struct HaloExchange {
  MPI_Comm comm; /* the Cartesian communicator */
  double *field;
  int faces;
  HaloFace face[kHaloMaxFaces];
} HaloExchange;

/* The two faces of Cartesian dimension `dim` (periodic, so both neighbours exist). What leaves
 * through the lower side arrives in the lower neighbour's upper ghost layer, and vice versa;
 * tags tell the two apart when both neighbours are one process (a dimension of extent 2). */
static void HaloAddDimension(HaloExchange *x, int dim, HaloSide lower, HaloSide upper) {
  int below = MPI_PROC_NULL, above = MPI_PROC_NULL;
  MPI_Cart_shift(x->comm, dim, 1, &below, &above);
  HaloFace *f = &x->face[x->faces++];
  f->side = lower;
  f->peer = below;
  f->send_tag = 2 * dim;     /* downwards */
  f->recv_tag = 2 * dim + 1; /* what went upwards from below */
  f = &x->face[x->faces++];
  f->side = upper;
  f->peer = above;
  f->send_tag = 2 * dim + 1;
  f->recv_tag = 2 * dim;
}

/* One exchange: all receives, all sends, wait for all. */
static void HaloRun(const HaloExchange *x) {
  MPI_Request requests[2 * kHaloMaxFaces];
  MPI_Status statuses[2 * kHaloMaxFaces]; /* real ones: keeps array-bound checks quiet */
  for (int i = 0; i < x->faces; ++i) {
    const HaloFace *f = &x->face[i];
    MPI_Irecv(x->field + f->side.recv_offset, 1, f->side.recv_type, f->peer, f->recv_tag, x->comm,
              &requests[i]);
  }
  for (int i = 0; i < x->faces; ++i) {
    const HaloFace *f = &x->face[i];
    MPI_Isend(x->field + f->side.send_offset, 1, f->side.send_type, f->peer, f->send_tag, x->comm,
              &requests[x->faces + i]);
  }
  MPI_Waitall(2 * x->faces, requests, statuses);
}

/* Microseconds per exchange: `iterations` timed after `warmup` untimed ones, all ranks starting
 * together; the slowest rank's time (an exchange is done when every rank's is). */
static double HaloTime(const HaloExchange *x, int iterations, int warmup) {
  for (int i = 0; i < warmup; ++i) HaloRun(x);
  MPI_Barrier(x->comm);
  double start = MPI_Wtime();
  for (int i = 0; i < iterations; ++i) HaloRun(x);
  double local = (MPI_Wtime() - start) * 1e6 / iterations, slowest = 0.0;
  MPI_Allreduce(&local, &slowest, 1, MPI_DOUBLE, MPI_MAX, x->comm);
  return slowest;
}

/* The value a cell holds: its owner's Cartesian rank and its index in the owner's field
 * (exact in a double). Ghost cells start as -1. */
static double HaloValue(int owner, long index) {
  return (double)owner * 4294967296.0 + (double)index;
}

static void HaloPrintHeader(const BenchOptions *opts) {
  BenchPrintHeader(opts, "  Bandwidth (MB/s)  Time/exchange (us)");
}

/* Rank 0 prints: face size in bytes, the rate (bytes each rank sends per exchange / time) in
 * MB/s (10^6 B/s), and the time per exchange. */
static void HaloPrintRow(const BenchOptions *opts, long face_bytes, int faces, double us) {
  if (opts->rank != 0) return;
  printf("%-12ld%18.2f%20.2f\n", face_bytes, (double)face_bytes * faces / us, us);
  fflush(stdout);
}

#endif /* ZMPI_BENCHMARKS_HALO_HALO_H_ */
