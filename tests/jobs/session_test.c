/* MPI-4 sessions, with ("init") and without ("none") the world model: Session_init, psets,
 * Group_from_session_pset, Comm_create_from_group and point-to-point / a collective on it,
 * Intercomm_create_from_groups, session error handlers, bad arguments, Session_finalize;
 * with "init" (MPI_Init before the session) or "late" (after it), MPI_Finalize comes first
 * and the session's communicator still works after it.
 * Prints "session_test: OK (<n> checks)" on rank 0. */
#define kTestName "session_test"
#include <string.h>

#include "comm_check.h"

static int g_handler_calls, g_handler_code;
static MPI_Session g_handler_session;

static void on_error(MPI_Session *session, int *code, ...) {
  ++g_handler_calls;
  g_handler_code = *code;
  g_handler_session = *session;
}

static void ring(MPI_Comm comm, int tag) {
  int me, n, got = -1;
  CALL(MPI_Comm_rank(comm, &me));
  CALL(MPI_Comm_size(comm, &n));
  CALL(MPI_Sendrecv(&me, 1, MPI_INT, (me + 1) % n, tag, &got, 1, MPI_INT, (me - 1 + n) % n, tag,
                    comm, MPI_STATUS_IGNORE));
  CHECK(got == (me - 1 + n) % n, "ring got %d", got);
}

int main(int argc, char **argv) {
  /* "init": MPI_Init before the session; "late": after it; "none": never. */
  const int late = argc > 1 && strcmp(argv[1], "late") == 0;
  const int with_init = late || (argc > 1 && strcmp(argv[1], "init") == 0);
  int flag;
  MPI_Session s;
  if (with_init && !late) {
    MPI_Init(&argc, &argv);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  }
  CALL(MPI_Session_init(MPI_INFO_NULL, MPI_ERRORS_RETURN, &s));
  if (late) {
    CALL(MPI_Initialized(&flag));
    CHECK(flag == 0, "initialized by a session: %d", flag);
    CALL(MPI_Init(&argc, &argv));
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int wr;
    CALL(MPI_Comm_rank(MPI_COMM_WORLD, &wr));
    CALL(MPI_Barrier(MPI_COMM_WORLD));
  }
  CALL(MPI_Initialized(&flag));
  CHECK(flag == with_init, "initialized %d", flag);

  /* Process sets. */
  int npsets, len = 0;
  char name[MPI_MAX_PSET_NAME_LEN];
  CALL(MPI_Session_get_num_psets(s, MPI_INFO_NULL, &npsets));
  CHECK(npsets >= 2, "%d psets", npsets);
  int seen_world = 0, seen_self = 0;
  for (int i = 0; i < npsets; ++i) {
    len = 0;
    CALL(MPI_Session_get_nth_pset(s, MPI_INFO_NULL, i, &len, NULL));
    CHECK(len > 1 && len <= MPI_MAX_PSET_NAME_LEN, "length %d", len);
    int want = len;
    CALL(MPI_Session_get_nth_pset(s, MPI_INFO_NULL, i, &len, name));
    CHECK((int)strlen(name) == want - 1, "name %s length %d", name, want);
    seen_world += strcmp(name, "mpi://WORLD") == 0;
    seen_self += strcmp(name, "mpi://SELF") == 0;
  }
  CHECK(seen_world == 1 && seen_self == 1, "world %d self %d", seen_world, seen_self);
  len = 4; /* truncated copy: 3 characters and the null */
  CALL(MPI_Session_get_nth_pset(s, MPI_INFO_NULL, 0, &len, name));
  CHECK(strlen(name) == 3, "truncated to '%s'", name);

  MPI_Group world, self;
  CALL(MPI_Group_from_session_pset(s, "mpi://WORLD", &world));
  CALL(MPI_Group_from_session_pset(s, "mpi://SELF", &self));
  int n, r;
  CALL(MPI_Group_size(world, &n));
  CALL(MPI_Group_rank(world, &r));
  g_size = n;
  g_rank = r;
  CHECK(n >= 1 && r >= 0 && r < n, "world group %d/%d", r, n);
  CALL(MPI_Group_size(self, &n));
  CHECK(n == 1, "self group %d", n);

  /* Communicators from groups: two with different tags, then traffic on each. */
  MPI_Comm wc, wc2, sc;
  CALL(MPI_Comm_create_from_group(world, "org.zmpi.test.world", MPI_INFO_NULL, MPI_ERRORS_RETURN,
                                  &wc));
  CALL(MPI_Comm_create_from_group(world, "org.zmpi.test.world2", MPI_INFO_NULL,
                                  MPI_ERRORS_RETURN, &wc2));
  CALL(MPI_Comm_create_from_group(self, "org.zmpi.test.self", MPI_INFO_NULL, MPI_ERRORS_RETURN,
                                  &sc));
  CALL(MPI_Comm_size(wc, &n));
  CALL(MPI_Comm_rank(wc, &r));
  CHECK(n == g_size && r == g_rank, "comm %d/%d", r, n);
  MPI_Errhandler e;
  CALL(MPI_Comm_get_errhandler(wc, &e));
  CHECK(e == MPI_ERRORS_RETURN, "comm errhandler %d", e);
  ring(wc, 1);
  ring(wc2, 1);
  ring(sc, 1);
  int sum = 0;
  CALL(MPI_Allreduce(&g_rank, &sum, 1, MPI_INT, MPI_SUM, wc));
  CHECK(sum == g_size * (g_size - 1) / 2, "allreduce %d", sum);

  /* Intercommunicator from two groups of the world pset (needs 2 ranks). */
  if (g_size >= 2) {
    MPI_Group low, high;
    int range[1][3] = {{0, g_size / 2 - 1, 1}};
    CALL(MPI_Group_range_incl(world, 1, range, &low));
    CALL(MPI_Group_difference(world, low, &high));
    int in_low = g_rank < g_size / 2;
    MPI_Comm inter;
    CALL(MPI_Intercomm_create_from_groups(in_low ? low : high, 0, in_low ? high : low, 0,
                                          "org.zmpi.test.inter", MPI_INFO_NULL,
                                          MPI_ERRORS_RETURN, &inter));
    int rsize, me, got = -1;
    CALL(MPI_Comm_remote_size(inter, &rsize));
    CALL(MPI_Comm_rank(inter, &me));
    CHECK(rsize == (in_low ? g_size - g_size / 2 : g_size / 2), "remote size %d", rsize);
    /* Local rank me talks to remote rank me % rsize; every remote rank hears from some. */
    MPI_Request req;
    CALL(MPI_Isend(&g_rank, 1, MPI_INT, me % rsize, 3, inter, &req));
    MPI_Status st;
    int lsize;
    CALL(MPI_Comm_size(inter, &lsize));
    /* Receive what the remote ranks that target us sent. */
    int expect = 0;
    for (int j = 0; j < rsize; ++j) expect += (j % lsize) == me;
    for (int k = 0; k < expect; ++k) {
      CALL(MPI_Recv(&got, 1, MPI_INT, MPI_ANY_SOURCE, 3, inter, &st));
      int remote_world = in_low ? g_size / 2 + st.MPI_SOURCE : st.MPI_SOURCE;
      CHECK(got == remote_world, "inter got %d from remote %d", got, st.MPI_SOURCE);
    }
    CALL(MPI_Wait(&req, MPI_STATUS_IGNORE));
    CALL(MPI_Comm_free(&inter));
    CALL(MPI_Group_free(&low));
    CALL(MPI_Group_free(&high));
  }

  /* Error handlers and bad arguments. */
  CALL(MPI_Session_get_errhandler(s, &e));
  CHECK(e == MPI_ERRORS_RETURN, "session errhandler %d", e);
  EXPECT_CLASS(MPI_Session_get_num_psets(MPI_SESSION_NULL, MPI_INFO_NULL, &n), MPI_ERR_SESSION);
  EXPECT_CLASS(MPI_Session_get_num_psets((MPI_Session)0x1234, MPI_INFO_NULL, &n),
               MPI_ERR_SESSION);
  EXPECT_CLASS(MPI_Session_get_nth_pset(s, MPI_INFO_NULL, npsets, &len, name), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Session_get_nth_pset(s, MPI_INFO_NULL, -1, &len, name), MPI_ERR_ARG);
  MPI_Group g;
  EXPECT_CLASS(MPI_Group_from_session_pset(s, "mpi://NOWHERE", &g), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Comm_create_from_group(MPI_GROUP_NULL, "x", MPI_INFO_NULL, MPI_ERRORS_RETURN,
                                          &sc),
               MPI_ERR_GROUP);
  EXPECT_CLASS(MPI_Comm_create_from_group(world, NULL, MPI_INFO_NULL, MPI_ERRORS_RETURN, &sc),
               MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Session_set_errhandler(s, (MPI_Errhandler)0x777), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Session_set_errhandler(MPI_SESSION_NULL, MPI_ERRORS_RETURN), MPI_ERR_SESSION);
  MPI_Info sinfo;
  EXPECT_CLASS(MPI_Session_get_info(MPI_SESSION_NULL, &sinfo), MPI_ERR_SESSION);
  EXPECT_CLASS(MPI_Group_from_session_pset(MPI_SESSION_NULL, "mpi://WORLD", &g),
               MPI_ERR_SESSION);
  MPI_Session bad = MPI_SESSION_NULL, s2;
  EXPECT_CLASS(MPI_Session_finalize(&bad), MPI_ERR_SESSION);
  EXPECT_CLASS(MPI_Session_init(MPI_INFO_NULL, (MPI_Errhandler)0x777, &s2), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Session_init((MPI_Info)0x1234, MPI_ERRORS_RETURN, &s2), MPI_ERR_INFO);
  char longtag[MPI_MAX_STRINGTAG_LEN + 8];
  memset(longtag, 'x', sizeof(longtag) - 1);
  longtag[sizeof(longtag) - 1] = '\0';
  EXPECT_CLASS(MPI_Comm_create_from_group(world, longtag, MPI_INFO_NULL, MPI_ERRORS_RETURN, &sc),
               MPI_ERR_ARG);
  /* A bad handler cannot take the error: it goes to MPI_COMM_WORLD's (fatal without MPI_Init). */
  if (with_init) {
    EXPECT_CLASS(MPI_Comm_create_from_group(world, "t", MPI_INFO_NULL, (MPI_Errhandler)0x777,
                                            &sc),
                 MPI_ERR_ARG);
  }
  EXPECT_CLASS(MPI_Intercomm_create_from_groups(world, n + 5, world, 0, "t", MPI_INFO_NULL,
                                                MPI_ERRORS_RETURN, &sc),
               MPI_ERR_RANK);
  EXPECT_CLASS(MPI_Intercomm_create_from_groups(world, 0, MPI_GROUP_NULL, 0, "t", MPI_INFO_NULL,
                                                MPI_ERRORS_RETURN, &sc),
               MPI_ERR_GROUP);
  MPI_Info info;
  EXPECT_CLASS(MPI_Session_get_pset_info(s, "mpi://NOWHERE", &info), MPI_ERR_ARG);
  CALL(MPI_Session_get_pset_info(s, "mpi://WORLD", &info));
  CALL(MPI_Session_get_info(s, &info));
  MPI_Errhandler mine;
  CALL(MPI_Session_create_errhandler(on_error, &mine));
  CALL(MPI_Session_set_errhandler(s, mine));
  CALL(MPI_Session_get_errhandler(s, &e));
  CHECK(e == mine, "errhandler %d", e);
  CALL(MPI_Session_call_errhandler(s, MPI_ERR_OTHER));
  CHECK(g_handler_calls == 1 && g_handler_code == MPI_ERR_OTHER && g_handler_session == s,
        "handler %d %d", g_handler_calls, g_handler_code);
  MPI_Session_get_nth_pset(s, MPI_INFO_NULL, 99, &len, name);
  CHECK(g_handler_calls == 2 && g_handler_code == MPI_ERR_ARG, "handler %d %d", g_handler_calls,
        g_handler_code);
  CALL(MPI_Session_set_errhandler(s, MPI_ERRORS_RETURN));

  /* World model ends first: the session's communicators keep working. */
  if (with_init) {
    CALL(MPI_Finalize());
    CALL(MPI_Finalized(&flag));
    CHECK(flag == 1, "finalized %d", flag);
    ring(wc, 2);
  }
  int total = 0;
  CALL(MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, wc));
  if (g_rank == 0) printf("session_test: OK (%d checks)\n", total);
  CALL(MPI_Comm_free(&wc));
  CALL(MPI_Comm_free(&wc2));
  CALL(MPI_Comm_free(&sc));
  CALL(MPI_Group_free(&world));
  CALL(MPI_Group_free(&self));
  CALL(MPI_Session_finalize(&s));
  CHECK(s == MPI_SESSION_NULL, "session handle %d", s);
  if (!with_init) {
    CALL(MPI_Finalized(&flag));
    CHECK(flag == 0, "finalized without init: %d", flag);
  }
  return 0;
}
