/* Persistent and partitioned point-to-point with non-contiguous datatypes, around a ring:
 * - MPI_Send_init / Ssend_init / Rsend_init / Bsend_init + MPI_Recv_init with an
 *   MPI_Type_vector, started many times (each round new data; the gaps of the receive
 *   layout stay untouched), small and rendezvous sizes, the type freed after init, Startall;
 * - a typed persistent receive cancelled before it matched;
 * - a partitioned receive with a strided type (data land in the layout, not in the gaps;
 *   MPI_Parrived per partition), a partitioned send with a strided type;
 * - two partitioned sends to one peer on one tag, started in the opposite order of their
 *   init calls: they match the receives in init order.
 * Prints "p2p_persistent_typed_test: OK (<n> checks)" on rank 0. */
#include <string.h>

static const char kTestName[] = "p2p_persistent_typed_test";
#include "p2p_check.h"

enum { kGap = -7 };

static int next_rank(void) { return (g_rank + 1) % g_size; }
static int prev_rank(void) { return (g_rank + g_size - 1) % g_size; }
static int value(int sender, int round, long i) { return sender * 100003 + round * 1009 + (int)i; }

/* A vector of `count` blocks of 2 ints with stride 3: element i of the packed stream is at
 * index (i / 2) * 3 + i % 2; index % 3 == 2 is a gap. */
static MPI_Datatype strided(int count) {
  MPI_Datatype t;
  CALL(MPI_Type_vector(count, 2, 3, MPI_INT, &t));
  CALL(MPI_Type_commit(&t));
  return t;
}
static long at(long i) { return (i / 2) * 3 + i % 2; }

static void fill_strided(int *buf, long n, int sender, int round) {
  for (long i = 0; i < n * 3 / 2 + 3; ++i) buf[i] = kGap;
  for (long i = 0; i < n; ++i) buf[at(i)] = value(sender, round, i);
}
static void check_strided(const int *buf, long n, int sender, int round, const char *what) {
  for (long j = 0; j < n * 3 / 2; ++j) {
    if (j % 3 == 2) {
      CHECK(buf[j] == kGap, "%s round %d: gap %ld overwritten (%d)", what, round, j, buf[j]);
    }
  }
  for (long i = 0; i < n; ++i) {
    CHECK(buf[at(i)] == value(sender, round, i), "%s round %d: element %ld is %d, want %d", what,
          round, i, buf[at(i)], value(sender, round, i));
  }
}

/* `mode` 0 standard, 1 sync, 2 ready, 3 buffered; n ints (n even) per message. */
static void test_persistent(int mode, long n, int rounds) {
  MPI_Datatype t = strided((int)(n / 2));
  int *out = xmalloc((n * 3 / 2 + 3) * sizeof(int)), *in = xmalloc((n * 3 / 2 + 3) * sizeof(int));
  MPI_Request req[2];
  void *attached = NULL;
  if (mode == 3) {
    /* Room for every round's message: one may still be leaving when the next starts. */
    int size = rounds * ((int)(n * sizeof(int)) + MPI_BSEND_OVERHEAD);
    attached = xmalloc(size);
    CALL(MPI_Buffer_attach(attached, size));
  }
  CALL(MPI_Recv_init(in, 1, t, prev_rank(), 11, MPI_COMM_WORLD, &req[0]));
  switch (mode) {
    case 0:
      CALL(MPI_Send_init(out, 1, t, next_rank(), 11, MPI_COMM_WORLD, &req[1]));
      break;
    case 1:
      CALL(MPI_Ssend_init(out, 1, t, next_rank(), 11, MPI_COMM_WORLD, &req[1]));
      break;
    case 2:
      CALL(MPI_Rsend_init(out, 1, t, next_rank(), 11, MPI_COMM_WORLD, &req[1]));
      break;
    default:
      CALL(MPI_Bsend_init(out, 1, t, next_rank(), 11, MPI_COMM_WORLD, &req[1]));
      break;
  }
  CALL(MPI_Type_free(&t)); /* the requests keep using it */
  for (int round = 0; round < rounds; ++round) {
    fill_strided(out, n, g_rank, round);
    fill_strided(in, n, -1, -1);
    for (long i = 0; i < n; ++i) in[at(i)] = -1;
    if (mode == 2) {
      /* ready mode: every receive is posted before any send starts */
      CALL(MPI_Start(&req[0]));
      CALL(MPI_Barrier(MPI_COMM_WORLD));
      CALL(MPI_Start(&req[1]));
    } else {
      CALL(MPI_Startall(2, req));
    }
    MPI_Status st[2];
    CALL(MPI_Waitall(2, req, st));
    int count = -1;
    CALL(MPI_Get_count(&st[0], MPI_INT, &count));
    CHECK(count == n, "mode %d: received %d ints, want %ld", mode, count, n);
    CHECK(st[0].MPI_SOURCE == prev_rank() && st[0].MPI_TAG == 11, "mode %d: status %d/%d", mode,
          st[0].MPI_SOURCE, st[0].MPI_TAG);
    check_strided(in, n, prev_rank(), round, "persistent");
  }
  CALL(MPI_Request_free(&req[0]));
  CALL(MPI_Request_free(&req[1]));
  if (mode == 3) {
    int size;
    CALL(MPI_Buffer_detach(&attached, &size));
    free(attached);
  }
  free(out);
  free(in);
}

static void test_cancel(void) {
  MPI_Datatype t = strided(4);
  int in[16];
  MPI_Request r;
  MPI_Status st;
  int flag = 0;
  CALL(MPI_Recv_init(in, 1, t, MPI_ANY_SOURCE, 999, MPI_COMM_WORLD, &r));
  CALL(MPI_Start(&r));
  CALL(MPI_Cancel(&r));
  CALL(MPI_Wait(&r, &st));
  CALL(MPI_Test_cancelled(&st, &flag));
  CHECK(flag, "a typed persistent receive that never matched was not cancelled");
  CALL(MPI_Request_free(&r));
  CALL(MPI_Type_free(&t));
}

/* Partitioned: `parts` partitions of `per` ints; strided on the receive side (and on the send
 * side if `strided_send`). */
static void test_partitioned(int parts, long per, int strided_send, int rounds) {
  long n = parts * per;
  MPI_Datatype rt = strided((int)(per / 2)), st = strided((int)(per / 2));
  MPI_Aint lb, extent;
  CALL(MPI_Type_get_extent(rt, &lb, &extent));
  /* Partition p (one element of the type, `per` ints) starts at p * extent: the extent is
   * 3 * per / 2 - 1 ints (the last gap is outside). */
  long stride = extent / (long)sizeof(int);
  int *out = xmalloc((parts * stride + 4) * sizeof(int));
  int *in = xmalloc((parts * stride + 4) * sizeof(int));
  MPI_Request sreq, rreq;
  CALL(MPI_Precv_init(in, parts, 1, rt, prev_rank(), 21, MPI_COMM_WORLD, MPI_INFO_NULL, &rreq));
  if (strided_send) {
    CALL(MPI_Psend_init(out, parts, 1, st, next_rank(), 21, MPI_COMM_WORLD, MPI_INFO_NULL, &sreq));
  } else {
    CALL(MPI_Psend_init(out, parts, per, MPI_INT, next_rank(), 21, MPI_COMM_WORLD, MPI_INFO_NULL,
                        &sreq));
  }
  CALL(MPI_Type_free(&rt));
  CALL(MPI_Type_free(&st));
  for (int round = 0; round < rounds; ++round) {
    for (long j = 0; j < parts * stride + 4; ++j) in[j] = kGap, out[j] = kGap;
    /* element i (packed stream) of partition p: at p * stride + at(i % per) if strided */
    for (long i = 0; i < n; ++i) {
      long o = strided_send ? (i / per) * stride + at(i % per) : i;
      out[o] = value(g_rank, round, i);
    }
    CALL(MPI_Start(&rreq));
    CALL(MPI_Start(&sreq));
    for (int p = parts - 1; p >= 0; --p) CALL(MPI_Pready(p, sreq));
    int arrived = 0;
    while (arrived < parts) {
      arrived = 0;
      for (int p = 0; p < parts; ++p) {
        int flag = 0;
        CALL(MPI_Parrived(rreq, p, &flag));
        if (!flag) continue;
        ++arrived;
        for (long i = p * per; i < (p + 1) * per; ++i) {
          long o = (i / per) * stride + at(i % per);
          CHECK(in[o] == value(prev_rank(), round, i),
                "partition %d arrived but element %ld is %d, want %d", p, i, in[o],
                value(prev_rank(), round, i));
        }
      }
    }
    CALL(MPI_Wait(&sreq, MPI_STATUS_IGNORE));
    CALL(MPI_Wait(&rreq, MPI_STATUS_IGNORE));
    for (long p = 0; p < parts; ++p) {
      for (long j = 0; j < stride; ++j) {
        if (j % 3 == 2) {
          CHECK(in[p * stride + j] == kGap,
                "partitioned round %d: gap %ld of partition %ld "
                "overwritten (%d)",
                round, j, p, in[p * stride + j]);
        }
      }
    }
    for (long j = parts * stride; j < parts * stride + 4; ++j) {
      CHECK(in[j] == kGap, "partitioned: written past the layout at %ld", j);
    }
  }
  CALL(MPI_Request_free(&sreq));
  CALL(MPI_Request_free(&rreq));
  free(out);
  free(in);
}

/* Two partitioned pairs on one tag: A initialized first, B second, started B first. */
static void test_init_order(void) {
  enum { kN = 64 };
  int a_out[kN] = {0}, b_out[kN] = {0}, a_in[kN], b_in[kN];
  MPI_Request s[2], r[2];
  CALL(MPI_Psend_init(a_out, 2, kN / 2, MPI_INT, next_rank(), 31, MPI_COMM_WORLD, MPI_INFO_NULL,
                      &s[0]));
  CALL(MPI_Psend_init(b_out, 4, kN / 4, MPI_INT, next_rank(), 31, MPI_COMM_WORLD, MPI_INFO_NULL,
                      &s[1]));
  CALL(MPI_Precv_init(a_in, 1, kN, MPI_INT, prev_rank(), 31, MPI_COMM_WORLD, MPI_INFO_NULL, &r[0]));
  CALL(MPI_Precv_init(b_in, 8, kN / 8, MPI_INT, prev_rank(), 31, MPI_COMM_WORLD, MPI_INFO_NULL,
                      &r[1]));
  for (int i = 0; i < kN; ++i) {
    a_out[i] = value(g_rank, 1, i);
    b_out[i] = value(g_rank, 2, i);
    a_in[i] = b_in[i] = -1;
  }
  CALL(MPI_Start(&r[1]));
  CALL(MPI_Start(&s[1]));
  CALL(MPI_Start(&r[0]));
  CALL(MPI_Start(&s[0]));
  CALL(MPI_Pready_range(0, 3, s[1]));
  CALL(MPI_Pready_range(0, 1, s[0]));
  CALL(MPI_Waitall(2, s, MPI_STATUSES_IGNORE));
  CALL(MPI_Waitall(2, r, MPI_STATUSES_IGNORE));
  for (int i = 0; i < kN; ++i) {
    CHECK(a_in[i] == value(prev_rank(), 1, i), "first init's receive got %d at %d", a_in[i], i);
    CHECK(b_in[i] == value(prev_rank(), 2, i), "second init's receive got %d at %d", b_in[i], i);
  }
  for (int i = 0; i < 2; ++i) {
    CALL(MPI_Request_free(&s[i]));
    CALL(MPI_Request_free(&r[i]));
  }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  for (int mode = 0; mode < 4; ++mode) {
    test_persistent(mode, 2, 3);
    test_persistent(mode, 64, 4);
    test_persistent(mode, 40000, 3); /* rendezvous */
  }
  test_cancel();
  test_partitioned(4, 8, 0, 3);
  test_partitioned(3, 20000, 0, 2);
  test_partitioned(5, 6, 1, 3);
  test_init_order();
  return finish_ok();
}
