/* weather: a small shallow-water "weather" model on a periodic grid, split over MPI ranks.
 *
 *   weather [--size NX[xNY]] [--steps N] [--every N] [--procs PXxPY] [--out FILE] [--no-image]
 *
 * Every --every steps rank 0 prints the global mass and energy (MPI_Allreduce of exact
 * fixed-point sums); at the end it gathers the height field, prints a checksum and writes a
 * picture (PNG with a colour bar when FILE ends in .png, the default; PPM otherwise). The
 * printed mass, energy and checksum are the same for any number of ranks: see model.h. */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decomp.h"
#include "image.h"
#include "model.h"

enum { kTagGather = 7 };

typedef struct Options {
  int nx, ny, steps, every, px, py, image;
  const char *out;
} Options;

static void Usage(FILE *f) {
  fprintf(f,
          "usage: weather [--size NX[xNY]] [--steps N] [--every N] [--procs PXxPY]\n"
          "               [--out FILE] [--no-image]\n"
          "  --size   grid cells (default 256x256)\n"
          "  --steps  time steps (default 500)\n"
          "  --every  print mass and energy every N steps (default 100, 0 = start and end)\n"
          "  --procs  force the rank grid (default: chosen from the number of ranks)\n"
          "  --out    picture of the final height: .png (with a colour bar), else PPM\n"
          "           (default weather.png)\n");
}

/* Parses "A" or "AxB" into *a and *b (b = a when absent). Returns 1 on success. */
static int ParsePair(const char *s, int *a, int *b) {
  char *end;
  long x = strtol(s, &end, 10), y = x;
  if (end == s || x <= 0 || x > 1 << 20) return 0;
  if (*end == 'x' || *end == 'X') {
    const char *t = end + 1;
    y = strtol(t, &end, 10);
    if (end == t || y <= 0 || y > 1 << 20) return 0;
  }
  if (*end != '\0') return 0;
  *a = (int)x;
  *b = (int)y;
  return 1;
}

static int ParseCount(const char *s, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < 0 || v > 1L << 30) return 0;
  *out = (int)v;
  return 1;
}

/* Returns 0 when the options are fine, 1 for --help, 2 for a usage error (message printed by
 * rank 0 only: every rank parses the same argv). */
static int ParseOptions(int argc, char **argv, Options *o, int verbose) {
  *o = (Options){256, 256, 500, 100, 0, 0, 1, "weather.png"};
  for (int k = 1; k < argc; ++k) {
    const char *a = argv[k];
    const char *v = k + 1 < argc ? argv[k + 1] : NULL;
    int ok = 1, takes_value = 1;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      if (verbose) Usage(stdout);
      return 1;
    } else if (strcmp(a, "--no-image") == 0) {
      o->image = 0, takes_value = 0;
    } else if (v == NULL) {
      ok = 0;
    } else if (strcmp(a, "--size") == 0) {
      ok = ParsePair(v, &o->nx, &o->ny);
    } else if (strcmp(a, "--steps") == 0) {
      ok = ParseCount(v, &o->steps);
    } else if (strcmp(a, "--every") == 0) {
      ok = ParseCount(v, &o->every);
    } else if (strcmp(a, "--procs") == 0) {
      ok = ParsePair(v, &o->px, &o->py);
    } else if (strcmp(a, "--out") == 0) {
      o->out = v;
    } else {
      ok = 0;
    }
    if (!ok) {
      if (verbose) {
        fprintf(stderr, "weather: bad or incomplete option '%s'\n", a);
        Usage(stderr);
      }
      return 2;
    }
    k += takes_value;
  }
  return 0;
}

/* Global mass and energy (exact fixed-point sums) and the smallest height. Returns 0 when the
 * state went bad (a non-positive or non-finite height somewhere). */
static int Report(const Model *m, int step, double *mass0, double *energy0) {
  ModelSums s;
  ModelLocalSums(m, &s);
  int64_t local[2] = {s.mass, s.energy}, global[2];
  double min_h;
  MPI_Allreduce(local, global, 2, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  MPI_Allreduce(&s.min_h, &min_h, 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
  if (m->d->rank != 0) return min_h > 0;
  if (!(min_h > 0)) {
    fprintf(stderr, "weather: step %d: the model blew up (height <= 0 or not finite)\n", step);
    return 0;
  }
  double unit = ldexp(m->dx * m->dy, -kModelFixedBits);
  double mass = (double)global[0] * unit, energy = (double)global[1] * unit;
  if (step == 0) *mass0 = mass, *energy0 = energy;
  printf("step %6d  mass %.12e (%+.2e)  energy %.12e (%+.2e)  min h %.6f\n", step, mass,
         (mass - *mass0) / *mass0, energy, (energy - *energy0) / *energy0, min_h);
  fflush(stdout);
  return 1;
}

/* Rank 0 gathers every tile's interior height into field (nx * ny, row by row). */
static void GatherHeight(const Model *m, double *field) {
  const Decomp *d = m->d;
  double *tile = malloc((size_t)(d->nx / d->px + 1) * (size_t)(d->ny / d->py + 1) * sizeof(double));
  if (tile == NULL) MPI_Abort(MPI_COMM_WORLD, 3);
  if (d->rank != 0) {
    ModelCopyHeight(m, tile);
    MPI_Send(tile, d->lnx * d->lny, MPI_DOUBLE, 0, kTagGather, MPI_COMM_WORLD);
    free(tile);
    return;
  }
  for (int r = 0; r < d->size; ++r) {
    int x0, y0, lnx, lny;
    DecompExtent(d->nx, d->px, r % d->px, &x0, &lnx);
    DecompExtent(d->ny, d->py, r / d->px, &y0, &lny);
    if (r == 0) {
      ModelCopyHeight(m, tile);
    } else {
      MPI_Recv(tile, lnx * lny, MPI_DOUBLE, r, kTagGather, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    for (int j = 0; j < lny; ++j) {
      memcpy(field + (size_t)(y0 + j) * d->nx + x0, tile + (size_t)j * lnx, lnx * sizeof(double));
    }
  }
  free(tile);
}

/* Sums in a fixed order (so equal fields give equal digits) and an FNV-1a hash of the bits. */
static void PrintChecksum(const double *field, size_t n) {
  double sum = 0, sum2 = 0;
  uint64_t hash = 0xcbf29ce484222325ull;
  for (size_t k = 0; k < n; ++k) {
    sum += field[k];
    sum2 += field[k] * field[k];
    unsigned char bytes[sizeof(double)];
    memcpy(bytes, &field[k], sizeof(double));
    for (size_t b = 0; b < sizeof(double); ++b) hash = (hash ^ bytes[b]) * 0x100000001b3ull;
  }
  printf("checksum %.12e %.12e\n", sum, sum2);
  printf("fingerprint %016llx\n", (unsigned long long)hash);
}

static int Finish(const Model *m, const Options *o, double seconds) {
  const Decomp *d = m->d;
  double *field = NULL;
  if (d->rank == 0) {
    field = malloc((size_t)d->nx * d->ny * sizeof(double));
    if (field == NULL) MPI_Abort(MPI_COMM_WORLD, 3);
  }
  GatherHeight(m, field);
  if (d->rank != 0) return 0;
  PrintChecksum(field, (size_t)d->nx * d->ny);
  printf("time %.3f s, %.1f Mcell-steps/s\n", seconds,
         seconds > 0 ? (double)d->nx * d->ny * o->steps / seconds / 1e6 : 0.0);
  int rc = 0;
  if (o->image) {
    int err = ImageWrite(o->out, field, d->nx, d->ny, m->p.depth);
    if (err != 0) {
      fprintf(stderr, "weather: cannot write %s: %s\n", o->out, strerror(err));
      rc = 1;
    } else {
      size_t len = strlen(o->out);
      double range = ImageRange(field, d->nx, d->ny, m->p.depth);
      if (len >= 4 && strcmp(o->out + len - 4, ".png") == 0) {
        printf("wrote %s (%dx%d, colour bar %.6g to %.6g)\n", o->out, d->nx, d->ny,
               m->p.depth - range, m->p.depth + range);
      } else {
        printf("wrote %s (%dx%d)\n", o->out, d->nx, d->ny);
      }
    }
  }
  free(field);
  return rc;
}

static int Run(const Options *o, int rank, int size) {
  int px, py;
  if (!DecompChooseGrid(size, o->nx, o->ny, o->px, o->py, &px, &py)) {
    if (rank == 0) {
      fprintf(stderr, "weather: cannot split a %dx%d grid over %d ranks%s\n", o->nx, o->ny, size,
              o->px > 0 ? " as asked by --procs" : "");
    }
    return 2;
  }
  Decomp d;
  Model m;
  ModelParams p;
  DecompInit(&d, MPI_COMM_WORLD, o->nx, o->ny, px, py);
  ModelDefaultParams(&p);
  if (!ModelInit(&m, &d, &p)) MPI_Abort(MPI_COMM_WORLD, 3);
  if (rank == 0) {
    printf("weather: %dx%d periodic grid, %d rank%s as %dx%d tiles, %d steps, dt %.3e\n", o->nx,
           o->ny, size, size == 1 ? "" : "s", px, py, o->steps, m.dt);
  }
  double mass0 = 0, energy0 = 0;
  int ok = Report(&m, 0, &mass0, &energy0);
  MPI_Barrier(MPI_COMM_WORLD);
  double start = MPI_Wtime();
  for (int step = 1; ok && step <= o->steps; ++step) {
    if (ModelStep(&m) != MPI_SUCCESS) MPI_Abort(MPI_COMM_WORLD, 4);
    if (step == o->steps || (o->every > 0 && step % o->every == 0)) {
      ok = Report(&m, step, &mass0, &energy0);
    }
  }
  double seconds = MPI_Wtime() - start;
  int rc = ok ? Finish(&m, o, seconds) : 1;
  ModelFree(&m);
  DecompFree(&d);
  return rc;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  Options o;
  int rc = ParseOptions(argc, argv, &o, rank == 0);
  if (rc == 0) {
    rc = Run(&o, rank, size);
  } else if (rc == 1) {
    rc = 0;
  }
  /* Rank 0 alone knows whether writing the picture failed; share it so every rank agrees. */
  MPI_Allreduce(MPI_IN_PLACE, &rc, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return rc;
}
