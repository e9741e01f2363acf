#include "decomp.h"

void DecompExtent(int n, int parts, int index, int *start, int *count) {
  int base = n / parts;
  int extra = n % parts;
  *count = base + (index < extra ? 1 : 0);
  *start = index * base + (index < extra ? index : extra);
}

int DecompChooseGrid(int size, int nx, int ny, int px_want, int py_want, int *px, int *py) {
  double best_cost = 0.0;
  int found = 0;
  for (int a = 1; a <= size; ++a) {
    if (size % a != 0) continue;
    int b = size / a;
    if (px_want > 0 && a != px_want) continue;
    if (py_want > 0 && b != py_want) continue;
    if (a > nx || b > ny) continue;
    /* Halo cells per tile: two columns of ny/b cells and two rows of nx/a cells. */
    double cost = (double)ny / b + (double)nx / a;
    if (!found || cost < best_cost) {
      best_cost = cost;
      *px = a;
      *py = b;
      found = 1;
    }
  }
  return found;
}

static int Wrap(int i, int n) { return ((i % n) + n) % n; }

int DecompInit(Decomp *d, MPI_Comm world, int nx, int ny, int px, int py) {
  MPI_Comm_rank(world, &d->rank);
  MPI_Comm_size(world, &d->size);
  d->nx = nx;
  d->ny = ny;
  d->px = px;
  d->py = py;
  d->cx = d->rank % px;
  d->cy = d->rank / px;
  DecompExtent(nx, px, d->cx, &d->x0, &d->lnx);
  DecompExtent(ny, py, d->cy, &d->y0, &d->lny);
  /* Keys are the tile coordinates, so the rank in `row` is cx and the rank in `col` is cy. */
  int rc = MPI_Comm_split(world, d->cy, d->cx, &d->row);
  if (rc != MPI_SUCCESS) return rc;
  rc = MPI_Comm_split(world, d->cx, d->cy, &d->col);
  if (rc != MPI_SUCCESS) return rc;
  d->west = Wrap(d->cx - 1, px);
  d->east = Wrap(d->cx + 1, px);
  d->south = Wrap(d->cy - 1, py);
  d->north = Wrap(d->cy + 1, py);
  return MPI_SUCCESS;
}

void DecompFree(Decomp *d) {
  MPI_Comm_free(&d->row);
  MPI_Comm_free(&d->col);
}
