/* Cartesian domain decomposition done by hand: the world's ranks form a px x py grid of tiles
 * over a periodic nx x ny grid. Rank r sits at tile (r % px, r / px). Tiles may be uneven: the
 * first (n % parts) tiles along an axis get one extra column/row. */
#ifndef WEATHER_DECOMP_H_
#define WEATHER_DECOMP_H_

#include <mpi.h>

typedef struct Decomp {
  int rank, size;   /* in the world communicator */
  int nx, ny;       /* global grid: columns (x) and rows (y) */
  int px, py;       /* tiles along x and y; px * py == size */
  int cx, cy;       /* this rank's tile */
  int x0, y0;       /* first global column and row of this tile */
  int lnx, lny;     /* interior columns and rows of this tile (>= 1) */
  MPI_Comm row;     /* ranks with the same cy; rank in it is cx */
  MPI_Comm col;     /* ranks with the same cx; rank in it is cy */
  int west, east;   /* neighbours in `row` (periodic) */
  int south, north; /* neighbours in `col` (periodic); south is row y0 - 1 */
} Decomp;

/* Splits n cells into `parts` nearly equal pieces; sets piece `index`'s start and count. */
void DecompExtent(int n, int parts, int index, int *start, int *count);

/* Picks px * py == size minimising the halo length per tile, subject to px <= nx, py <= ny.
 * A positive px_want/py_want forces that factor. Returns 0 when no factorisation fits. */
int DecompChooseGrid(int size, int nx, int ny, int px_want, int py_want, int *px, int *py);

/* Collective over `world`: fills *d and creates the row and column communicators.
 * Returns MPI_SUCCESS, or an MPI error code from Comm_split. */
int DecompInit(Decomp *d, MPI_Comm world, int nx, int ny, int px, int py);

void DecompFree(Decomp *d);

#endif /* WEATHER_DECOMP_H_ */
