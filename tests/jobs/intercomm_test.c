/* Intercommunicators: the world split in a low and a high group (3 ranks: 1 + 2), joined by
 * Intercomm_create over MPI_COMM_WORLD; sizes, groups, point-to-point in both directions
 * (statuses name remote ranks), dup, idup, split, create, merge (both high orders), free.
 * Prints "intercomm_test: OK (<n> checks)" on rank 0. */
#define kTestName "intercomm_test"
#include "comm_check.h"

static int g_low;              /* in the low group */
static int g_nlow, g_nhigh;    /* group sizes */

/* World rank of rank r of the low or high group. */
static int world_of(int low, int r) { return low ? r : g_nlow + r; }

/* Every local rank sends to every remote rank and receives from each; checks sources. */
static void all_to_remote(MPI_Comm inter, int tag) {
  int me, lsize, rsize;
  CALL(MPI_Comm_rank(inter, &me));
  CALL(MPI_Comm_size(inter, &lsize));
  CALL(MPI_Comm_remote_size(inter, &rsize));
  MPI_Request reqs[128];
  int out[64], in[64];
  for (int j = 0; j < rsize; ++j) {
    out[j] = 1000 * g_rank + j;
    CALL(MPI_Irecv(&in[j], 1, MPI_INT, j, tag, inter, &reqs[j]));
  }
  for (int j = 0; j < rsize; ++j) CALL(MPI_Isend(&out[j], 1, MPI_INT, j, tag, inter, &reqs[rsize + j]));
  MPI_Status st[128];
  CALL(MPI_Waitall(2 * rsize, reqs, st));
  /* Our world rank seen from the remote side: what remote j sent us carries our rank. */
  int remote_low = !g_low;
  for (int j = 0; j < rsize; ++j) {
    CHECK(in[j] == 1000 * world_of(remote_low, j) + me, "from remote %d got %d", j, in[j]);
    CHECK(st[j].MPI_SOURCE == j && st[j].MPI_TAG == tag, "status %d/%d", st[j].MPI_SOURCE,
          st[j].MPI_TAG);
  }
  /* ANY_SOURCE: one message from remote rank 0 to every local rank. */
  if (rsize > 0) {
    int v = -1;
    MPI_Status s;
    MPI_Request r;
    CALL(MPI_Irecv(&v, 1, MPI_INT, MPI_ANY_SOURCE, tag + 1, inter, &r));
    if (me == 0) {
      for (int j = 0; j < rsize; ++j) CALL(MPI_Send(&j, 1, MPI_INT, j, tag + 1, inter));
    }
    CALL(MPI_Wait(&r, &s));
    CHECK(v == me && s.MPI_SOURCE == 0, "any source: %d from %d", v, s.MPI_SOURCE);
  }
  /* PROC_NULL and a bad remote rank. */
  CALL(MPI_Send(out, 1, MPI_INT, MPI_PROC_NULL, tag, inter));
  EXPECT_CLASS(MPI_Send(out, 1, MPI_INT, rsize, tag, inter), MPI_ERR_RANK);
  (void)lsize;
}

static void check_shape(MPI_Comm inter, int local_size, int remote_size) {
  int flag, n, me, cmp;
  CALL(MPI_Comm_test_inter(inter, &flag));
  CHECK(flag == 1, "test_inter %d", flag);
  CALL(MPI_Comm_size(inter, &n));
  CHECK(n == local_size, "local size %d want %d", n, local_size);
  CALL(MPI_Comm_remote_size(inter, &n));
  CHECK(n == remote_size, "remote size %d want %d", n, remote_size);
  CALL(MPI_Comm_rank(inter, &me));
  CHECK(me >= 0 && me < local_size, "rank %d", me);
  MPI_Group lg, rg, world;
  CALL(MPI_Comm_group(inter, &lg));
  CALL(MPI_Comm_remote_group(inter, &rg));
  CALL(MPI_Comm_group(MPI_COMM_WORLD, &world));
  CALL(MPI_Group_size(rg, &n));
  CHECK(n == remote_size, "remote group %d", n);
  CALL(MPI_Group_rank(rg, &n));
  CHECK(n == MPI_UNDEFINED, "in the remote group: %d", n);
  CALL(MPI_Group_rank(lg, &n));
  CHECK(n == me, "local group rank %d", n);
  CALL(MPI_Group_compare(lg, rg, &cmp));
  CHECK(cmp == MPI_UNEQUAL, "groups compare %d", cmp);
  CALL(MPI_Group_free(&lg));
  CALL(MPI_Group_free(&rg));
  CALL(MPI_Group_free(&world));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
  if (g_size >= 2) {
    g_nlow = g_size / 2;
    g_nhigh = g_size - g_nlow;
    g_low = g_rank < g_nlow;
    MPI_Comm local, inter;
    CALL(MPI_Comm_split(MPI_COMM_WORLD, g_low, g_rank, &local));
    CALL(MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, g_low ? g_nlow : 0, 99, &inter));
    CALL(MPI_Comm_set_errhandler(inter, MPI_ERRORS_RETURN));
    const int lsize = g_low ? g_nlow : g_nhigh, rsize = g_low ? g_nhigh : g_nlow;
    check_shape(inter, lsize, rsize);
    all_to_remote(inter, 10);
    int cmp;
    CALL(MPI_Comm_compare(inter, local, &cmp));
    CHECK(cmp == MPI_UNEQUAL, "inter vs intra %d", cmp);

    /* dup (blocking and non-blocking): congruent, its own traffic. */
    MPI_Comm dup, idup;
    MPI_Request r;
    CALL(MPI_Comm_dup(inter, &dup));
    {
      /* idup while messages to the remote side are in flight on the parent: local rank i
       * and remote rank i swap one, for i below both sizes. */
      int me0, v = -1, out0 = 7000 + g_rank;
      MPI_Request tr[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
      CALL(MPI_Comm_rank(inter, &me0));
      const int pair = me0 < lsize && me0 < rsize;
      if (pair) CALL(MPI_Irecv(&v, 1, MPI_INT, me0, 77, inter, &tr[0]));
      CALL(MPI_Comm_idup(inter, &idup, &r));
      if (pair) CALL(MPI_Isend(&out0, 1, MPI_INT, me0, 77, inter, &tr[1]));
      int done = 0;
      while (!done) {
        if (MPI_Test(&r, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) break;
      }
      CHECK(done, "inter idup never completed");
      CALL(MPI_Waitall(2, tr, MPI_STATUSES_IGNORE));
      if (pair) CHECK(v == 7000 + world_of(!g_low, me0), "paired message %d", v);
    }
    CALL(MPI_Comm_compare(inter, dup, &cmp));
    CHECK(cmp == MPI_CONGRUENT, "dup compare %d", cmp);
    check_shape(dup, lsize, rsize);
    check_shape(idup, lsize, rsize);
    all_to_remote(dup, 20);
    all_to_remote(idup, 30);

    /* merge: the high group after the low one; equal flags: the lower leader first. */
    for (int variant = 0; variant < 3; ++variant) {
      int high = variant == 0 ? !g_low : variant == 1 ? g_low : 0;
      MPI_Comm merged;
      CALL(MPI_Intercomm_merge(variant == 1 ? dup : inter, high, &merged));
      int n, me;
      CALL(MPI_Comm_size(merged, &n));
      CALL(MPI_Comm_rank(merged, &me));
      CHECK(n == g_size, "merged size %d", n);
      int low_first = variant != 1;
      int want = low_first ? g_rank : (g_low ? g_nhigh + g_rank : g_rank - g_nlow);
      CHECK(me == want, "variant %d merged rank %d want %d", variant, me, want);
      int sum = 0;
      CALL(MPI_Allreduce(&g_rank, &sum, 1, MPI_INT, MPI_SUM, merged));
      CHECK(sum == g_size * (g_size - 1) / 2, "merged allreduce %d", sum);
      CALL(MPI_Comm_free(&merged));
    }

    /* split: color by local rank parity; an even local rank pairs with even remote ranks. */
    int me;
    CALL(MPI_Comm_rank(inter, &me));
    MPI_Comm split;
    CALL(MPI_Comm_split(inter, me % 2, -me, &split));
    int lwant = (lsize + 1 - me % 2) / 2, rwant = (rsize + 1 - me % 2) / 2;
    if (rwant == 0) {
      CHECK(split == MPI_COMM_NULL, "split with no remote side gave a communicator");
    } else {
      check_shape(split, lwant, rwant);
      int sme;
      CALL(MPI_Comm_rank(split, &sme));
      CHECK(sme == lwant - 1 - me / 2, "split rank %d (key reverses)", sme);
      CALL(MPI_Comm_free(&split));
    }
    /* create: only each group's leader. */
    MPI_Group lg, first;
    CALL(MPI_Comm_group(inter, &lg));
    int zero = 0;
    CALL(MPI_Group_incl(lg, 1, &zero, &first));
    MPI_Comm leaders;
    CALL(MPI_Comm_create(inter, first, &leaders));
    if (me == 0) {
      check_shape(leaders, 1, 1);
      int out = g_rank, in = -1;
      CALL(MPI_Sendrecv(&out, 1, MPI_INT, 0, 5, &in, 1, MPI_INT, 0, 5, leaders, MPI_STATUS_IGNORE));
      CHECK(in == (g_low ? g_nlow : 0), "leaders got %d", in);
      CALL(MPI_Comm_free(&leaders));
    } else {
      CHECK(leaders == MPI_COMM_NULL, "non-leader got a communicator");
    }
    CALL(MPI_Group_free(&first));
    CALL(MPI_Group_free(&lg));
    EXPECT_CLASS(MPI_Comm_create_group(inter, MPI_GROUP_EMPTY, 0, &split), MPI_ERR_COMM);
    CALL(MPI_Barrier(inter)); /* intercomm collectives: tests/jobs/coll_inter_test.c */
    {
      int a = 1, b = 0;
      EXPECT_CLASS(MPI_Scan(&a, &b, 1, MPI_INT, MPI_SUM, inter), MPI_ERR_COMM);
    }
    EXPECT_CLASS(MPI_Comm_split_type(inter, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &split),
                 MPI_ERR_COMM);
    EXPECT_CLASS(MPI_Intercomm_create(inter, 0, MPI_COMM_WORLD, 0, 1, &split), MPI_ERR_COMM);
    CALL(MPI_Comm_free(&idup));
    CALL(MPI_Comm_free(&dup));
    CALL(MPI_Comm_free(&inter));
    CALL(MPI_Comm_free(&local));
  }
  /* Errors that need no partner. */
  MPI_Comm out;
  int n;
  EXPECT_CLASS(MPI_Comm_remote_size(MPI_COMM_SELF, &n), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Intercomm_merge(MPI_COMM_SELF, 0, &out), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Intercomm_create(MPI_COMM_SELF, 0, MPI_COMM_WORLD, g_rank, 1, &out),
               MPI_ERR_RANK); /* the remote leader may not be the local leader itself */
  EXPECT_CLASS(MPI_Intercomm_create(MPI_COMM_SELF, 0, MPI_COMM_NULL, 0, 1, &out), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Intercomm_create(MPI_COMM_SELF, 0, MPI_COMM_WORLD, 0, -3, &out),
               g_rank == 0 ? MPI_ERR_RANK : MPI_ERR_TAG);
  int total = 0;
  MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  if (g_rank == 0) printf("intercomm_test: OK (%d checks)\n", total);
  MPI_Finalize();
  return 0;
}
