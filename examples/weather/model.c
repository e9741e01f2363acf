#include "model.h"

#include <math.h>
#include <stdlib.h>

/* Initial weather: height anomalies (highs and a low) as periodic Gaussians, in units of the
 * domain width. */
typedef struct Bump {
  double x, y;   /* centre, as a fraction of the domain's width and height */
  double amp;    /* height anomaly */
  double radius; /* e-folding radius, in domain widths */
} Bump;

static const Bump kBumps[] = {
    {0.30, 0.35, 0.20, 0.060},
    {0.68, 0.62, 0.14, 0.045},
    {0.45, 0.80, -0.10, 0.080},
    {0.85, 0.20, 0.08, 0.030},
};
enum { kNumBumps = sizeof(kBumps) / sizeof(kBumps[0]) };

void ModelDefaultParams(ModelParams *p) {
  p->gravity = 9.81;
  p->coriolis = 20.0;
  p->depth = 1.0;
  p->wind_u = 0.5;
  p->wind_v = 0.25;
  p->cfl = 0.25;
}

/* Shortest periodic distance between a and b on a circle of length len. */
static double PeriodicDelta(double a, double b, double len) {
  double t = fabs(a - b);
  return t < len - t ? t : len - t;
}

static double InitialHeight(const ModelParams *p, double x, double y, double lx, double ly) {
  double h = p->depth;
  for (int k = 0; k < kNumBumps; ++k) {
    double ddx = PeriodicDelta(x, kBumps[k].x * lx, lx);
    double ddy = PeriodicDelta(y, kBumps[k].y * ly, ly);
    double r2 = kBumps[k].radius * kBumps[k].radius;
    h += kBumps[k].amp * exp(-(ddx * ddx + ddy * ddy) / r2);
  }
  return h;
}

/* The time step depends only on the parameters, so every rank computes the same one. */
static double StableStep(const ModelParams *p, double dx) {
  double hmax = p->depth;
  for (int k = 0; k < kNumBumps; ++k) {
    if (kBumps[k].amp > 0) hmax += kBumps[k].amp;
  }
  double speed = sqrt(p->gravity * hmax) + sqrt(p->wind_u * p->wind_u + p->wind_v * p->wind_v);
  return p->cfl * dx / speed;
}

int ModelInit(Model *m, const Decomp *d, const ModelParams *p) {
  m->d = d;
  m->p = *p;
  m->stride = d->lnx + 2;
  m->dx = 1.0 / d->nx;
  m->dy = m->dx;
  m->dt = StableStep(p, m->dx);
  size_t cells = (size_t)m->stride * (size_t)(d->lny + 2);
  double **arrays[] = {&m->h, &m->hu, &m->hv, &m->fh, &m->fu, &m->fv, &m->gh, &m->gu, &m->gv};
  int ok = HaloInit(&m->halo, d, 3);
  for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); ++k) {
    *arrays[k] = calloc(cells, sizeof(double));
    if (*arrays[k] == NULL) ok = 0;
  }
  if (!ok) {
    ModelFree(m);
    return 0;
  }
  double lx = 1.0, ly = d->ny * m->dy;
  for (int j = 1; j <= d->lny; ++j) {
    for (int i = 1; i <= d->lnx; ++i) {
      double x = (d->x0 + i - 0.5) * m->dx;
      double y = (d->y0 + j - 0.5) * m->dy;
      int c = j * m->stride + i;
      m->h[c] = InitialHeight(p, x, y, lx, ly);
      m->hu[c] = m->h[c] * p->wind_u;
      m->hv[c] = m->h[c] * p->wind_v;
    }
  }
  return 1;
}

void ModelFree(Model *m) {
  double **arrays[] = {&m->h, &m->hu, &m->hv, &m->fh, &m->fu, &m->fv, &m->gh, &m->gu, &m->gv};
  for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); ++k) {
    free(*arrays[k]);
    *arrays[k] = NULL;
  }
  HaloFree(&m->halo);
}

/* Half step across the x faces: predicted state at (i + 1/2, j) from cells i and i + 1, turned
 * into the x fluxes of h, hu, hv there. Needs the west and east ghost columns. */
static void FluxesX(Model *m) {
  const int nx = m->d->lnx, ny = m->d->lny, st = m->stride;
  const double g = m->p.gravity, k = 0.5 * m->dt / m->dx;
  for (int j = 1; j <= ny; ++j) {
    for (int i = 0; i <= nx; ++i) {
      int a = j * st + i, b = a + 1;
      double fha = m->hu[a], fhb = m->hu[b];
      double fua = m->hu[a] * m->hu[a] / m->h[a] + 0.5 * g * m->h[a] * m->h[a];
      double fub = m->hu[b] * m->hu[b] / m->h[b] + 0.5 * g * m->h[b] * m->h[b];
      double fva = m->hu[a] * m->hv[a] / m->h[a], fvb = m->hu[b] * m->hv[b] / m->h[b];
      double h = 0.5 * (m->h[a] + m->h[b]) - k * (fhb - fha);
      double hu = 0.5 * (m->hu[a] + m->hu[b]) - k * (fub - fua);
      double hv = 0.5 * (m->hv[a] + m->hv[b]) - k * (fvb - fva);
      m->fh[a] = hu;
      m->fu[a] = hu * hu / h + 0.5 * g * h * h;
      m->fv[a] = hu * hv / h;
    }
  }
}

/* Half step across the y faces: predicted state at (i, j + 1/2) from rows j and j + 1. Needs
 * the south and north ghost rows. */
static void FluxesY(Model *m) {
  const int nx = m->d->lnx, ny = m->d->lny, st = m->stride;
  const double g = m->p.gravity, k = 0.5 * m->dt / m->dy;
  for (int j = 0; j <= ny; ++j) {
    for (int i = 1; i <= nx; ++i) {
      int a = j * st + i, b = a + st;
      double gha = m->hv[a], ghb = m->hv[b];
      double gua = m->hu[a] * m->hv[a] / m->h[a], gub = m->hu[b] * m->hv[b] / m->h[b];
      double gva = m->hv[a] * m->hv[a] / m->h[a] + 0.5 * g * m->h[a] * m->h[a];
      double gvb = m->hv[b] * m->hv[b] / m->h[b] + 0.5 * g * m->h[b] * m->h[b];
      double h = 0.5 * (m->h[a] + m->h[b]) - k * (ghb - gha);
      double hu = 0.5 * (m->hu[a] + m->hu[b]) - k * (gub - gua);
      double hv = 0.5 * (m->hv[a] + m->hv[b]) - k * (gvb - gva);
      m->gh[a] = hv;
      m->gu[a] = hu * hv / h;
      m->gv[a] = hv * hv / h + 0.5 * g * h * h;
    }
  }
}

/* Full step: conservative update from the face fluxes, then the Coriolis force as an exact
 * rotation of the momentum by f * dt (it changes no energy). */
static void Update(Model *m) {
  const int nx = m->d->lnx, ny = m->d->lny, st = m->stride;
  const double kx = m->dt / m->dx, ky = m->dt / m->dy;
  const double c = cos(m->p.coriolis * m->dt), s = sin(m->p.coriolis * m->dt);
  for (int j = 1; j <= ny; ++j) {
    for (int i = 1; i <= nx; ++i) {
      int a = j * st + i, w = a - 1, south = a - st;
      m->h[a] -= kx * (m->fh[a] - m->fh[w]) + ky * (m->gh[a] - m->gh[south]);
      double hu = m->hu[a] - (kx * (m->fu[a] - m->fu[w]) + ky * (m->gu[a] - m->gu[south]));
      double hv = m->hv[a] - (kx * (m->fv[a] - m->fv[w]) + ky * (m->gv[a] - m->gv[south]));
      m->hu[a] = c * hu + s * hv;
      m->hv[a] = c * hv - s * hu;
    }
  }
}

int ModelStep(Model *m) {
  double *const fields[3] = {m->h, m->hu, m->hv};
  int rc = HaloExchange(&m->halo, fields);
  if (rc != MPI_SUCCESS) return rc;
  FluxesX(m);
  FluxesY(m);
  Update(m);
  return MPI_SUCCESS;
}

void ModelLocalSums(const Model *m, ModelSums *s) {
  const double scale = (double)((int64_t)1 << kModelFixedBits);
  const double g = m->p.gravity;
  s->mass = 0;
  s->energy = 0;
  s->min_h = INFINITY;
  for (int j = 1; j <= m->d->lny; ++j) {
    for (int i = 1; i <= m->d->lnx; ++i) {
      int a = j * m->stride + i;
      double h = m->h[a];
      double e = 0.5 * (m->hu[a] * m->hu[a] + m->hv[a] * m->hv[a]) / h + 0.5 * g * h * h;
      if (!(h > 0) || !isfinite(h) || !isfinite(e)) {
        s->min_h = -1.0; /* llrint of a non-finite value is undefined: stop summing */
        return;
      }
      if (h < s->min_h) s->min_h = h;
      s->mass += llrint(h * scale);
      s->energy += llrint(e * scale);
    }
  }
}

void ModelCopyHeight(const Model *m, double *out) {
  for (int j = 1; j <= m->d->lny; ++j) {
    for (int i = 1; i <= m->d->lnx; ++i) *out++ = m->h[j * m->stride + i];
  }
}
