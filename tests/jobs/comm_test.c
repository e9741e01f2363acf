/* Communicators: create (members and non-members), create_group (only the group calls it),
 * split_type (shared, hw_guided, hw_unguided), idup overlapping other traffic, names, test_inter, compare, free with pending operations, disconnect, and the bad
 * arguments' error classes. Prints "comm_test: OK (<n> checks)" on rank 0. */
#define kTestName "comm_test"
#include <string.h>

#include "comm_check.h"

/* Every rank sends its rank to every other over `comm` and checks what it gets. */
static void exchange(MPI_Comm comm, int tag) {
  int me, n;
  CALL(MPI_Comm_rank(comm, &me));
  CALL(MPI_Comm_size(comm, &n));
  int sum = 0, got;
  for (int step = 1; step < n; ++step) {
    int to = (me + step) % n, from = (me - step + n) % n;
    CALL(MPI_Sendrecv(&me, 1, MPI_INT, to, tag, &got, 1, MPI_INT, from, tag, comm,
                      MPI_STATUS_IGNORE));
    CHECK(got == from, "got %d from %d", got, from);
    sum += got;
  }
  int all = 0;
  CALL(MPI_Allreduce(&me, &all, 1, MPI_INT, MPI_SUM, comm));
  CHECK(all == n * (n - 1) / 2, "allreduce %d over %d", all, n);
  CHECK(sum == all - me, "sum %d", sum);
}

static void test_create(void) {
  MPI_Group world, odd;
  MPI_Comm c;
  CALL(MPI_Comm_group(MPI_COMM_WORLD, &world));
  /* Reversed odd ranks: evens get MPI_COMM_NULL. */
  int ranks[64], n = 0;
  for (int r = g_size - 1; r >= 0; --r)
    if (r % 2) ranks[n++] = r;
  CALL(MPI_Group_incl(world, n, ranks, &odd));
  CALL(MPI_Comm_create(MPI_COMM_WORLD, odd, &c));
  if (g_rank % 2 == 0) {
    CHECK(c == MPI_COMM_NULL, "even rank got a communicator");
  } else {
    int me, size;
    CALL(MPI_Comm_rank(c, &me));
    CALL(MPI_Comm_size(c, &size));
    CHECK(size == n && ranks[me] == g_rank, "rank %d size %d", me, size);
    exchange(c, 5);
    CALL(MPI_Comm_free(&c));
    CHECK(c == MPI_COMM_NULL, "free leaves %d", c);
  }
  /* create_group: only the evens call it; odd ranks meanwhile talk among themselves. */
  MPI_Group evens;
  int range[1][3] = {{0, g_size - 1, 2}};
  CALL(MPI_Group_range_incl(world, 1, range, &evens));
  if (g_rank % 2 == 0) {
    CALL(MPI_Comm_create_group(MPI_COMM_WORLD, evens, 42, &c));
    int size;
    CALL(MPI_Comm_size(c, &size));
    CHECK(size == (g_size + 1) / 2, "create_group size %d", size);
    exchange(c, 6);
    CALL(MPI_Comm_free(&c));
  } else if (g_size > 3) {
    CALL(MPI_Sendrecv_replace(ranks, 1, MPI_INT, g_rank ^ 2, 9, g_rank ^ 2, 9, MPI_COMM_WORLD,
                              MPI_STATUS_IGNORE));
  }
  /* A group with a non-member of the parent's group: MPI_ERR_GROUP. A rank outside the
   * group calling create_group gets MPI_COMM_NULL. */
  MPI_Comm self_comm;
  if (g_size > 1) {
    EXPECT_CLASS(MPI_Comm_create(MPI_COMM_SELF, world, &self_comm), MPI_ERR_GROUP);
  }
  MPI_Group self_group;
  CALL(MPI_Comm_group(MPI_COMM_SELF, &self_group));
  CALL(MPI_Comm_create_group(MPI_COMM_WORLD, self_group, 7, &self_comm));
  exchange(self_comm, 1);
  CALL(MPI_Comm_free(&self_comm));
  CALL(MPI_Group_free(&self_group));
  CALL(MPI_Group_free(&evens));
  CALL(MPI_Group_free(&odd));
  CALL(MPI_Group_free(&world));
}

static void test_split_type(void) {
  MPI_Comm shared, guided, unguided;
  CALL(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, -g_rank, MPI_INFO_NULL, &shared));
  int size, me;
  CALL(MPI_Comm_size(shared, &size));
  CALL(MPI_Comm_rank(shared, &me));
  /* Every rank of these tests runs on one host; the key reverses the order. */
  CHECK(size == g_size && me == g_size - 1 - g_rank, "shared size %d rank %d", size, me);
  exchange(shared, 2);
  CALL(MPI_Comm_free(&shared));
  CALL(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_UNDEFINED, 0, MPI_INFO_NULL, &shared));
  CHECK(shared == MPI_COMM_NULL, "undefined gave %d", shared);

  /* One host: no strict subset exists. */
  CALL(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_HW_UNGUIDED, 0, MPI_INFO_NULL,
                           &unguided));
  CHECK(unguided == MPI_COMM_NULL, "hw_unguided on one host gave a communicator");
  /* No info: the resource type is unknown, so MPI_COMM_NULL. */
  CALL(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_HW_GUIDED, 0, MPI_INFO_NULL, &guided));
  CHECK(guided == MPI_COMM_NULL, "hw_guided without a type gave a communicator");
  EXPECT_CLASS(MPI_Comm_split_type(MPI_COMM_WORLD, 77, 0, MPI_INFO_NULL, &shared), MPI_ERR_ARG);
}

static void test_idup(void) {
  /* Idup while point-to-point traffic is in flight on the parent; complete both. */
  int to = (g_rank + 1) % g_size, from = (g_rank - 1 + g_size) % g_size;
  int out = g_rank, in = -1;
  MPI_Request reqs[4];
  MPI_Comm dup1, dup2;
  CALL(MPI_Irecv(&in, 1, MPI_INT, from, 11, MPI_COMM_WORLD, &reqs[0]));
  CALL(MPI_Comm_idup(MPI_COMM_WORLD, &dup1, &reqs[1]));
  CALL(MPI_Isend(&out, 1, MPI_INT, to, 11, MPI_COMM_WORLD, &reqs[2]));
  CALL(MPI_Comm_idup_with_info(MPI_COMM_WORLD, MPI_INFO_NULL, &dup2, &reqs[3]));
  /* The request completes through progress: poll with Test while doing other work. */
  int done = 0, polls = 0;
  while (!done) {
    if (MPI_Test(&reqs[1], &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) break;
    ++polls;
  }
  CHECK(done && reqs[1] == MPI_REQUEST_NULL, "idup test loop ended after %d polls", polls);
  CALL(MPI_Waitall(4, reqs, MPI_STATUSES_IGNORE));
  CHECK(in == from, "ring got %d", in);
  CHECK(dup1 != MPI_COMM_NULL && dup2 != MPI_COMM_NULL && dup1 != dup2, "handles %d %d", dup1,
        dup2);
  int cmp;
  CALL(MPI_Comm_compare(MPI_COMM_WORLD, dup1, &cmp));
  CHECK(cmp == MPI_CONGRUENT, "compare %d", cmp);
  exchange(dup1, 3);
  exchange(dup2, 3);
  /* Messages on dup1 never match receives on dup2 or the parent. */
  int a = 100 + g_rank, b = 200 + g_rank, ga = -1, gb = -1;
  MPI_Request r2[4];
  CALL(MPI_Irecv(&gb, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, dup2, &r2[0]));
  CALL(MPI_Irecv(&ga, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, dup1, &r2[1]));
  CALL(MPI_Isend(&a, 1, MPI_INT, to, 0, dup1, &r2[2]));
  CALL(MPI_Isend(&b, 1, MPI_INT, to, 0, dup2, &r2[3]));
  CALL(MPI_Waitall(4, r2, MPI_STATUSES_IGNORE));
  CHECK(ga == 100 + from && gb == 200 + from, "crossed: %d %d", ga, gb);
  /* Many idups back to back, completed in reverse order. */
  MPI_Comm many[8];
  MPI_Request mr[8];
  for (int i = 0; i < 8; ++i) CALL(MPI_Comm_idup(i % 2 ? dup1 : MPI_COMM_WORLD, &many[i], &mr[i]));
  for (int i = 7; i >= 0; --i) CALL(MPI_Wait(&mr[i], MPI_STATUS_IGNORE));
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < i; ++j) CHECK(many[i] != many[j], "same handle %d", many[i]);
    exchange(many[i], 4);
    CALL(MPI_Comm_free(&many[i]));
  }
  /* Idups on two communicators started in opposite orders on odd and even ranks (legal:
   * they are different communicators), then a blocking dup while both are in flight. */
  MPI_Comm x[2], bd;
  MPI_Request xr[2];
  for (int k = 0; k < 2; ++k) {
    int which = g_rank % 2 ? 1 - k : k;
    CALL(MPI_Comm_idup(which ? dup2 : dup1, &x[which], &xr[which]));
  }
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &bd));
  CALL(MPI_Waitall(2, xr, MPI_STATUSES_IGNORE));
  exchange(x[0], 12);
  exchange(x[1], 12);
  exchange(bd, 12);
  CALL(MPI_Comm_free(&x[0]));
  CALL(MPI_Comm_free(&x[1]));
  CALL(MPI_Comm_free(&bd));
  CALL(MPI_Comm_free(&dup1));
  CALL(MPI_Comm_free(&dup2));
}

static void test_attributes_of_comm(void) {
  char name[MPI_MAX_OBJECT_NAME];
  int len, flag;
  CALL(MPI_Comm_get_name(MPI_COMM_WORLD, name, &len));
  CHECK(strcmp(name, "MPI_COMM_WORLD") == 0 && len == 14, "world name %s", name);
  CALL(MPI_Comm_get_name(MPI_COMM_SELF, name, &len));
  CHECK(strcmp(name, "MPI_COMM_SELF") == 0, "self name %s", name);
  MPI_Comm d;
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &d));
  CALL(MPI_Comm_get_name(d, name, &len));
  CHECK(len == 0 && name[0] == '\0', "dup name '%s'", name);
  CALL(MPI_Comm_set_name(d, "my communicator"));
  CALL(MPI_Comm_get_name(d, name, &len));
  CHECK(strcmp(name, "my communicator") == 0 && len == 15, "name %s", name);
  CALL(MPI_Comm_test_inter(d, &flag));
  CHECK(flag == 0, "test_inter %d", flag);
  int cmp;
  CALL(MPI_Comm_compare(d, d, &cmp));
  CHECK(cmp == MPI_IDENT, "ident %d", cmp);
  MPI_Comm rev;
  CALL(MPI_Comm_split(MPI_COMM_WORLD, 0, -g_rank, &rev));
  CALL(MPI_Comm_compare(d, rev, &cmp));
  CHECK(cmp == (g_size == 1 ? MPI_CONGRUENT : MPI_SIMILAR), "similar %d", cmp);
  CALL(MPI_Comm_compare(MPI_COMM_SELF, rev, &cmp));
  CHECK(cmp == (g_size == 1 ? MPI_CONGRUENT : MPI_UNEQUAL), "unequal %d", cmp);

  MPI_Comm d2, d3;
  CALL(MPI_Comm_dup(d, &d2));
  CALL(MPI_Comm_dup(d, &d3));
  /* Free with an operation pending: it still completes. */
  int to = (g_rank + 1) % g_size, from = (g_rank - 1 + g_size) % g_size;
  int got = -1;
  MPI_Request r;
  CALL(MPI_Irecv(&got, 1, MPI_INT, from, 8, d2, &r));
  MPI_Comm keep = d2;
  CALL(MPI_Comm_free(&d2));
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  CALL(MPI_Send(&g_rank, 1, MPI_INT, to, 8, d3)); /* another communicator: must not match */
  MPI_Comm d4;
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &d4));     /* must not take d2's context while r is live */
  int flag2 = 0;
  CALL(MPI_Test(&r, &flag2, MPI_STATUS_IGNORE));
  CHECK(!flag2, "a receive on a freed communicator matched another one's message");
  (void)keep;
  int x;
  CALL(MPI_Recv(&x, 1, MPI_INT, from, 8, d3, MPI_STATUS_IGNORE));
  CHECK(x == from, "d3 got %d", x);
  CALL(MPI_Cancel(&r));
  CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));

  /* Disconnect waits for pending operations, then frees. */
  CALL(MPI_Irecv(&got, 1, MPI_INT, from, 9, d4, &r));
  CALL(MPI_Send(&g_rank, 1, MPI_INT, to, 9, d4));
  CALL(MPI_Comm_disconnect(&d4));
  CHECK(d4 == MPI_COMM_NULL, "disconnect left %d", d4);
  CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));
  CHECK(got == from, "disconnect: got %d", got);
  CALL(MPI_Comm_free(&d3));
  CALL(MPI_Comm_free(&rev));
  CALL(MPI_Comm_free(&d));
}

static void test_errors(void) {
  MPI_Comm c = MPI_COMM_WORLD, out;
  MPI_Group world;
  MPI_Request r;
  int x;
  CALL(MPI_Comm_group(MPI_COMM_WORLD, &world));
  EXPECT_CLASS(MPI_Comm_free(&c), MPI_ERR_COMM);
  c = MPI_COMM_SELF;
  EXPECT_CLASS(MPI_Comm_free(&c), MPI_ERR_COMM);
  c = MPI_COMM_NULL;
  EXPECT_CLASS(MPI_Comm_free(&c), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_dup(MPI_COMM_NULL, &out), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_idup(MPI_COMM_NULL, &out, &r), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_idup(MPI_COMM_WORLD, &out, NULL), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Comm_idup_with_info(MPI_COMM_WORLD, (MPI_Info)0x1234, &out, &r), MPI_ERR_INFO);
  EXPECT_CLASS(MPI_Comm_dup(MPI_COMM_WORLD, NULL), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Comm_get_name(MPI_COMM_WORLD, NULL, &x), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Comm_set_name(MPI_COMM_WORLD, NULL), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Comm_dup_with_info(MPI_COMM_WORLD, (MPI_Info)0x1234, &out), MPI_ERR_INFO);
  EXPECT_CLASS(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, (MPI_Info)0x1234,
                                   &out), MPI_ERR_INFO);
  EXPECT_CLASS(MPI_Comm_create(MPI_COMM_WORLD, MPI_GROUP_NULL, &out), MPI_ERR_GROUP);
  EXPECT_CLASS(MPI_Comm_create_group(MPI_COMM_WORLD, MPI_GROUP_NULL, 0, &out), MPI_ERR_GROUP);
  EXPECT_CLASS(MPI_Comm_create_group(MPI_COMM_WORLD, world, -1, &out), MPI_ERR_TAG);
  EXPECT_CLASS(MPI_Comm_split(MPI_COMM_WORLD, -5, 0, &out), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Comm_remote_size(MPI_COMM_WORLD, &x), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_set_name(MPI_COMM_NULL, "x"), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_get_info(MPI_COMM_NULL, (MPI_Info *)&x), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_set_info(MPI_COMM_WORLD, (MPI_Info)0x1234), MPI_ERR_INFO);
  EXPECT_CLASS(MPI_Comm_test_inter(MPI_COMM_NULL, &x), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_compare(MPI_COMM_WORLD, MPI_COMM_NULL, &x), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Intercomm_merge(MPI_COMM_WORLD, 0, &out), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Intercomm_create(MPI_COMM_WORLD, g_size, MPI_COMM_WORLD, 0, 0, &out),
               MPI_ERR_RANK);
  EXPECT_CLASS(MPI_Intercomm_create(MPI_COMM_NULL, 0, MPI_COMM_WORLD, 0, 0, &out), MPI_ERR_COMM);
  c = MPI_COMM_WORLD;
  EXPECT_CLASS(MPI_Comm_disconnect(&c), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_get_parent(NULL), MPI_ERR_ARG);
  c = MPI_COMM_WORLD;
  CALL(MPI_Comm_get_parent(&c));
  CHECK(c == MPI_COMM_NULL, "a process zrun started has no parent");
  CALL(MPI_Group_free(&world));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
  test_create();
  test_split_type();
  test_idup();
  test_attributes_of_comm();
  test_errors();
  int total = 0;
  MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  if (g_rank == 0) printf("comm_test: OK (%d checks)\n", total);
  MPI_Finalize();
  return 0;
}
