/* hello_c: a C program built by zmpi's mpicc wrapper (see CMakeLists.txt) and run through zrun.
 * Checks Init, rank/size, a token passed around a ring with Send/Recv, Allreduce (also in place)
 * and Finalize. Rank 0 prints "hello_c: OK" when every rank passed; the exit status is non-zero
 * otherwise. */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

enum { kTagRing = 17 };

static int Check(int cond, int rank, const char *what) {
  if (!cond) fprintf(stderr, "hello_c: rank %d: %s failed\n", rank, what);
  return cond;
}

/* Rank 0 starts a token; each rank adds its rank and passes it on. Back at rank 0 the token must
 * hold 0 + 1 + ... + (size - 1). Returns 1 on success (rank 0 checks, others check the source). */
static int Ring(int rank, int size) {
  int right = (rank + 1) % size, left = (rank + size - 1) % size;
  long token = 0;
  MPI_Status status;
  if (size == 1) {
    /* A message to oneself: post the receive first so a synchronous send cannot block. */
    MPI_Request req;
    MPI_Irecv(&token, 1, MPI_LONG, 0, kTagRing, MPI_COMM_WORLD, &req);
    long zero = 0;
    MPI_Send(&zero, 1, MPI_LONG, 0, kTagRing, MPI_COMM_WORLD);
    MPI_Wait(&req, &status);
    return Check(token == 0 && status.MPI_SOURCE == 0 && status.MPI_TAG == kTagRing, rank,
                 "self send");
  }
  if (rank == 0) {
    MPI_Send(&token, 1, MPI_LONG, right, kTagRing, MPI_COMM_WORLD);
    MPI_Recv(&token, 1, MPI_LONG, left, kTagRing, MPI_COMM_WORLD, &status);
    long want = (long)size * (size - 1) / 2;
    return Check(token == want, rank, "ring token sum");
  }
  MPI_Recv(&token, 1, MPI_LONG, left, kTagRing, MPI_COMM_WORLD, &status);
  int count = -1;
  MPI_Get_count(&status, MPI_LONG, &count);
  int ok = Check(status.MPI_SOURCE == left && status.MPI_TAG == kTagRing && count == 1, rank,
                 "ring status");
  token += rank;
  MPI_Send(&token, 1, MPI_LONG, right, kTagRing, MPI_COMM_WORLD);
  return ok;
}

static int Reductions(int rank, int size) {
  int ok = 1;
  int mine = rank + 1, sum = 0;
  MPI_Allreduce(&mine, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  ok &= Check(sum == size * (size + 1) / 2, rank, "Allreduce SUM int");
  double vals[2] = {(double)rank, -(double)rank};
  MPI_Allreduce(MPI_IN_PLACE, vals, 2, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  ok &= Check(vals[0] == size - 1 && vals[1] == 0.0, rank, "Allreduce MAX double in place");
  return ok;
}

int main(int argc, char **argv) {
  if (MPI_Init(&argc, &argv) != MPI_SUCCESS) return 2;
  int rank = -1, size = 0, version = 0, subversion = 0, len = 0;
  char host[MPI_MAX_PROCESSOR_NAME];
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Get_processor_name(host, &len);
  MPI_Get_version(&version, &subversion);
  printf("hello_c: rank %d of %d on %s\n", rank, size, host);
  fflush(stdout);

  int ok = Check(size >= 1 && rank >= 0 && rank < size, rank, "rank/size");
  ok &= Check(len == (int)strlen(host), rank, "Get_processor_name length");
  ok &= Check(version == MPI_VERSION && subversion == MPI_SUBVERSION, rank, "Get_version");
  ok &= Ring(rank, size);
  ok &= Reductions(rank, size);

  int all_ok = 0;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (rank == 0) printf("hello_c: %s (%d ranks)\n", all_ok ? "OK" : "FAILED", size);
  int finalized = 0;
  MPI_Finalize();
  MPI_Finalized(&finalized);
  if (!finalized) return 3;
  return all_ok ? 0 : 1;
}
