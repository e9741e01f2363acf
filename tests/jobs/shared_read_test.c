/* Single-copy reads the sender helps to copy (shm copy assist, docs/protocol-p2p.md): windows
 * of messages into one reused buffer, odd sizes and offsets, ping-pongs and reads longer than
 * two chunks arrive whole; the engine offers a read to its sender only while it has no
 * announced message of its own waiting for that sender, and not in the first reads after
 * one had (counted by zmpi_shared_reads).
 * 2 ranks; run over shm (and with a small ZMPI_SHM_ASSIST_MIN, which splits small reads
 * unevenly). Uses only <mpi.h>. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define kTestName "shared_read_test"
#include "p2p_check.h"

static MPI_T_pvar_session g_session;
static MPI_T_pvar_handle g_shared;

static unsigned long long SharedReads(void) {
  unsigned long long v = 0;
  CALL(MPI_T_pvar_read(g_session, g_shared, &v));
  return v;
}

static unsigned char Byte(int seed, size_t i) {
  return (unsigned char)(seed * 131 + i * 7 + (i >> 12));
}

static void Fill(unsigned char* p, size_t n, int seed) {
  for (size_t i = 0; i < n; ++i) p[i] = Byte(seed, i);
}

static size_t Wrong(const unsigned char* p, size_t n, int seed) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != Byte(seed, i)) return i + 1;
  }
  return 0;
}

enum { kWindow = 12 };

/* OSU bw's shape: a window of MPI_Isend from distinct buffers (each its own pattern) into
 * one receive buffer reused by every MPI_Irecv of the window, checked after each message
 * (received one at a time, so every message's both halves are checked). */
static void test_windows(size_t size, int offset, int round, int check_all) {
  const int peer = 1 - g_rank;
  unsigned char* buf = malloc(kWindow * (size + 64));
  CHECK(buf != NULL, "malloc");
  const unsigned long long before = SharedReads();
  if (g_rank == 0) {
    MPI_Request rq[kWindow];
    for (int w = 0; w < kWindow; ++w) {
      unsigned char* p = buf + w * (size + 64) + offset;
      Fill(p, size, round * kWindow + w);
      CALL(MPI_Isend(p, (int)size, MPI_BYTE, peer, 70, MPI_COMM_WORLD, &rq[w]));
    }
    CALL(MPI_Waitall(kWindow, rq, MPI_STATUSES_IGNORE));
  } else {
    unsigned char* p = buf + offset;
    for (int w = 0; w < kWindow; ++w) {
      memset(p, 0, size);
      CALL(MPI_Recv(p, (int)size, MPI_BYTE, peer, 70, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
      size_t bad = Wrong(p, size, round * kWindow + w);
      CHECK(bad == 0, "window message %d of %zu bytes (offset %d): byte %zu wrong", w, size, offset,
            bad - 1);
    }
    /* Rank 1 sent nothing meanwhile. After an exchange the engine offers reads again only
     * from its 8th quiet read on, so the first window of a size may be read partly alone;
     * the second (`check_all`) must be offered whole. */
    const unsigned long long offered = SharedReads() - before;
    CHECK(check_all ? offered == kWindow : offered <= kWindow, "%llu shared reads, want %s%d",
          offered, check_all ? "" : "at most ", kWindow);
  }
  free(buf);
}

/* Ping-pong: each rank reads the other's message while its own is complete; the pattern
 * changes every turn. */
static void test_pingpong(size_t size) {
  const int peer = 1 - g_rank;
  unsigned char* out = malloc(size);
  unsigned char* in = malloc(size);
  CHECK(out != NULL && in != NULL, "malloc");
  for (int turn = 0; turn < 6; ++turn) {
    const int seed = 100 + turn;
    if ((turn & 1) == g_rank) {
      Fill(out, size, seed);
      CALL(MPI_Send(out, (int)size, MPI_BYTE, peer, 71, MPI_COMM_WORLD));
    } else {
      memset(in, 0, size);
      CALL(MPI_Recv(in, (int)size, MPI_BYTE, peer, 71, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
      size_t bad = Wrong(in, size, seed);
      CHECK(bad == 0, "ping-pong turn %d of %zu bytes: byte %zu wrong", turn, size, bad - 1);
    }
  }
  free(out);
  free(in);
}

/* Rank 1 announces a message of its own before it receives rank 0's: that read is rank 1's
 * alone (rank 0 has rank 1's message to read). Rank 0 then reads with nothing of its own
 * waiting (offered to rank 1's help once rank 0 has read quietly for a while). */
static void test_busy_peer_reads_alone(size_t size) {
  const int peer = 1 - g_rank;
  unsigned char* out = malloc(size);
  unsigned char* in = malloc(size);
  CHECK(out != NULL && in != NULL, "malloc");
  Fill(out, size, 200 + g_rank);
  MPI_Barrier(MPI_COMM_WORLD);
  const unsigned long long before = SharedReads();
  if (g_rank == 1) {
    MPI_Request r;
    CALL(MPI_Isend(out, (int)size, MPI_BYTE, peer, 72, MPI_COMM_WORLD, &r));
    CALL(MPI_Recv(in, (int)size, MPI_BYTE, peer, 73, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    CHECK(SharedReads() == before, "rank 1 offered a read while rank 0 had its message to read");
    CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));
  } else {
    CALL(MPI_Send(out, (int)size, MPI_BYTE, peer, 73, MPI_COMM_WORLD));
    CALL(MPI_Recv(in, (int)size, MPI_BYTE, peer, 72, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    CHECK(SharedReads() - before <= 1, "rank 0: %llu shared reads, want at most 1",
          SharedReads() - before);
  }
  size_t bad = Wrong(in, size, 200 + peer);
  CHECK(bad == 0, "crossed message of %zu bytes: byte %zu wrong", size, bad - 1);
  free(out);
  free(in);
}

int main(int argc, char** argv) {
  int provided = 0, count = 0, index = -1;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  CHECK(g_size == 2, "run with 2 ranks, not %d", g_size);
  CALL(MPI_T_init_thread(MPI_THREAD_SINGLE, &provided));
  CALL(MPI_T_pvar_get_index("zmpi_shared_reads", MPI_T_PVAR_CLASS_COUNTER, &index));
  CALL(MPI_T_pvar_session_create(&g_session));
  CALL(MPI_T_pvar_handle_alloc(g_session, index, NULL, &g_shared, &count));
  CHECK(count == 1, "count %d", count);
  CALL(MPI_T_pvar_start(g_session, g_shared)); /* not continuous: counts while started */

  /* Above the eager limit (16 KiB over shm) every one of these is a rendezvous read. */
  const size_t sizes[] = {20000, 65536, 65536 + 1000, 300001, (1 << 20) + 13, 3 << 20};
  int round = 0;
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; ++k) {
    test_windows(sizes[k], 0, round++, 0);
    test_windows(sizes[k], 8 * (int)k + 3, round++, 1);
    test_pingpong(sizes[k]);
    test_busy_peer_reads_alone(sizes[k]);
  }

  CALL(MPI_T_pvar_stop(g_session, g_shared));
  CALL(MPI_T_pvar_handle_free(g_session, &g_shared));
  CALL(MPI_T_pvar_session_free(&g_session));
  CALL(MPI_T_finalize());
  MPI_Barrier(MPI_COMM_WORLD);
  if (g_rank == 0) printf("%s: OK (%d checks)\n", kTestName, g_checks);
  MPI_Finalize();
  return 0;
}
