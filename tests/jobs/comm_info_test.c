/* Communicator and session hints through MPI_Info: Comm_set_info/get_info, inheritance by dup,
 * dup_with_info and idup_with_info, split_type MPI_COMM_TYPE_HW_GUIDED with
 * "mpi_hw_resource_type", Session_get_pset_info's "mpi_size".
 * Prints "comm_info_test: OK (<n> checks)" on rank 0. */
#define kTestName "comm_info_test"
#include <stdlib.h>
#include <string.h>

#include "comm_check.h"

static int get(MPI_Info info, const char *key, char *value, int size) {
  int flag = 0;
  CALL(MPI_Info_get(info, key, size - 1, value, &flag));
  return flag;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  char value[64];
  MPI_Info info, used;
  int nkeys;

  /* set_info adds hints; dup inherits them; dup_with_info takes the given ones only. */
  MPI_Comm d, d2, d3, d4;
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &d));
  CALL(MPI_Info_create(&info));
  CALL(MPI_Info_set(info, "mpi_assert_no_any_source", "true"));
  CALL(MPI_Comm_set_info(d, info));
  CALL(MPI_Comm_get_info(d, &used));
  CHECK(get(used, "mpi_assert_no_any_source", value, sizeof(value)) && !strcmp(value, "true"),
        "set_info lost");
  CALL(MPI_Info_free(&used));
  CALL(MPI_Comm_dup(d, &d2));
  CALL(MPI_Comm_get_info(d2, &used));
  CHECK(get(used, "mpi_assert_no_any_source", value, sizeof(value)), "dup lost the hint");
  CALL(MPI_Info_free(&used));
  CALL(MPI_Comm_dup_with_info(d, MPI_INFO_NULL, &d3));
  CALL(MPI_Comm_get_info(d3, &used));
  CALL(MPI_Info_get_nkeys(used, &nkeys));
  /* (An implementation may list its own default for the key, never the parent's "true".) */
  CHECK(!get(used, "mpi_assert_no_any_source", value, sizeof(value)) || strcmp(value, "true"),
        "dup_with_info(MPI_INFO_NULL) kept the parent's hint (%d hints)", nkeys);
  CALL(MPI_Info_free(&used));
  CALL(MPI_Info_set(info, "mpi_assert_no_any_tag", "true"));
  MPI_Request r;
  CALL(MPI_Comm_idup_with_info(MPI_COMM_WORLD, info, &d4, &r));
  CALL(MPI_Info_free(&info)); /* the call copied it */
  CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));
  CALL(MPI_Comm_get_info(d4, &used));
  CHECK(get(used, "mpi_assert_no_any_tag", value, sizeof(value)), "idup_with_info lost");
  CALL(MPI_Info_free(&used));
  MPI_Comm all[] = {d, d2, d3, d4};
  for (int i = 0; i < 4; ++i) CALL(MPI_Comm_free(&all[i]));

  /* Hardware-guided split. */
  MPI_Comm g;
  CALL(MPI_Info_create(&info));
  CALL(MPI_Info_set(info, "mpi_hw_resource_type", "mpi_shared_memory"));
  CALL(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_HW_GUIDED, 0, info, &g));
  CHECK(g != MPI_COMM_NULL, "hw_guided mpi_shared_memory gave null");
  int n;
  CALL(MPI_Comm_size(g, &n));
  CHECK(n == g_size, "one host: size %d", n);
  CALL(MPI_Comm_get_info(g, &used));
  CHECK(get(used, "mpi_hw_resource_type", value, sizeof(value)) &&
            !strcmp(value, "mpi_shared_memory"),
        "resource type '%s'", value);
  CALL(MPI_Info_free(&used));
  CALL(MPI_Comm_free(&g));
  CALL(MPI_Info_set(info, "mpi_hw_resource_type", "zmpi_no_such_resource"));
  CALL(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_HW_GUIDED, 0, info, &g));
  CHECK(g == MPI_COMM_NULL, "unknown resource type gave a communicator");
  CALL(MPI_Info_free(&info));

  /* Session pset info. */
  MPI_Session s;
  CALL(MPI_Session_init(MPI_INFO_NULL, MPI_ERRORS_RETURN, &s));
  CALL(MPI_Session_get_pset_info(s, "mpi://WORLD", &info));
  CHECK(get(info, "mpi_size", value, sizeof(value)) && atoi(value) == g_size, "mpi_size %s",
        value);
  CALL(MPI_Info_free(&info));
  CALL(MPI_Session_get_pset_info(s, "mpi://SELF", &info));
  CHECK(get(info, "mpi_size", value, sizeof(value)) && atoi(value) == 1, "self mpi_size %s",
        value);
  CALL(MPI_Info_free(&info));
  CALL(MPI_Session_get_info(s, &info));
  CALL(MPI_Info_free(&info));
  CALL(MPI_Session_finalize(&s));

  int total = 0;
  MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  if (g_rank == 0) printf("comm_info_test: OK (%d checks)\n", total);
  MPI_Finalize();
  return 0;
}
