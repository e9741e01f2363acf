/* MPI-4.1's MPI_Status accessors: set and get each public field, on a status a receive filled
 * and on one built by hand (also before MPI_Init, which the accessors allow), and the error
 * class of a null status; MPI_Request_get_status_all/any/some. Prints "status_test: OK (<n> checks)" on rank 0. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int g_rank, g_checks;

#define CHECK(cond, ...)                                                            \
  do {                                                                              \
    ++g_checks;                                                                     \
    if (!(cond)) {                                                                  \
      fprintf(stderr, "status_test: rank %d: FAILED at line %d: %s: ", g_rank, __LINE__, \
              #cond);                                                               \
      fprintf(stderr, __VA_ARGS__);                                                 \
      fprintf(stderr, "\n");                                                        \
      exit(1);                                                                      \
    }                                                                               \
  } while (0)

static void round_trip(MPI_Status* st, int source, int tag, int error) {
  int v = -99;
  CHECK(MPI_Status_set_source(st, source) == MPI_SUCCESS, "set_source");
  CHECK(MPI_Status_set_tag(st, tag) == MPI_SUCCESS, "set_tag");
  CHECK(MPI_Status_set_error(st, error) == MPI_SUCCESS, "set_error");
  MPI_Status_get_source(st, &v);
  CHECK(v == source && st->MPI_SOURCE == source, "source %d", v);
  MPI_Status_get_tag(st, &v);
  CHECK(v == tag && st->MPI_TAG == tag, "tag %d", v);
  MPI_Status_get_error(st, &v);
  CHECK(v == error && st->MPI_ERROR == error, "error %d", v);
}

int main(int argc, char** argv) {
  MPI_Status before;
  round_trip(&before, 3, 17, MPI_ERR_TAG); /* before MPI_Init */
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  int x = 5, y = 0;
  MPI_Status st;
  MPI_Sendrecv(&x, 1, MPI_INT, g_rank, 42, &y, 1, MPI_INT, g_rank, 42, MPI_COMM_WORLD, &st);
  int v = -1;
  MPI_Status_get_source(&st, &v);
  CHECK(v == g_rank, "received source %d", v);
  MPI_Status_get_tag(&st, &v);
  CHECK(v == 42, "received tag %d", v);
  round_trip(&st, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_SUCCESS);
  int count = -1;
  MPI_Get_count(&st, MPI_INT, &count);
  CHECK(count == 1, "the count survives the setters: %d", count);
  /* Non-destructive tests of several requests: nothing is freed, then a Waitall still works. */
  int a = 0, b = 0, one = 1, two = 2, flag = -1, index = -2, outcount = -2, idx[2];
  MPI_Request rq[2];
  MPI_Status sts[2];
  MPI_Irecv(&a, 1, MPI_INT, g_rank, 7, MPI_COMM_WORLD, &rq[0]);
  MPI_Irecv(&b, 1, MPI_INT, g_rank, 8, MPI_COMM_WORLD, &rq[1]);
  MPI_Request_get_status_all(2, rq, &flag, sts);
  CHECK(flag == 0, "get_status_all with nothing sent: flag %d", flag);
  MPI_Request_get_status_any(2, rq, &index, &flag, &st);
  CHECK(flag == 0 && index == MPI_UNDEFINED, "get_status_any: flag %d index %d", flag, index);
  MPI_Send(&two, 1, MPI_INT, g_rank, 8, MPI_COMM_WORLD);
  for (int tries = 0; tries < 1000000 && flag == 0; ++tries) {
    MPI_Request_get_status_any(2, rq, &index, &flag, &st);
  }
  CHECK(flag == 1 && index == 1 && st.MPI_TAG == 8, "get_status_any: flag %d index %d tag %d",
        flag, index, st.MPI_TAG);
  MPI_Request_get_status_some(2, rq, &outcount, idx, sts);
  CHECK(outcount == 1 && idx[0] == 1, "get_status_some: %d, first %d", outcount, idx[0]);
  CHECK(rq[0] != MPI_REQUEST_NULL && rq[1] != MPI_REQUEST_NULL, "requests kept");
  MPI_Send(&one, 1, MPI_INT, g_rank, 7, MPI_COMM_WORLD);
  flag = 0;
  for (int tries = 0; tries < 1000000 && flag == 0; ++tries) {
    MPI_Request_get_status_all(2, rq, &flag, sts);
  }
  CHECK(flag == 1 && sts[0].MPI_TAG == 7 && sts[1].MPI_TAG == 8, "get_status_all: tags %d %d",
        sts[0].MPI_TAG, sts[1].MPI_TAG);
  MPI_Waitall(2, rq, MPI_STATUSES_IGNORE);
  CHECK(a == 1 && b == 2, "data %d %d", a, b);
  MPI_Request_get_status_some(2, rq, &outcount, idx, MPI_STATUSES_IGNORE);
  CHECK(outcount == MPI_UNDEFINED, "no active request: outcount %d", outcount);

  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int cls = -1;
  MPI_Error_class(MPI_Status_get_tag(NULL, &v), &cls);
  CHECK(cls == MPI_ERR_ARG, "null status gives class %d", cls);
  MPI_Error_class(MPI_Status_set_source(MPI_STATUS_IGNORE, 1), &cls);
  CHECK(cls == MPI_ERR_ARG, "MPI_STATUS_IGNORE gives class %d", cls);
  MPI_Error_class(MPI_Status_get_error(&st, NULL), &cls);
  CHECK(cls == MPI_ERR_ARG, "null output gives class %d", cls);
  int total = 0;
  MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  if (g_rank == 0) printf("status_test: OK (%d checks)\n", total);
  MPI_Finalize();
  return 0;
}
