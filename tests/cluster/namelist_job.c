/* A model's files across hosts (tests/cluster/files_test.sh): every rank reads
 * namelist.input and input/levels.txt from its working directory (staged there by
 * zrun --stage on hosts other than zrun's), checks that every rank read the same values, and
 * writes rsl.out.NNNN (rank, host, the values, the working directory) as WRF's RSL_LITE does.
 * Rank 0 prints "namelist_job: OK (<n> ranks, rank 0 on <host>)".
 * Exit 3 if a file is missing or unreadable (with one line naming it). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long ReadValue(const char* path, const char* key, int rank) {
  FILE* f = fopen(path, "r");
  if (f == NULL) {
    fprintf(stderr, "namelist_job: rank %d: cannot open %s\n", rank, path);
    MPI_Abort(MPI_COMM_WORLD, 3);
  }
  char line[256];
  long value = -1;
  while (fgets(line, sizeof(line), f) != NULL) {
    char* at = strstr(line, key);
    if (at != NULL && (at = strchr(at, '=')) != NULL) value = strtol(at + 1, NULL, 10);
  }
  fclose(f);
  return value;
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  char host[MPI_MAX_PROCESSOR_NAME];
  int len;
  MPI_Get_processor_name(host, &len);
  long mine[2] = {ReadValue("namelist.input", "time_step", rank),
                  ReadValue("input/levels.txt", "levels", rank)};
  long low[2], high[2];
  MPI_Allreduce(mine, low, 2, MPI_LONG, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(mine, high, 2, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
  char cwd[4096] = "?";
  if (getcwd(cwd, sizeof(cwd)) == NULL) strcpy(cwd, "?");
  char name[64];
  snprintf(name, sizeof(name), "rsl.out.%04d", rank);
  FILE* out = fopen(name, "w");
  if (out == NULL) {
    fprintf(stderr, "namelist_job: rank %d: cannot write %s\n", rank, name);
    MPI_Abort(MPI_COMM_WORLD, 3);
  }
  fprintf(out, "rank %d host %s time_step %ld levels %ld cwd %s\n", rank, host, mine[0], mine[1],
          cwd);
  fclose(out);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank == 0) {
    if (low[0] != high[0] || low[1] != high[1] || low[0] < 0 || low[1] < 0) {
      printf("namelist_job: FAILED: time_step %ld..%ld levels %ld..%ld\n", low[0], high[0],
             low[1], high[1]);
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    printf("namelist_job: OK (%d ranks, rank 0 on %s, time_step %ld, levels %ld)\n", size, host,
           low[0], low[1]);
  }
  MPI_Finalize();
  return 0;
}
