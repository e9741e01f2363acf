#include "halo.h"

#include <stdlib.h>

/* A message's tag names the direction it travels and the field it carries, so two messages
 * between the same pair of ranks (px or py of 1 or 2, where west == east) cannot be confused. */
enum { kTagEast = 100, kTagWest = 101, kTagNorth = 200, kTagSouth = 300 };

int HaloInit(Halo *h, const Decomp *d, int nfields) {
  if (nfields < 1 || nfields > kHaloMaxFields) return 0;
  size_t n = (size_t)nfields * (size_t)d->lny;
  h->d = d;
  h->nfields = nfields;
  h->send_west = malloc(n * sizeof(double));
  h->send_east = malloc(n * sizeof(double));
  h->recv_west = malloc(n * sizeof(double));
  h->recv_east = malloc(n * sizeof(double));
  if (!h->send_west || !h->send_east || !h->recv_west || !h->recv_east) {
    HaloFree(h);
    return 0;
  }
  return 1;
}

void HaloFree(Halo *h) {
  free(h->send_west);
  free(h->send_east);
  free(h->recv_west);
  free(h->recv_east);
  h->send_west = h->send_east = h->recv_west = h->recv_east = NULL;
}

/* Copies column i of every field (rows 1..lny) into buf, field after field. */
/* Keeps the first error code. */
static void Keep(int *rc, int r) {
  if (*rc == MPI_SUCCESS) *rc = r;
}

static void PackColumn(const Halo *h, double *const *fields, int i, double *buf) {
  int stride = h->d->lnx + 2;
  for (int f = 0; f < h->nfields; ++f) {
    for (int j = 1; j <= h->d->lny; ++j) *buf++ = fields[f][j * stride + i];
  }
}

static void UnpackColumn(const Halo *h, double *const *fields, int i, const double *buf) {
  int stride = h->d->lnx + 2;
  for (int f = 0; f < h->nfields; ++f) {
    for (int j = 1; j <= h->d->lny; ++j) fields[f][j * stride + i] = *buf++;
  }
}

int HaloExchange(Halo *h, double *const *fields) {
  const Decomp *d = h->d;
  int stride = d->lnx + 2;
  int ncol = h->nfields * d->lny;
  MPI_Request req[4 + 4 * kHaloMaxFields];
  /* A real array, not MPI_STATUSES_IGNORE: GCC's -Wstringop-overflow flags the latter. */
  MPI_Status status[4 + 4 * kHaloMaxFields];
  int n = 0;
  int rc = MPI_SUCCESS;

  /* Receives first, so messages that arrive early land in place. */
  Keep(&rc, MPI_Irecv(h->recv_west, ncol, MPI_DOUBLE, d->west, kTagEast, d->row, &req[n++]));
  Keep(&rc, MPI_Irecv(h->recv_east, ncol, MPI_DOUBLE, d->east, kTagWest, d->row, &req[n++]));
  for (int f = 0; f < h->nfields; ++f) {
    double *south_ghost = fields[f] + 1;
    double *north_ghost = fields[f] + (d->lny + 1) * stride + 1;
    Keep(&rc,
         MPI_Irecv(south_ghost, d->lnx, MPI_DOUBLE, d->south, kTagNorth + f, d->col, &req[n++]));
    Keep(&rc,
         MPI_Irecv(north_ghost, d->lnx, MPI_DOUBLE, d->north, kTagSouth + f, d->col, &req[n++]));
  }

  PackColumn(h, fields, 1, h->send_west);
  PackColumn(h, fields, d->lnx, h->send_east);
  Keep(&rc, MPI_Isend(h->send_east, ncol, MPI_DOUBLE, d->east, kTagEast, d->row, &req[n++]));
  Keep(&rc, MPI_Isend(h->send_west, ncol, MPI_DOUBLE, d->west, kTagWest, d->row, &req[n++]));
  for (int f = 0; f < h->nfields; ++f) {
    const double *south_row = fields[f] + stride + 1;
    const double *north_row = fields[f] + d->lny * stride + 1;
    Keep(&rc, MPI_Isend(north_row, d->lnx, MPI_DOUBLE, d->north, kTagNorth + f, d->col, &req[n++]));
    Keep(&rc, MPI_Isend(south_row, d->lnx, MPI_DOUBLE, d->south, kTagSouth + f, d->col, &req[n++]));
  }

  Keep(&rc, MPI_Waitall(n, req, status));
  if (rc != MPI_SUCCESS) return rc;
  UnpackColumn(h, fields, 0, h->recv_west);
  UnpackColumn(h, fields, d->lnx + 1, h->recv_east);
  return MPI_SUCCESS;
}
