/* MPI_Info: every call, before MPI_Init, between Init and Finalize and after Finalize, with
 * MPI_INFO_ENV and every bad argument's error class under MPI_ERRORS_RETURN. Uses only
 * <mpi.h>. Prints "info_test: OK (<n> checks)" on rank 0. */
#include <string.h>

static const char kTestName[] = "info_test";
#include "object_check.h"

static void check_basic(void) {
  MPI_Info info, dup;
  char value[MPI_MAX_INFO_VAL + 1], key[MPI_MAX_INFO_KEY + 1];
  int flag = -1, len = -1, nkeys = -1;
  CALL(MPI_Info_create(&info));
  CALL(MPI_Info_get_nkeys(info, &nkeys));
  CHECK(nkeys == 0, "new info has %d keys", nkeys);
  CALL(MPI_Info_set(info, "alpha", "1"));
  CALL(MPI_Info_set(info, "beta", "two"));
  CALL(MPI_Info_set(info, "gamma", ""));
  CALL(MPI_Info_set(info, "alpha", "one")); /* replaces, keeps its place */
  CALL(MPI_Info_get_nkeys(info, &nkeys));
  CHECK(nkeys == 3, "nkeys %d", nkeys);
  CALL(MPI_Info_get_nthkey(info, 0, key));
  CHECK(strcmp(key, "alpha") == 0, "key 0 is %s", key);
  CALL(MPI_Info_get_nthkey(info, 2, key));
  CHECK(strcmp(key, "gamma") == 0, "key 2 is %s", key);
  CALL(MPI_Info_get(info, "alpha", MPI_MAX_INFO_VAL, value, &flag));
  CHECK(flag && strcmp(value, "one") == 0, "alpha = %s (flag %d)", value, flag);
  /* truncated to 1 character, as MPI-4.1 says (MPICH 4.0.2 raises MPI_ERR_INFO_VALUE) */
  CALL(MPI_Info_get(info, "beta", 1, value, &flag));
  CHECK(flag && strcmp(value, "t") == 0, "truncated beta = %s", value);
  CALL(MPI_Info_get(info, "nope", MPI_MAX_INFO_VAL, value, &flag));
  CHECK(!flag, "missing key found");
  CALL(MPI_Info_get_valuelen(info, "beta", &len, &flag));
  CHECK(flag && len == 3, "valuelen %d flag %d", len, flag);
  CALL(MPI_Info_get_valuelen(info, "gamma", &len, &flag));
  CHECK(flag && len == 0, "empty valuelen %d flag %d", len, flag);
  /* MPI-4 get_string: buflen in = room, out = length + 1 */
  len = 0;
  CALL(MPI_Info_get_string(info, "beta", &len, NULL, &flag));
  CHECK(flag && len == 4, "get_string size query %d", len);
  len = 3;
  CALL(MPI_Info_get_string(info, "beta", &len, value, &flag));
  CHECK(flag && len == 4 && strcmp(value, "tw") == 0, "get_string short: %s %d", value, len);
  len = 100;
  CALL(MPI_Info_get_string(info, "beta", &len, value, &flag));
  CHECK(flag && len == 4 && strcmp(value, "two") == 0, "get_string: %s %d", value, len);
  len = 7;
  CALL(MPI_Info_get_string(info, "nope", &len, value, &flag));
  CHECK(!flag && len == 7, "get_string missing: flag %d len %d", flag, len);
  CALL(MPI_Info_dup(info, &dup));
  CALL(MPI_Info_delete(info, "alpha"));
  CALL(MPI_Info_get_nkeys(info, &nkeys));
  CHECK(nkeys == 2, "after delete nkeys %d", nkeys);
  CALL(MPI_Info_get_nkeys(dup, &nkeys));
  CHECK(nkeys == 3, "dup nkeys %d", nkeys);
  CALL(MPI_Info_get(dup, "alpha", MPI_MAX_INFO_VAL, value, &flag));
  CHECK(flag && strcmp(value, "one") == 0, "dup alpha = %s", value);
  CALL(MPI_Info_free(&dup));
  CHECK(dup == MPI_INFO_NULL, "freed info not MPI_INFO_NULL");
  CALL(MPI_Info_free(&info));
  CHECK(info == MPI_INFO_NULL, "freed info not MPI_INFO_NULL");
}

static void check_env(void) {
  char value[MPI_MAX_INFO_VAL + 1];
  int flag = 0, nkeys = 0;
  MPI_Info env;
  CALL(MPI_Info_get(MPI_INFO_ENV, "command", MPI_MAX_INFO_VAL, value, &flag));
  CHECK(flag && strstr(value, "info_test") != NULL, "MPI_INFO_ENV command = %s", value);
  CALL(MPI_Info_get_nkeys(MPI_INFO_ENV, &nkeys));
  CHECK(nkeys >= 1, "MPI_INFO_ENV has %d keys", nkeys);
  char *argv[] = {"prog", "a", "b", NULL};
  CALL(MPI_Info_create_env(3, argv, &env));
  CALL(MPI_Info_get(env, "argv", MPI_MAX_INFO_VAL, value, &flag));
  CHECK(flag && strcmp(value, "a b") == 0, "create_env argv = %s", value);
  CALL(MPI_Info_free(&env));
}

static void check_errors(void) {
  MPI_Info info, bad = MPI_INFO_NULL;
  char value[MPI_MAX_INFO_VAL + 2], key[MPI_MAX_INFO_KEY + 2];
  int flag, len;
  CALL(MPI_Info_create(&info));
  memset(key, 'k', MPI_MAX_INFO_KEY + 1);
  key[MPI_MAX_INFO_KEY + 1] = '\0';
  memset(value, 'v', MPI_MAX_INFO_VAL + 1);
  value[MPI_MAX_INFO_VAL + 1] = '\0';
  EXPECT_CLASS(MPI_Info_set(info, "", "x"), MPI_ERR_INFO_KEY);
  EXPECT_CLASS(MPI_Info_set(info, key, "x"), MPI_ERR_INFO_KEY);
  key[MPI_MAX_INFO_KEY] = '\0'; /* exactly the longest key: fine */
  CALL(MPI_Info_set(info, key, "x"));
  EXPECT_CLASS(MPI_Info_set(info, "k", value), MPI_ERR_INFO_VALUE);
  EXPECT_CLASS(MPI_Info_set(MPI_INFO_NULL, "k", "v"), MPI_ERR_INFO);
  EXPECT_CLASS(MPI_Info_delete(info, "absent"), MPI_ERR_INFO_NOKEY);
  EXPECT_CLASS(MPI_Info_delete(info, ""), MPI_ERR_INFO_KEY);
  EXPECT_CLASS(MPI_Info_get(info, "k", -1, value, &flag), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Info_get(info, "", 10, value, &flag), MPI_ERR_INFO_KEY);
  EXPECT_CLASS(MPI_Info_get_valuelen(MPI_INFO_NULL, "k", &len, &flag), MPI_ERR_INFO);
  EXPECT_CLASS(MPI_Info_get_nthkey(info, 1, key), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Info_get_nthkey(info, -1, key), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Info_get_nkeys(MPI_INFO_NULL, &len), MPI_ERR_INFO);
  EXPECT_CLASS(MPI_Info_dup(MPI_INFO_NULL, &bad), MPI_ERR_INFO);
  EXPECT_CLASS(MPI_Info_free(&bad), MPI_ERR_INFO);
  len = -1;
  EXPECT_CLASS(MPI_Info_get_string(info, "k", &len, value, &flag), MPI_ERR_ARG);
  MPI_Info freed = info;
  CALL(MPI_Info_free(&info));
  EXPECT_CLASS(MPI_Info_set(freed, "k", "v"), MPI_ERR_INFO); /* a stale handle */
}

int main(int argc, char **argv) {
  /* Before MPI_Init, MPI-4 allows every info call. */
  MPI_Info early;
  char value[16];
  int flag = 0;
  if (MPI_Info_create(&early) != MPI_SUCCESS) fail("Info_create before MPI_Init");
  if (MPI_Info_set(early, "when", "early") != MPI_SUCCESS) fail("Info_set before MPI_Init");
  object_test_start(&argc, &argv);
  CALL(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  CALL(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
  CALL(MPI_Info_get(early, "when", 15, value, &flag));
  CHECK(flag && strcmp(value, "early") == 0, "info made before MPI_Init lost its value");
  check_basic();
  check_env();
  check_errors();
  /* Rank 0 prints OK only after the calls after MPI_Finalize worked too. */
  int total = 0;
  CALL(MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD));
  CALL(MPI_Finalize());
  if (MPI_Info_set(early, "when", "late") != MPI_SUCCESS ||
      MPI_Info_get(early, "when", 15, value, &flag) != MPI_SUCCESS || strcmp(value, "late") != 0 ||
      MPI_Info_free(&early) != MPI_SUCCESS) {
    fprintf(stderr, "info_test: FAILED: info calls after MPI_Finalize\n");
    return 1;
  }
  if (g_world_rank == 0) printf("info_test: OK (%d checks)\n", total + 4);
  return 0;
}
