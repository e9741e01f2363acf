/* MPI-4 partitioned communication around a ring: send and receive sides with different
 * partition counts, partitions readied out of order (Pready, Pready_range, Pready_list),
 * Parrived polling that checks each partition's data as soon as it says so, several rounds
 * on the same requests, rendezvous-sized partitions, MPI_PROC_NULL, bad arguments.
 * Prints "p2p_part_test: OK (<n> checks)" on rank 0. */
#include <string.h>

static const char kTestName[] = "p2p_part_test";
#include "p2p_check.h"

static int next_rank(void) { return (g_rank + 1) % g_size; }
static int prev_rank(void) { return (g_rank + g_size - 1) % g_size; }

static int value(int sender, int round, long i) { return sender * 100003 + round * 1009 + (int)i; }

/* Sends `sparts` partitions of `scount` ints; receives `rparts` partitions of the same total. */
static void test_ring(int sparts, int scount, int rparts, int rounds) {
  long total = (long)sparts * scount;
  int rcount = (int)(total / rparts);
  int *out = xmalloc(total * sizeof(int)), *in = xmalloc(total * sizeof(int));
  MPI_Request sreq, rreq;
  CALL(MPI_Precv_init(in, rparts, rcount, MPI_INT, prev_rank(), 5, MPI_COMM_WORLD, MPI_INFO_NULL,
                      &rreq));
  CALL(MPI_Psend_init(out, sparts, scount, MPI_INT, next_rank(), 5, MPI_COMM_WORLD, MPI_INFO_NULL,
                      &sreq));
  int *order = xmalloc(sparts * sizeof(int));
  int *checked = xmalloc(rparts * sizeof(int));
  for (int round = 0; round < rounds; ++round) {
    memset(in, 0xff, total * sizeof(int));
    CALL(MPI_Start(&rreq));
    CALL(MPI_Start(&sreq));
    /* Out of order: odd partitions from the top, then even ones from the top. */
    int k = 0;
    for (int p = sparts - 1; p >= 0; --p)
      if (p % 2) order[k++] = p;
    for (int p = sparts - 1; p >= 0; --p)
      if (p % 2 == 0) order[k++] = p;
    for (int j = 0; j < sparts;) {
      int p = order[j];
      for (long i = 0; i < scount; ++i)
        out[(long)p * scount + i] = value(g_rank, round, (long)p * scount + i);
      if (j % 3 == 1 && j + 1 < sparts) {
        /* two at once through Pready_list */
        int q = order[j + 1];
        for (long i = 0; i < scount; ++i)
          out[(long)q * scount + i] = value(g_rank, round, (long)q * scount + i);
        int list[2] = {p, q};
        CALL(MPI_Pready_list(2, list, sreq));
        j += 2;
      } else {
        CALL(MPI_Pready(p, sreq));
        j += 1;
      }
      /* Poll the receive side while sending: arrived partitions must hold their data. */
      for (int r = 0; r < rparts; ++r) {
        int flag = 0;
        CALL(MPI_Parrived(rreq, r, &flag));
        if (flag) {
          long at = (long)r * rcount;
          CHECK(in[at] == value(prev_rank(), round, at) &&
                    in[at + rcount - 1] == value(prev_rank(), round, at + rcount - 1),
                "round %d partition %d arrived with %d", round, r, in[at]);
        }
      }
    }
    memset(checked, 0, rparts * sizeof(int));
    int left = rparts;
    while (left > 0) {
      for (int r = 0; r < rparts; ++r) {
        if (checked[r]) continue;
        int flag = 0;
        CALL(MPI_Parrived(rreq, r, &flag));
        if (!flag) continue;
        long at = (long)r * rcount;
        for (long i = 0; i < rcount; i += (rcount > 50 ? 47 : 1))
          CHECK(in[at + i] == value(prev_rank(), round, at + i), "round %d partition %d [%ld]=%d",
                round, r, i, in[at + i]);
        checked[r] = 1;
        --left;
      }
    }
    MPI_Status st;
    CALL(MPI_Wait(&sreq, MPI_STATUS_IGNORE));
    CALL(MPI_Wait(&rreq, &st));
    CHECK(sreq != MPI_REQUEST_NULL && rreq != MPI_REQUEST_NULL, "wait freed partitioned");
    CHECK(st.MPI_SOURCE == prev_rank() && st.MPI_TAG == 5, "status %d/%d", st.MPI_SOURCE,
          st.MPI_TAG);
    CHECK(in[total - 1] == value(prev_rank(), round, total - 1), "last element %d", in[total - 1]);
    /* After completion every partition reports arrived. */
    int flag = 0;
    CALL(MPI_Parrived(rreq, rparts - 1, &flag));
    CHECK(flag == 1, "parrived after wait gave %d", flag);
  }
  CALL(MPI_Request_free(&sreq));
  CALL(MPI_Request_free(&rreq));
  free(out);
  free(in);
  free(order);
  free(checked);
}

/* Several partitioned pairs at once on one ring pair, told apart by tag; Startall; and a
 * pair with more partitions than the transfer units (grouping). */
static void test_many(void) {
  enum { kPairs = 3 };
  int out[kPairs][64], in[kPairs][64];
  MPI_Request reqs[2 * kPairs];
  for (int t = 0; t < kPairs; ++t) {
    CALL(MPI_Psend_init(out[t], 8, 8, MPI_INT, next_rank(), 50 + t, MPI_COMM_WORLD, MPI_INFO_NULL,
                        &reqs[t]));
    CALL(MPI_Precv_init(in[t], 2, 32, MPI_INT, prev_rank(), 50 + (kPairs - 1 - t), MPI_COMM_WORLD,
                        MPI_INFO_NULL, &reqs[kPairs + t]));
  }
  for (int round = 0; round < 4; ++round) {
    for (int t = 0; t < kPairs; ++t)
      for (int i = 0; i < 64; ++i) out[t][i] = g_rank * 1000 + t * 100 + i + round;
    CALL(MPI_Startall(2 * kPairs, reqs));
    for (int t = kPairs - 1; t >= 0; --t) CALL(MPI_Pready_range(0, 7, reqs[t]));
    CALL(MPI_Waitall(2 * kPairs, reqs, MPI_STATUSES_IGNORE));
    for (int t = 0; t < kPairs; ++t) {
      int tag_t = kPairs - 1 - t; /* in[t] receives the sender's pair tag_t */
      CHECK(in[t][63] == prev_rank() * 1000 + tag_t * 100 + 63 + round, "pair %d got %d", t,
            in[t][63]);
    }
  }
  for (int i = 0; i < 2 * kPairs; ++i) CALL(MPI_Request_free(&reqs[i]));

  /* 100000 partitions of one int: grouped into fewer messages. */
  int n = 100000;
  int *o = xmalloc(n * sizeof(int)), *v = xmalloc(n * sizeof(int));
  MPI_Request s, r;
  CALL(MPI_Precv_init(v, 10, n / 10, MPI_INT, prev_rank(), 60, MPI_COMM_WORLD, MPI_INFO_NULL, &r));
  CALL(MPI_Psend_init(o, n, 1, MPI_INT, next_rank(), 60, MPI_COMM_WORLD, MPI_INFO_NULL, &s));
  for (int i = 0; i < n; ++i) o[i] = i ^ g_rank;
  CALL(MPI_Start(&r));
  CALL(MPI_Start(&s));
  CALL(MPI_Pready_range(n / 2, n - 1, s));
  CALL(MPI_Pready_range(0, n / 2 - 1, s));
  CALL(MPI_Wait(&s, MPI_STATUS_IGNORE));
  CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));
  CHECK(v[n - 1] == ((n - 1) ^ prev_rank()) && v[12345] == (12345 ^ prev_rank()),
        "grouped partitions got %d", v[n - 1]);
  CALL(MPI_Request_free(&s));
  CALL(MPI_Request_free(&r));
  free(o);
  free(v);
}

/* A partitioned send larger than its receive: the receive ends with MPI_ERR_TRUNCATE every
 * round (what fits is delivered), and the send completes (eager and rendezvous sizes). */
static void test_truncation(int per_partition) {
  int *out = xmalloc(2 * per_partition * sizeof(int));
  int *in = xmalloc(per_partition * sizeof(int));
  MPI_Request s, r;
  CALL(MPI_Precv_init(in, 1, per_partition, MPI_INT, prev_rank(), 80, MPI_COMM_WORLD, MPI_INFO_NULL,
                      &r));
  CALL(MPI_Psend_init(out, 2, per_partition, MPI_INT, next_rank(), 80, MPI_COMM_WORLD,
                      MPI_INFO_NULL, &s));
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 2 * per_partition; ++i) out[i] = g_rank + i + round;
    CALL(MPI_Start(&r));
    CALL(MPI_Start(&s));
    CALL(MPI_Pready_range(0, 1, s));
    CALL(MPI_Wait(&s, MPI_STATUS_IGNORE));
    EXPECT_CLASS(MPI_ERR_TRUNCATE, MPI_Wait(&r, MPI_STATUS_IGNORE));
    CHECK(in[per_partition - 1] == prev_rank() + per_partition - 1 + round,
          "round %d: what fits got %d", round, in[per_partition - 1]);
  }
  CALL(MPI_Request_free(&s));
  CALL(MPI_Request_free(&r));
  free(out);
  free(in);
}

static void test_errors(void) {
  int buf[16] = {0}, flag;
  MPI_Request s, r, plain;
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Psend_init(buf, 0, 4, MPI_INT, next_rank(), 0, MPI_COMM_WORLD,
                                           MPI_INFO_NULL, &s));
  EXPECT_CLASS(MPI_ERR_COUNT, MPI_Psend_init(buf, 2, -1, MPI_INT, next_rank(), 0, MPI_COMM_WORLD,
                                             MPI_INFO_NULL, &s));
  EXPECT_CLASS(MPI_ERR_RANK, MPI_Precv_init(buf, 2, 2, MPI_INT, MPI_ANY_SOURCE, 0, MPI_COMM_WORLD,
                                            MPI_INFO_NULL, &r));
  EXPECT_CLASS(MPI_ERR_TAG, MPI_Precv_init(buf, 2, 2, MPI_INT, prev_rank(), MPI_ANY_TAG,
                                           MPI_COMM_WORLD, MPI_INFO_NULL, &r));
  EXPECT_CLASS(MPI_ERR_TYPE, MPI_Psend_init(buf, 2, 2, MPI_DATATYPE_NULL, next_rank(), 0,
                                            MPI_COMM_WORLD, MPI_INFO_NULL, &s));
  EXPECT_CLASS(MPI_ERR_COMM, MPI_Psend_init(buf, 2, 2, MPI_INT, next_rank(), 0, MPI_COMM_NULL,
                                            MPI_INFO_NULL, &s));
  EXPECT_CLASS(MPI_ERR_BUFFER, MPI_Psend_init(NULL, 2, 2, MPI_INT, next_rank(), 0, MPI_COMM_WORLD,
                                              MPI_INFO_NULL, &s));
  CALL(MPI_Psend_init(buf, 4, 4, MPI_INT, next_rank(), 70, MPI_COMM_WORLD, MPI_INFO_NULL, &s));
  CALL(MPI_Precv_init(buf, 4, 4, MPI_INT, prev_rank(), 70, MPI_COMM_WORLD, MPI_INFO_NULL, &r));
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Pready(0, s)); /* inactive */
  CALL(MPI_Start(&r));
  CALL(MPI_Start(&s));
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Start(&s));             /* active */
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Pready(0, r));          /* a receive */
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Parrived(s, 0, &flag)); /* a send */
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Pready(4, s));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Pready(-1, s));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Pready_range(2, 1, s));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Parrived(r, 4, &flag));
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Pready(0, MPI_REQUEST_NULL));
  CALL(MPI_Pready_range(0, 3, s));
  EXPECT_CLASS(MPI_ERR_ARG, MPI_Pready(1, s)); /* readied twice */
  CALL(MPI_Wait(&s, MPI_STATUS_IGNORE));
  CALL(MPI_Wait(&r, MPI_STATUS_IGNORE));
  CALL(MPI_Request_free(&s));
  CALL(MPI_Request_free(&r));
  CALL(MPI_Irecv(buf, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &plain));
  EXPECT_CLASS(MPI_ERR_REQUEST, MPI_Pready(0, plain));
  CALL(MPI_Wait(&plain, MPI_STATUS_IGNORE));
  /* MPI_PROC_NULL on both sides: complete at once. */
  CALL(MPI_Psend_init(buf, 2, 2, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, MPI_INFO_NULL, &s));
  CALL(MPI_Precv_init(buf, 2, 2, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, MPI_INFO_NULL, &r));
  MPI_Request both[2] = {s, r};
  CALL(MPI_Startall(2, both));
  CALL(MPI_Pready_range(0, 1, s));
  MPI_Status st;
  CALL(MPI_Wait(&both[1], &st));
  CHECK(st.MPI_SOURCE == MPI_PROC_NULL, "proc_null precv source %d", st.MPI_SOURCE);
  CALL(MPI_Wait(&both[0], MPI_STATUS_IGNORE));
  CALL(MPI_Request_free(&both[0]));
  CALL(MPI_Request_free(&both[1]));
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  test_ring(8, 100, 4, 5);
  test_ring(3, 1, 3, 3);
  test_ring(4, 40000, 8, 3); /* 160 KB partitions: rendezvous */
  test_ring(6, 7, 2, 4);
  test_many();
  test_truncation(8);
  test_truncation(40000);
  test_errors();
  return finish_ok();
}
