/* Halo exchange of width one for a set of fields on one tile. Fields are stored row by row with
 * one ghost cell on every side: (lnx + 2) * (lny + 2) doubles, cell (i, j) at j * (lnx + 2) + i,
 * interior i = 1..lnx, j = 1..lny. Only faces are exchanged (no corners): the model's stencil
 * never reads a corner ghost.
 * Rows are contiguous and travel straight from and into the field arrays; columns are packed into
 * buffers owned by the Halo (no derived datatypes). */
#ifndef WEATHER_HALO_H_
#define WEATHER_HALO_H_

#include <mpi.h>

#include "decomp.h"

enum { kHaloMaxFields = 4 };

typedef struct Halo {
  const Decomp *d;
  int nfields;
  double *send_west, *send_east; /* nfields * lny packed columns */
  double *recv_west, *recv_east;
} Halo;

/* Returns 0 on allocation failure. */
int HaloInit(Halo *h, const Decomp *d, int nfields);
void HaloFree(Halo *h);

/* Fills the ghost rows and columns of fields[0..nfields-1] from the periodic neighbours with
 * MPI_Isend/MPI_Irecv/MPI_Waitall. Collective over the row and column communicators. Returns the
 * first MPI error code, or MPI_SUCCESS. */
int HaloExchange(Halo *h, double *const *fields);

#endif /* WEATHER_HALO_H_ */
