/* A shallow-water model on a periodic f-plane: height h and momenta hu, hv, advanced with the
 * two-step (Richtmyer) Lax-Wendroff scheme in flux form, plus an exact rotation of (hu, hv) for
 * the Coriolis force.
 *
 * Reproducibility contract: every cell is updated by the same sequence of floating-point
 * operations from the same inputs whatever the decomposition, so the fields are bit-identical
 * for any number of ranks (compile without floating-point contraction, see CMakeLists.txt).
 * Global sums use 64-bit fixed point, which is exact and so independent of reduction order. */
#ifndef WEATHER_MODEL_H_
#define WEATHER_MODEL_H_

#include <stdint.h>

#include "decomp.h"
#include "halo.h"

typedef struct ModelParams {
  double gravity;  /* g */
  double coriolis; /* f */
  double depth;    /* mean height H0 */
  double wind_u;   /* initial uniform wind */
  double wind_v;
  double cfl; /* fraction of the stable time step */
} ModelParams;

typedef struct Model {
  const Decomp *d;
  ModelParams p;
  int stride;           /* lnx + 2 */
  double dx, dy, dt;    /* the domain is 1 wide and ny/nx high */
  double *h, *hu, *hv;  /* cells with a ghost ring */
  double *fh, *fu, *fv; /* x fluxes at (i + 1/2, j), stored at (i, j), i = 0..lnx */
  double *gh, *gu, *gv; /* y fluxes at (i, j + 1/2), stored at (i, j), j = 0..lny */
  Halo halo;
} Model;

/* Per-tile diagnostics; sums are in units of 2^-kModelFixedBits. */
enum { kModelFixedBits = 30 };
typedef struct ModelSums {
  int64_t mass;   /* sum of h */
  int64_t energy; /* sum of kinetic + potential energy per cell */
  double min_h;   /* smallest h; negative if any cell is not finite or not positive */
} ModelSums;

void ModelDefaultParams(ModelParams *p);

/* Allocates the fields and sets the initial state (a few height bumps in a uniform wind).
 * Returns 0 on allocation failure. */
int ModelInit(Model *m, const Decomp *d, const ModelParams *p);
void ModelFree(Model *m);

/* One time step; collective (halo exchange). Returns an MPI error code. */
int ModelStep(Model *m);

/* Local sums over this tile's interior (no communication). */
void ModelLocalSums(const Model *m, ModelSums *s);

/* Copies this tile's interior height, row by row, into out (lnx * lny doubles). */
void ModelCopyHeight(const Model *m, double *out);

#endif /* WEATHER_MODEL_H_ */
