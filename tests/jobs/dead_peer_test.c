/* Waits on requests made of parts end when the peer dies (as a plain receive's does): rank 1
 * dies (exits without MPI_Finalize) while rank 0 waits on an MPI_Isendrecv (compound), a
 * started partitioned receive, and a started persistent receive with a non-contiguous type;
 * MPI_Waitall must return MPI_ERR_IN_STATUS with MPI_ERR_PROC_ABORTED in each status. Then a
 * buffered send of a large message to the dead rank and MPI_Buffer_detach (which waits for
 * buffered messages to leave) must return too. Run with 2 ranks. zrun ends the job once rank 1
 * is gone (SIGTERM, then SIGKILL after a grace period): rank 0 ignores SIGTERM and must be done
 * before the grace period ends. Prints "dead_peer_test: OK (<n> checks)" on rank 0. */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int g_checks;

#define CHECK(cond, ...)                                                           \
  do {                                                                             \
    ++g_checks;                                                                    \
    if (!(cond)) {                                                                 \
      fprintf(stderr, "dead_peer_test: FAILED at line %d: %s: ", __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                                \
      fprintf(stderr, "\n");                                                       \
      fflush(stderr);                                                              \
      _exit(1);                                                                    \
    }                                                                              \
  } while (0)

static int class_of(int code) {
  int c = -1;
  MPI_Error_class(code, &c);
  return c;
}

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  if (size != 2) {
    if (rank == 0) fprintf(stderr, "dead_peer_test: run with 2 ranks\n");
    MPI_Finalize();
    return 1;
  }
  if (rank == 1) {
    MPI_Barrier(MPI_COMM_WORLD);
    _exit(0); /* dies: no MPI_Finalize */
  }
  signal(SIGTERM, SIG_IGN); /* zrun ends the job: stay until the checks are done */
  static int sbuf[100000], rbuf[100000], pbuf[64], tbuf[300];
  MPI_Request r[3];
  CHECK(MPI_Isendrecv(sbuf, 100000, MPI_INT, 1, 1, rbuf, 100000, MPI_INT, 1, 1, MPI_COMM_WORLD,
                      &r[0]) == MPI_SUCCESS,
        "Isendrecv");
  CHECK(MPI_Precv_init(pbuf, 4, 16, MPI_INT, 1, 2, MPI_COMM_WORLD, MPI_INFO_NULL, &r[1]) ==
            MPI_SUCCESS,
        "Precv_init");
  CHECK(MPI_Start(&r[1]) == MPI_SUCCESS, "Start partitioned");
  MPI_Datatype vec;
  MPI_Type_vector(100, 2, 3, MPI_INT, &vec);
  MPI_Type_commit(&vec);
  CHECK(MPI_Recv_init(tbuf, 1, vec, 1, 3, MPI_COMM_WORLD, &r[2]) == MPI_SUCCESS, "Recv_init");
  CHECK(MPI_Start(&r[2]) == MPI_SUCCESS, "Start persistent");
  MPI_Barrier(MPI_COMM_WORLD);
  /* Rank 1 leaves right after the barrier: let it be gone before waiting (a wait checks its
   * peers when it first idles, then about once a second). */
  usleep(300 * 1000);
  MPI_Status st[3];
  double t0 = MPI_Wtime();
  int rc = MPI_Waitall(3, r, st);
  CHECK(class_of(rc) == MPI_ERR_IN_STATUS, "Waitall returned class %d", class_of(rc));
  for (int i = 0; i < 3; ++i) {
    CHECK(class_of(st[i].MPI_ERROR) == MPI_ERR_PROC_ABORTED, "request %d: class %d", i,
          class_of(st[i].MPI_ERROR));
  }
  /* A buffered message that can never leave: the detach (a flush) ends anyway. */
  int bsize = 100000 * (int)sizeof(int) + MPI_BSEND_OVERHEAD;
  void *attached = malloc(bsize);
  MPI_Buffer_attach(attached, bsize);
  MPI_Bsend(sbuf, 100000, MPI_INT, 1, 4, MPI_COMM_WORLD); /* may fail at once: either is fine */
  void *back;
  CHECK(MPI_Buffer_detach(&back, &bsize) == MPI_SUCCESS && back == attached, "detach");
  double dt = MPI_Wtime() - t0;
  printf("dead_peer_test: OK (%d checks, %.1f s)\n", g_checks, dt);
  fflush(stdout);
  _exit(0);
}
