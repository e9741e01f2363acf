/* Groups across real ranks: Comm_group, translate_ranks (MPI_PROC_NULL, MPI_UNDEFINED), the
 * set operations, incl/excl/ranges, compare, free, and every bad argument's error class.
 * Prints "group_test: OK (<n> checks)" on rank 0. */
#define kTestName "group_test"
#include "comm_check.h"

static void test_world_group(void) {
  MPI_Group world, self, rev, evens, u, in, diff;
  int n, r, cmp;
  CALL(MPI_Comm_group(MPI_COMM_WORLD, &world));
  CALL(MPI_Group_size(world, &n));
  CALL(MPI_Group_rank(world, &r));
  CHECK(n == g_size && r == g_rank, "size %d rank %d", n, r);
  CALL(MPI_Comm_group(MPI_COMM_SELF, &self));
  CALL(MPI_Group_size(self, &n));
  CHECK(n == 1, "self size %d", n);

  int ranks[64], out[64];
  for (int i = 0; i < g_size; ++i) ranks[i] = g_size - 1 - i;
  CALL(MPI_Group_incl(world, g_size, ranks, &rev));
  CALL(MPI_Group_rank(rev, &r));
  CHECK(r == g_size - 1 - g_rank, "reversed rank %d", r);
  CALL(MPI_Group_compare(world, rev, &cmp));
  CHECK(cmp == (g_size == 1 ? MPI_IDENT : MPI_SIMILAR), "compare %d", cmp);
  CALL(MPI_Group_compare(world, world, &cmp));
  CHECK(cmp == MPI_IDENT, "compare %d", cmp);

  /* translate: world -> reversed, with PROC_NULL passed through. */
  for (int i = 0; i < g_size; ++i) ranks[i] = i;
  ranks[g_size] = MPI_PROC_NULL;
  CALL(MPI_Group_translate_ranks(world, g_size + 1, ranks, rev, out));
  for (int i = 0; i < g_size; ++i) CHECK(out[i] == g_size - 1 - i, "translate %d -> %d", i, out[i]);
  CHECK(out[g_size] == MPI_PROC_NULL, "PROC_NULL -> %d", out[g_size]);

  /* evens via range_incl; odd ranks translate to MPI_UNDEFINED. */
  int range[1][3] = {{0, g_size - 1, 2}};
  CALL(MPI_Group_range_incl(world, 1, range, &evens));
  CALL(MPI_Group_size(evens, &n));
  CHECK(n == (g_size + 1) / 2, "evens %d", n);
  CALL(MPI_Group_rank(evens, &r));
  CHECK(r == (g_rank % 2 == 0 ? g_rank / 2 : MPI_UNDEFINED), "evens rank %d", r);
  CALL(MPI_Group_translate_ranks(world, g_size, ranks, evens, out));
  for (int i = 0; i < g_size; ++i) {
    CHECK(out[i] == (i % 2 == 0 ? i / 2 : MPI_UNDEFINED), "translate %d -> %d", i, out[i]);
  }
  CALL(MPI_Group_union(evens, rev, &u));
  CALL(MPI_Group_size(u, &n));
  CHECK(n == g_size, "union %d", n);
  CALL(MPI_Group_intersection(rev, evens, &in));
  CALL(MPI_Group_size(in, &n));
  CHECK(n == (g_size + 1) / 2, "intersection %d", n);
  CALL(MPI_Group_difference(world, evens, &diff));
  CALL(MPI_Group_size(diff, &n));
  CHECK(n == g_size / 2, "difference %d", n);
  if (g_size >= 2) {
    CALL(MPI_Group_rank(diff, &r));
    CHECK(r == (g_rank % 2 ? g_rank / 2 : MPI_UNDEFINED), "difference rank %d", r);
  }
  /* intersection keeps the first group's order: rev's. */
  int first = -1, zero = 0;
  CALL(MPI_Group_translate_ranks(in, 1, &zero, world, &first));
  CHECK(first == ((g_size - 1) % 2 == 0 ? g_size - 1 : g_size - 2), "first of in %d", first);

  /* Empty results and MPI_GROUP_EMPTY. */
  MPI_Group none, none2;
  CALL(MPI_Group_difference(world, world, &none));
  CALL(MPI_Group_size(none, &n));
  CHECK(n == 0, "empty %d", n);
  CHECK(none == MPI_GROUP_EMPTY, "an empty result is MPI_GROUP_EMPTY, not %#x", (unsigned)none);
  MPI_Group none3;
  for (int i = 0; i < g_size; ++i) ranks[i] = i;
  CALL(MPI_Group_excl(world, g_size, ranks, &none3));
  CHECK(none3 == MPI_GROUP_EMPTY, "excluding every rank gives %#x", (unsigned)none3);
  CALL(MPI_Group_free(&none3));
  CHECK(none3 == MPI_GROUP_NULL, "freeing MPI_GROUP_EMPTY left %#x", (unsigned)none3);
  CALL(MPI_Group_compare(none, MPI_GROUP_EMPTY, &cmp));
  CHECK(cmp == MPI_IDENT, "empty compare %d", cmp);
  CALL(MPI_Group_rank(MPI_GROUP_EMPTY, &r));
  CHECK(r == MPI_UNDEFINED, "empty rank %d", r);
  CALL(MPI_Group_excl(world, 0, NULL, &none2));
  CALL(MPI_Group_compare(none2, world, &cmp));
  CHECK(cmp == MPI_IDENT, "excl nothing %d", cmp);
  CALL(MPI_Group_range_excl(world, 1, range, &diff));  /* replaces diff (freed below) */

  MPI_Group all[] = {world, self, rev, evens, u, in, none, none2, diff};
  for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); ++i) {
    CALL(MPI_Group_free(&all[i]));
    CHECK(all[i] == MPI_GROUP_NULL, "freed handle %d", all[i]);
  }
}

static void test_errors(void) {
  MPI_Group world, g;
  int r, out;
  CALL(MPI_Comm_group(MPI_COMM_WORLD, &world));
  int bad = g_size, dup2[2] = {0, 0};
  EXPECT_CLASS(MPI_Group_incl(world, 1, &bad, &g), MPI_ERR_RANK);
  EXPECT_CLASS(MPI_Group_incl(world, 2, dup2, &g), MPI_ERR_RANK);
  EXPECT_CLASS(MPI_Group_excl(world, 1, &bad, &g), MPI_ERR_RANK);
  EXPECT_CLASS(MPI_Group_excl(world, 2, dup2, &g), MPI_ERR_RANK);
  EXPECT_CLASS(MPI_Group_incl(world, -1, dup2, &g), MPI_ERR_ARG);
  int zero_stride[1][3] = {{0, 0, 0}}, backwards[1][3] = {{g_size - 1, 0, 1}},
      outside[1][3] = {{0, g_size, 1}};
  EXPECT_CLASS(MPI_Group_range_incl(world, 1, zero_stride, &g), MPI_ERR_ARG);
  if (g_size > 1) EXPECT_CLASS(MPI_Group_range_incl(world, 1, backwards, &g), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Group_range_excl(world, 1, outside, &g), MPI_ERR_RANK);
  EXPECT_CLASS(MPI_Group_translate_ranks(world, 1, &bad, world, &out), MPI_ERR_RANK);
  EXPECT_CLASS(MPI_Group_translate_ranks(world, -1, &bad, world, &out), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Group_translate_ranks(world, 1, &bad, MPI_GROUP_NULL, &out), MPI_ERR_GROUP);
  EXPECT_CLASS(MPI_Group_size(world, NULL), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Group_range_incl(world, -1, zero_stride, &g), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Group_size(MPI_GROUP_NULL, &r), MPI_ERR_GROUP);
  EXPECT_CLASS(MPI_Group_rank((MPI_Group)0x12345, &r), MPI_ERR_GROUP);
  EXPECT_CLASS(MPI_Group_union(world, MPI_GROUP_NULL, &g), MPI_ERR_GROUP);
  EXPECT_CLASS(MPI_Group_compare(MPI_GROUP_NULL, world, &r), MPI_ERR_GROUP);
  MPI_Group copy = world;
  CALL(MPI_Group_free(&world));
  EXPECT_CLASS(MPI_Group_free(&copy), MPI_ERR_GROUP); /* freed already */
  EXPECT_CLASS(MPI_Comm_group(MPI_COMM_NULL, &g), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_remote_group(MPI_COMM_WORLD, &g), MPI_ERR_COMM);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
  test_world_group();
  test_errors();
  int total = 0;
  MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  if (g_rank == 0) printf("group_test: OK (%d checks)\n", total);
  MPI_Finalize();
  return 0;
}
