/* Two ranks on one CPU: a waiting rank's spin shrinks to its floor (p2p.cc, ProgressLoop).
 * Both ranks pin themselves to the first CPU this process may use, as the scheduler sometimes
 * places two ranks of namespace hosts on one machine. Each wait that outlasts the spin then
 * ends right after one yield (the peer needed the CPU), and the spin halves until its floor:
 * 64 idle turns, or 8 for a rank whose every idle turn polls the network (no shm peers: a turn
 * is a system call of ~0.3 us, so 64 of them made each half round trip ~20 us).
 *   spin_floor_test FLOOR
 * Checked: after a ping-pong of up to 20000 round trips of 8 B (every value checked; it stops
 * early once both ranks reached the floor), each rank's MPI_T low-water mark
 * `zmpi_wait_spin_low` equals FLOOR. Prints "spin_floor_test: OK (<n> checks)". */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>

static const char kTestName[] = "spin_floor_test";
#include "job_check.h"
#include "cpu_pin.h"

enum { kMaxRounds = 20000, kBatch = 500 };

/* zmpi_wait_spin_low through MPI_T. */
static unsigned long long SpinLow(void) {
  int n = 0, index = -1;
  CALL(MPI_T_pvar_get_num(&n));
  for (int i = 0; i < n && index < 0; ++i) {
    char name[128], desc[512];
    int name_len = sizeof(name), desc_len = sizeof(desc), verbosity, var_class, bind;
    int readonly, continuous, atomic;
    MPI_Datatype type;
    MPI_T_enum enumtype;
    CALL(MPI_T_pvar_get_info(i, name, &name_len, &verbosity, &var_class, &type, &enumtype, desc,
                             &desc_len, &bind, &readonly, &continuous, &atomic));
    if (strcmp(name, "zmpi_wait_spin_low") == 0) {
      if (var_class != MPI_T_PVAR_CLASS_LOWWATERMARK) {
        fail("zmpi_wait_spin_low: class %d", var_class);
      }
      index = i;
    }
  }
  if (index < 0) fail("no MPI_T variable zmpi_wait_spin_low");
  MPI_T_pvar_session session;
  MPI_T_pvar_handle handle;
  int count = 0;
  unsigned long long value = 0;
  CALL(MPI_T_pvar_session_create(&session));
  CALL(MPI_T_pvar_handle_alloc(session, index, NULL, &handle, &count));
  CALL(MPI_T_pvar_read(session, handle, &value));
  CALL(MPI_T_pvar_handle_free(session, &handle));
  CALL(MPI_T_pvar_session_free(&session));
  return value;
}

/* Round trips of 8 B in batches until both ranks' spins reached `floor` (or kMaxRounds);
 * returns the round trips done. */
static int PingPong(int peer, unsigned long long floor) {
  long value = 0;
  int rounds = 0;
  for (;;) {
    for (int i = 0; i < kBatch; ++i, ++rounds) {
      if (g_me == 0) {
        value = rounds;
        CALL(MPI_Send(&value, 1, MPI_LONG, peer, 1, MPI_COMM_WORLD));
        CALL(MPI_Recv(&value, 1, MPI_LONG, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        if (value != rounds + 1L) fail("round %d: got %ld back", rounds, value);
      } else {
        CALL(MPI_Recv(&value, 1, MPI_LONG, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        if (value != rounds) fail("round %d: got %ld", rounds, value);
        ++value;
        CALL(MPI_Send(&value, 1, MPI_LONG, peer, 1, MPI_COMM_WORLD));
      }
      g_checks++;
    }
    int reached = SpinLow() <= floor, both = 0;
    CALL(MPI_Allreduce(&reached, &both, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD));
    if (both || rounds >= kMaxRounds) return rounds;
  }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  g_comm = MPI_COMM_WORLD;
  g_label = "world";
  MPI_Comm_rank(MPI_COMM_WORLD, &g_me);
  MPI_Comm_size(MPI_COMM_WORLD, &g_p);
  if (g_p != 2) fail("needs 2 ranks, has %d", g_p);
  if (argc < 2) fail("usage: spin_floor_test FLOOR");
  const unsigned long long floor = strtoull(argv[1], NULL, 10);
  int provided = 0;
  CALL(MPI_T_init_thread(MPI_THREAD_SINGLE, &provided));
  const int peer = 1 - g_me;
  int cpu = PinToFirstCpu(), peer_cpu = -2;
  CALL(MPI_Sendrecv(&cpu, 1, MPI_INT, peer, 0, &peer_cpu, 1, MPI_INT, peer, 0, MPI_COMM_WORLD,
                    MPI_STATUS_IGNORE));
  if (cpu != peer_cpu) fail("ranks pinned to CPUs %d and %d, not one", cpu, peer_cpu);
  double start = MPI_Wtime();
  int rounds = PingPong(peer, floor);
  double seconds = MPI_Wtime() - start;
  unsigned long long low = SpinLow(), peer_low = 0;
  CALL(MPI_Sendrecv(&low, 1, MPI_UNSIGNED_LONG_LONG, peer, 0, &peer_low, 1, MPI_UNSIGNED_LONG_LONG,
                    peer, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  if (g_me == 0) {
    printf(
        "2 ranks on CPU %d: spin low-water marks %llu and %llu (floor %llu) after %d round "
        "trips, %.1f us each\n",
        cpu, low, peer_low, floor, rounds, seconds / rounds * 1e6);
    if (low != floor || peer_low != floor) {
      fail("spin low-water marks %llu and %llu, want the floor %llu", low, peer_low, floor);
    }
  }
  g_checks++;
  CALL(MPI_T_finalize());
  return finish_ok();
}
