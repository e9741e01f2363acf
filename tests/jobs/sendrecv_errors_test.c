/* MPI_Sendrecv and MPI_Sendrecv_replace with wrong arguments under MPI_ERRORS_RETURN: each call
 * returns the right error class at once (nothing is posted that could wait forever), the
 * communicator stays usable, and a correct exchange right after still works. Every rank runs
 * the same calls; the good exchanges use the ring neighbours. Uses only <mpi.h>. */
#include <mpi.h>
#include <stdio.h>

static const char *const kTestName = "sendrecv_errors";
#include "job_check.h"

static void expect_class(int rc, int want, const char *what) {
  int cls = MPI_SUCCESS;
  if (rc != MPI_SUCCESS) MPI_Error_class(rc, &cls);
  if (cls != want) fail("%s: error class %d, expected %d", what, cls, want);
  ++g_checks;
}

/* A correct exchange with the ring neighbours: the bad calls left nothing behind. */
static void good_exchange(int round) {
  int right = (g_me + 1) % g_p, left = (g_me + g_p - 1) % g_p;
  int out[3] = {g_me, round, 7}, in[3] = {-1, -1, -1};
  MPI_Status st;
  CALL(MPI_Sendrecv(out, 3, MPI_INT, right, 40 + round, in, 3, MPI_INT, left, 40 + round,
                    MPI_COMM_WORLD, &st));
  if (in[0] != left || in[1] != round || in[2] != 7 || st.MPI_SOURCE != left)
    fail("round %d: got {%d,%d,%d} from %d, expected {%d,%d,7} from %d", round, in[0], in[1], in[2],
         st.MPI_SOURCE, left, round, left);
  int buf[4] = {g_me, round, g_me, round};
  CALL(MPI_Sendrecv_replace(buf, 4, MPI_INT, right, 60 + round, left, 60 + round, MPI_COMM_WORLD,
                            &st));
  if (buf[0] != left || buf[1] != round || buf[2] != left || buf[3] != round)
    fail("round %d: replace got {%d,%d,%d,%d} from %d", round, buf[0], buf[1], buf[2], buf[3],
         st.MPI_SOURCE);
  g_checks += 2;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  g_comm = MPI_COMM_WORLD;
  g_label = "MPI_COMM_WORLD";
  MPI_Comm_rank(g_comm, &g_me);
  MPI_Comm_size(g_comm, &g_p);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  const int right = (g_me + 1) % g_p, left = (g_me + g_p - 1) % g_p;
  int out[10] = {0}, in[10] = {0};
  MPI_Status st;

  good_exchange(0);
  /* Bad send halves: the receive half must not be left posted (it would wait forever). */
  expect_class(MPI_Sendrecv(out, 1, MPI_INT, g_p, 1, in, 1, MPI_INT, left, 1, MPI_COMM_WORLD, &st),
               MPI_ERR_RANK, "Sendrecv to rank == size");
  expect_class(MPI_Sendrecv(out, 1, MPI_INT, -5, 1, in, 1, MPI_INT, left, 1, MPI_COMM_WORLD, &st),
               MPI_ERR_RANK, "Sendrecv to rank -5");
  expect_class(MPI_Sendrecv(out, 1, MPI_DATATYPE_NULL, right, 1, in, 1, MPI_INT, left, 1,
                            MPI_COMM_WORLD, &st),
               MPI_ERR_TYPE, "Sendrecv with send type MPI_DATATYPE_NULL");
  expect_class(MPI_Sendrecv(out, 1, (MPI_Datatype)0x12345, right, 1, in, 1, MPI_INT, left, 1,
                            MPI_COMM_WORLD, &st),
               MPI_ERR_TYPE, "Sendrecv with a garbage send type");
  expect_class(
      MPI_Sendrecv(out, -1, MPI_INT, right, 1, in, 1, MPI_INT, left, 1, MPI_COMM_WORLD, &st),
      MPI_ERR_COUNT, "Sendrecv with send count -1");
  expect_class(
      MPI_Sendrecv(out, 1, MPI_INT, right, -3, in, 1, MPI_INT, left, 1, MPI_COMM_WORLD, &st),
      MPI_ERR_TAG, "Sendrecv with send tag -3");
  expect_class(
      MPI_Sendrecv(NULL, 2, MPI_INT, right, 1, in, 1, MPI_INT, left, 1, MPI_COMM_WORLD, &st),
      MPI_ERR_BUFFER, "Sendrecv with a NULL send buffer");
  /* Bad receive halves: nothing is sent either (the peer would get a stray message). */
  expect_class(
      MPI_Sendrecv(out, 1, MPI_INT, right, 1, in, 1, MPI_INT, g_p + 3, 1, MPI_COMM_WORLD, &st),
      MPI_ERR_RANK, "Sendrecv from rank size+3");
  expect_class(MPI_Sendrecv(out, 1, MPI_INT, right, 1, in, 1, MPI_DATATYPE_NULL, left, 1,
                            MPI_COMM_WORLD, &st),
               MPI_ERR_TYPE, "Sendrecv with receive type MPI_DATATYPE_NULL");
  expect_class(
      MPI_Sendrecv(out, 1, MPI_INT, right, 1, NULL, 3, MPI_INT, left, 1, MPI_COMM_WORLD, &st),
      MPI_ERR_BUFFER, "Sendrecv with a NULL receive buffer");
  /* Sendrecv_replace: one buffer, one type. */
  expect_class(MPI_Sendrecv_replace(NULL, 10, MPI_INT, right, 2, left, 2, MPI_COMM_WORLD, &st),
               MPI_ERR_BUFFER, "Sendrecv_replace(NULL, 10, MPI_INT)");
  expect_class(MPI_Sendrecv_replace(in, 10, MPI_INT, g_p, 2, left, 2, MPI_COMM_WORLD, &st),
               MPI_ERR_RANK, "Sendrecv_replace to rank == size");
  expect_class(
      MPI_Sendrecv_replace(in, 10, MPI_DATATYPE_NULL, right, 2, left, 2, MPI_COMM_WORLD, &st),
      MPI_ERR_TYPE, "Sendrecv_replace with MPI_DATATYPE_NULL");
  expect_class(MPI_Sendrecv_replace(in, -2, MPI_INT, right, 2, left, 2, MPI_COMM_WORLD, &st),
               MPI_ERR_COUNT, "Sendrecv_replace with count -2");
  expect_class(MPI_Sendrecv_replace(in, 10, MPI_INT, right, 2, -7, 2, MPI_COMM_WORLD, &st),
               MPI_ERR_RANK, "Sendrecv_replace from rank -7");
  expect_class(MPI_Sendrecv_replace_c(NULL, 10, MPI_INT, right, 2, left, 2, MPI_COMM_WORLD, &st),
               MPI_ERR_BUFFER, "Sendrecv_replace_c(NULL, 10, MPI_INT)");
  expect_class(
      MPI_Sendrecv_c(out, 1, MPI_INT, g_p, 1, in, 1, MPI_INT, left, 1, MPI_COMM_WORLD, &st),
      MPI_ERR_RANK, "Sendrecv_c to rank == size");
  /* NULL with count 0 is fine, and MPI_PROC_NULL on both sides completes at once. */
  CALL(MPI_Sendrecv_replace(NULL, 0, MPI_INT, MPI_PROC_NULL, 2, MPI_PROC_NULL, 2, MPI_COMM_WORLD,
                            &st));
  if (st.MPI_SOURCE != MPI_PROC_NULL) fail("PROC_NULL replace: source %d", st.MPI_SOURCE);
  ++g_checks;
  good_exchange(1);
  return finish_ok();
}
