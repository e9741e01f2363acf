/* mpich_binary: built by Debian's MPICH wrapper (mpicc.mpich, so it NEEDs libmpich.so.12 and
 * was compiled against MPICH's mpi.h) and run through zrun, which must make it load zmpi.
 * Checks what such a binary relies on: MPICH's handle values and constants, MPI_STATUS_IGNORE,
 * MPI_IN_PLACE, the MPI_UNWEIGHTED data symbol, error classes, and that the library it runs on
 * is zmpi. Each rank prints "mpich_binary: rank R of N"; rank 0 prints "mpich_binary: OK (N
 * ranks)" when every rank passed. Under MPICH's own library every rank would be rank 0 of 1. */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

static int checks = 0;

static int Check(int cond, int rank, const char *what) {
  ++checks;
  if (!cond) fprintf(stderr, "mpich_binary: rank %d: %s failed\n", rank, what);
  return cond;
}

static int Library(int rank) {
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(version, &len);
  return Check(strstr(version, "zmpi") != NULL, rank, "library is zmpi");
}

static int PointToPoint(int rank, int size) {
  int ok = 1, right = (rank + 1) % size, left = (rank + size - 1) % size;
  /* Every second int of 8, as a vector type: 4 ints travel. */
  int out[8], in[8];
  for (int i = 0; i < 8; ++i) out[i] = 100 * rank + i, in[i] = -1;
  MPI_Datatype every_other;
  MPI_Type_vector(4, 1, 2, MPI_INT, &every_other);
  MPI_Type_commit(&every_other);
  MPI_Status status;
  MPI_Sendrecv(out, 1, every_other, right, 7, in, 4, MPI_INT, left, 7, MPI_COMM_WORLD, &status);
  int count = -1;
  MPI_Get_count(&status, MPI_INT, &count);
  ok &= Check(count == 4 && status.MPI_SOURCE == left && status.MPI_TAG == 7, rank, "status");
  for (int i = 0; i < 4; ++i) ok &= Check(in[i] == 100 * left + 2 * i, rank, "vector data");
  MPI_Type_free(&every_other);
  long token = rank;
  MPI_Sendrecv_replace(&token, 1, MPI_LONG, right, 8, left, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  ok &= Check(token == left, rank, "Sendrecv_replace with MPI_STATUS_IGNORE");
  return ok;
}

static int Collectives(int rank, int size) {
  int ok = 1;
  for (int root = 0; root < size; ++root) {
    int v = rank == root ? 1000 + root : -1;
    MPI_Bcast(&v, 1, MPI_INT, root, MPI_COMM_WORLD);
    ok &= Check(v == 1000 + root, rank, "Bcast from every root");
  }
  long sum = rank + 1;
  MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  ok &= Check(sum == (long)size * (size + 1) / 2, rank, "Allreduce in place");
  struct { double value; int rank; } mine = {(double)(rank % 2), rank}, max;
  MPI_Allreduce(&mine, &max, 1, MPI_DOUBLE_INT, MPI_MAXLOC, MPI_COMM_WORLD);
  ok &= Check(max.value == (size > 1 ? 1.0 : 0.0) && max.rank == (size > 1 ? 1 : 0), rank,
              "MAXLOC on MPI_DOUBLE_INT");
  MPI_Comm half;
  MPI_Comm_split(MPI_COMM_WORLD, rank % 2, -rank, &half);
  int half_rank = -1, half_size = 0;
  MPI_Comm_rank(half, &half_rank);
  MPI_Comm_size(half, &half_size);
  ok &= Check(half_size == (size + 1 - rank % 2) / 2 && half_rank == half_size - 1 - rank / 2,
              rank, "Comm_split with reversed keys");
  MPI_Comm_free(&half);
  return ok;
}

static int Topology(int rank, int size) {
  int right = (rank + 1) % size, left = (rank + size - 1) % size;
  MPI_Comm ring;
  MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 1, &left, MPI_UNWEIGHTED, 1, &right,
                                 MPI_UNWEIGHTED, MPI_INFO_NULL, 0, &ring);
  int indegree = -1, outdegree = -1, weighted = -1;
  MPI_Dist_graph_neighbors_count(ring, &indegree, &outdegree, &weighted);
  int ok = Check(indegree == 1 && outdegree == 1 && !weighted, rank, "MPI_UNWEIGHTED graph");
  MPI_Comm_free(&ring);
  return ok;
}

static int Errors(int rank, int size) {
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int err = MPI_Send(&rank, 1, MPI_INT, size, 0, MPI_COMM_WORLD), cls = -1;
  MPI_Error_class(err, &cls);
  int ok = Check(cls == MPI_ERR_RANK, rank, "MPI_ERR_RANK for a rank past the end");
  void *tag_ub = NULL;
  int flag = 0;
  MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &tag_ub, &flag);
  ok &= Check(flag && *(int *)tag_ub >= 32767, rank, "MPI_TAG_UB");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
  return ok;
}

int main(int argc, char **argv) {
  int provided = -1;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return 2;
  int rank = -1, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  printf("mpich_binary: rank %d of %d\n", rank, size);
  fflush(stdout);
  int ok = Check(provided >= MPI_THREAD_SINGLE && provided <= MPI_THREAD_MULTIPLE, rank,
                 "Init_thread provided");
  ok &= Library(rank);
  ok &= PointToPoint(rank, size);
  ok &= Collectives(rank, size);
  ok &= Topology(rank, size);
  ok &= Errors(rank, size);
  int all_ok = 0;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (rank == 0) {
    printf("mpich_binary: %s (%d ranks, %d checks)\n", all_ok ? "OK" : "FAILED", size, checks);
  }
  MPI_Finalize();
  return all_ok ? 0 : 1;
}
