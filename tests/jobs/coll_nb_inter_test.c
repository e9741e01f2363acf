/* Non-blocking and persistent collectives on an intercommunicator (even world ranks against
 * odd ones): Ibarrier, Ibcast, Igather, Iscatter, Iallgather, Ialltoall, Ireduce, Iallreduce
 * with every root of either group (MPI_ROOT / MPI_PROC_NULL / the remote root's rank), an
 * Allreduce_init started 3 times, and MPI_ERR_COMM for Iscan. Needs 2 or more ranks. Uses
 * only <mpi.h>. Prints "coll_nb_inter_test: OK (<n> checks)". */
#include <string.h>

static const char kTestName[] = "coll_nb_inter_test";
#include "job_check.h"

static int val(int g, int r, int i) { return g * 100000 + (r + 1) * 100 + i; }

static void wait1(MPI_Request *req) {
  CALL(MPI_Wait(req, MPI_STATUS_IGNORE));
  g_checks++;
}

static void eq(int got, int want, const char *what, int root) {
  if (got != want) fail("%s (root %d): %d, want %d", what, root, got, want);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  g_comm = MPI_COMM_WORLD;
  g_label = "world";
  if (size < 2) fail("needs 2 or more ranks");
  const int grp = g_world_rank % 2;
  MPI_Comm local, inter;
  CALL(MPI_Comm_split(MPI_COMM_WORLD, grp, g_world_rank, &local));
  CALL(MPI_Intercomm_create(local, 0, MPI_COMM_WORLD, 1 - grp, 7, &inter));
  CALL(MPI_Comm_set_errhandler(inter, MPI_ERRORS_RETURN));
  g_comm = inter;
  g_label = grp ? "odd group" : "even group";
  int me, lsize, rsize;
  CALL(MPI_Comm_rank(inter, &me));
  CALL(MPI_Comm_size(inter, &lsize));
  CALL(MPI_Comm_remote_size(inter, &rsize));
  g_me = me;
  g_p = lsize;
  MPI_Request req;
  CALL(MPI_Ibarrier(inter, &req));
  wait1(&req);
  enum { N = 5 };
  int buf[N], *all = xmalloc(N * (rsize > lsize ? rsize : lsize) * sizeof(int));
  int *mine = xmalloc(N * rsize * sizeof(int));
  for (int rg = 0; rg < 2; ++rg) {
    const int nroot = rg == grp ? lsize : rsize;
    for (int root = 0; root < nroot; ++root) {
      const int role = rg == grp ? (root == me ? MPI_ROOT : MPI_PROC_NULL) : root;
      /* Ibcast. */
      for (int i = 0; i < N; ++i) buf[i] = role == MPI_ROOT ? val(rg, root, i) : -1;
      CALL(MPI_Ibcast(buf, N, MPI_INT, role, inter, &req));
      wait1(&req);
      if (role >= 0)
        for (int i = 0; i < N; ++i) eq(buf[i], val(rg, root, i), "Ibcast", root);
      /* Igather: the root gets N ints from every remote rank. */
      for (int i = 0; i < N; ++i) buf[i] = val(grp, me, i);
      for (int i = 0; i < N * rsize; ++i) all[i] = -1;
      CALL(MPI_Igather(buf, N, MPI_INT, all, N, MPI_INT, role, inter, &req));
      wait1(&req);
      if (role == MPI_ROOT)
        for (int i = 0; i < N * rsize; ++i) eq(all[i], val(1 - grp, i / N, i % N), "Igather", root);
      /* Iscatter: the root sends N ints to every remote rank. */
      for (int i = 0; i < N * rsize; ++i) all[i] = val(grp, i / N, i % N) + 7;
      for (int i = 0; i < N; ++i) buf[i] = -1;
      CALL(MPI_Iscatter(all, N, MPI_INT, buf, N, MPI_INT, role, inter, &req));
      wait1(&req);
      if (role >= 0)
        for (int i = 0; i < N; ++i) eq(buf[i], val(1 - grp, me, i) + 7, "Iscatter", root);
      /* Ireduce: the root gets the sum over the remote group. */
      int in[N], out[N];
      for (int i = 0; i < N; ++i) {
        in[i] = val(grp, me, i);
        out[i] = -1;
      }
      CALL(MPI_Ireduce(in, out, N, MPI_INT, MPI_SUM, role, inter, &req));
      wait1(&req);
      if (role == MPI_ROOT)
        for (int i = 0; i < N; ++i) {
          int w = 0;
          for (int r = 0; r < rsize; ++r) w += val(1 - grp, r, i);
          eq(out[i], w, "Ireduce", root);
        }
    }
  }
  /* Iallgather, Ialltoall, Iallreduce: every rank gets the remote group's data. */
  int in[N], out[N];
  for (int i = 0; i < N; ++i) in[i] = val(grp, me, i);
  for (int i = 0; i < N * rsize; ++i) all[i] = -1;
  CALL(MPI_Iallgather(in, N, MPI_INT, all, N, MPI_INT, inter, &req));
  wait1(&req);
  for (int i = 0; i < N * rsize; ++i) eq(all[i], val(1 - grp, i / N, i % N), "Iallgather", -1);
  for (int r = 0; r < rsize; ++r) mine[r] = grp * 1000 + me * 10 + r;
  for (int r = 0; r < rsize; ++r) all[r] = -1;
  CALL(MPI_Ialltoall(mine, 1, MPI_INT, all, 1, MPI_INT, inter, &req));
  wait1(&req);
  for (int r = 0; r < rsize; ++r) eq(all[r], (1 - grp) * 1000 + r * 10 + me, "Ialltoall", -1);
  MPI_Request pers;
  CALL(MPI_Allreduce_init(in, out, N, MPI_INT, MPI_SUM, inter, MPI_INFO_NULL, &pers));
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < N; ++i) {
      in[i] = val(grp, me, i) + round;
      out[i] = -1;
    }
    CALL(MPI_Start(&pers));
    CALL(MPI_Wait(&pers, MPI_STATUS_IGNORE));
    for (int i = 0; i < N; ++i) {
      int w = 0;
      for (int r = 0; r < rsize; ++r) w += val(1 - grp, r, i) + round;
      eq(out[i], w, "Allreduce_init", -1);
    }
    g_checks++;
  }
  CALL(MPI_Request_free(&pers));
  /* Scans have no intercommunicator form. */
  int rc = MPI_Iscan(in, out, N, MPI_INT, MPI_SUM, inter, &req), cls = -1;
  MPI_Error_class(rc, &cls);
  if (cls != MPI_ERR_COMM) fail("Iscan on an intercommunicator: class %d, want MPI_ERR_COMM", cls);
  g_checks++;
  free(all);
  free(mine);
  CALL(MPI_Comm_free(&inter));
  CALL(MPI_Comm_free(&local));
  return finish_ok();
}
