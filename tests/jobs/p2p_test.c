/* Point-to-point conformance test: every rank count from 1 up, any transport.
 * Prints "p2p_test: OK (<n> checks)" on rank 0; exits non-zero naming the failed check. */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int g_rank, g_size, g_checks;

#define CHECK(cond, ...)                                                                    \
  do {                                                                                      \
    ++g_checks;                                                                             \
    if (!(cond)) {                                                                          \
      fprintf(stderr, "p2p_test: rank %d: check failed at line %d: %s: ", g_rank, __LINE__, \
              #cond);                                                                       \
      fprintf(stderr, __VA_ARGS__);                                                         \
      fprintf(stderr, "\n");                                                                \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                         \
    }                                                                                       \
  } while (0)

static void test_ring(void) {
  int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  int token = g_rank * 100, got = -1;
  MPI_Status st;
  MPI_Sendrecv(&token, 1, MPI_INT, next, 7, &got, 1, MPI_INT, prev, 7, MPI_COMM_WORLD, &st);
  CHECK(got == prev * 100, "got %d from %d", got, prev);
  CHECK(st.MPI_SOURCE == prev && st.MPI_TAG == 7, "status %d/%d", st.MPI_SOURCE, st.MPI_TAG);
  int count = -1;
  MPI_Get_count(&st, MPI_INT, &count);
  CHECK(count == 1, "count %d", count);
}

static void test_self(void) {
  double out[4] = {1, 2, 3, 4}, in[4] = {0};
  MPI_Request r;
  MPI_Irecv(in, 4, MPI_DOUBLE, g_rank, 3, MPI_COMM_WORLD, &r);
  MPI_Send(out, 4, MPI_DOUBLE, g_rank, 3, MPI_COMM_WORLD);
  MPI_Wait(&r, MPI_STATUS_IGNORE);
  CHECK(in[3] == 4.0, "self message");
  /* A large message to self, unexpected first (rendezvous through the self transport). */
  size_t n = 1 << 20;
  char* big = malloc(n);
  char* dst = malloc(n);
  for (size_t i = 0; i < n; ++i) big[i] = (char)(i * 7);
  MPI_Isend(big, (int)n, MPI_CHAR, g_rank, 4, MPI_COMM_WORLD, &r);
  MPI_Recv(dst, (int)n, MPI_CHAR, g_rank, 4, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  MPI_Wait(&r, MPI_STATUS_IGNORE);
  CHECK(memcmp(big, dst, n) == 0, "large self message");
  free(big);
  free(dst);
}

/* Rank 0 receives from everybody with MPI_ANY_SOURCE; per-sender order must hold. */
static void test_any_source_and_order(void) {
  const int per = 50;
  if (g_rank == 0) {
    int* next_seq = calloc(g_size, sizeof(int));
    for (int i = 0; i < per * (g_size - 1); ++i) {
      int v[2];
      MPI_Status st;
      MPI_Recv(v, 2, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
      CHECK(v[0] == st.MPI_SOURCE, "payload names %d, status %d", v[0], st.MPI_SOURCE);
      CHECK(v[1] == next_seq[v[0]], "from %d got seq %d want %d", v[0], v[1], next_seq[v[0]]);
      CHECK(st.MPI_TAG == v[1] % 5, "tag %d", st.MPI_TAG);
      next_seq[v[0]]++;
    }
    free(next_seq);
  } else {
    for (int i = 0; i < per; ++i) {
      int v[2] = {g_rank, i};
      MPI_Send(v, 2, MPI_INT, 0, i % 5, MPI_COMM_WORLD);
    }
  }
  /* Nobody sends to rank 0 again before its MPI_ANY_TAG receives are done. */
  MPI_Barrier(MPI_COMM_WORLD);
  /* Non-overtaking with tags: receive tag 2 first, then tag 1, both from the same sender. */
  if (g_size >= 2 && g_rank < 2) {
    int other = 1 - g_rank;
    if (g_rank == 0) {
      int a = 1, b = 2, c = 3;
      MPI_Send(&a, 1, MPI_INT, other, 1, MPI_COMM_WORLD);
      MPI_Send(&b, 1, MPI_INT, other, 2, MPI_COMM_WORLD);
      MPI_Send(&c, 1, MPI_INT, other, 1, MPI_COMM_WORLD);
    } else {
      int x = 0, y = 0, z = 0;
      MPI_Recv(&y, 1, MPI_INT, other, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Recv(&x, 1, MPI_INT, other, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Recv(&z, 1, MPI_INT, other, MPI_ANY_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      CHECK(x == 1 && y == 2 && z == 3, "order %d %d %d", x, y, z);
    }
  }
}

static void test_large(size_t bytes) {
  if (g_size < 2 || g_rank > 1) return;
  unsigned char* buf = malloc(bytes);
  if (g_rank == 0) {
    for (size_t i = 0; i < bytes; ++i) buf[i] = (unsigned char)(i * 31 + 7);
    MPI_Send(buf, (int)bytes, MPI_BYTE, 1, 9, MPI_COMM_WORLD);
    MPI_Recv(buf, (int)bytes, MPI_BYTE, 1, 10, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    for (size_t i = 0; i < bytes; i += 4099)
      CHECK(buf[i] == (unsigned char)(i * 31 + 8), "echo byte %zu", i);
  } else {
    memset(buf, 0, bytes);
    MPI_Status st;
    MPI_Recv(buf, (int)bytes, MPI_BYTE, 0, 9, MPI_COMM_WORLD, &st);
    int count = 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    CHECK((size_t)count == bytes, "count %d", count);
    for (size_t i = 0; i < bytes; ++i) {
      if (buf[i] != (unsigned char)(i * 31 + 7)) CHECK(0, "byte %zu of %zu", i, bytes);
      buf[i]++;
    }
    MPI_Send(buf, (int)bytes, MPI_BYTE, 0, 10, MPI_COMM_WORLD);
  }
  free(buf);
}

/* Messages of 16-64 KiB, the largest eager ones over ofi (shm sends them as rendezvous): first
 * unexpected (sent before the receives are posted, the first one probed), then into receives
 * already posted. */
static void test_mid_sizes(void) {
  if (g_size < 2 || g_rank > 1) return;
  const int sizes[4] = {16384, 20000, 32768, 65536};
  unsigned char* buf[4];
  for (int k = 0; k < 4; ++k) {
    buf[k] = malloc(sizes[k]);
    for (int i = 0; i < sizes[k]; ++i) buf[k][i] = g_rank == 0 ? (unsigned char)(i * 13 + k) : 0;
  }
  for (int round = 0; round < 2; ++round) {
    /* A 0-byte token orders the two sides: it follows the messages (round 0) or the posted
     * receives (round 1) on the same path. */
    MPI_Request req[4];
    int posted_first = round == 1;
    if (g_rank == 1 && posted_first) {
      for (int k = 0; k < 4; ++k)
        MPI_Irecv(buf[k], sizes[k], MPI_BYTE, 0, 30, MPI_COMM_WORLD, &req[k]);
      MPI_Send(NULL, 0, MPI_BYTE, 0, 31, MPI_COMM_WORLD);
    }
    if (g_rank == 0) {
      if (posted_first) MPI_Recv(NULL, 0, MPI_BYTE, 1, 31, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      for (int k = 0; k < 4; ++k)
        MPI_Isend(buf[k], sizes[k], MPI_BYTE, 1, 30, MPI_COMM_WORLD, &req[k]);
      if (!posted_first) MPI_Send(NULL, 0, MPI_BYTE, 1, 31, MPI_COMM_WORLD);
    }
    if (g_rank == 1 && !posted_first) {
      MPI_Recv(NULL, 0, MPI_BYTE, 0, 31, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Status st;
      int count = 0;
      MPI_Probe(0, 30, MPI_COMM_WORLD, &st);
      MPI_Get_count(&st, MPI_BYTE, &count);
      CHECK(count == sizes[0], "probed count %d", count);
      for (int k = 0; k < 4; ++k)
        MPI_Irecv(buf[k], sizes[k], MPI_BYTE, 0, 30, MPI_COMM_WORLD, &req[k]);
    }
    MPI_Status st[4];
    MPI_Waitall(4, req, st);
    if (g_rank == 0) continue;
    for (int k = 0; k < 4; ++k) {
      int count = 0;
      MPI_Get_count(&st[k], MPI_BYTE, &count);
      CHECK(count == sizes[k], "round %d message %d: count %d", round, k, count);
      for (int i = 0; i < sizes[k]; ++i) {
        if (buf[k][i] != (unsigned char)(i * 13 + k)) {
          CHECK(0, "round %d message %d: byte %d", round, k, i);
          break;
        }
      }
      memset(buf[k], 0, sizes[k]);
    }
  }
  for (int k = 0; k < 4; ++k) free(buf[k]);
}

/* One send buffer, rewritten as soon as each send completes, to a receiver that starts late
 * (its socket fills up over ofi): a send that completed before its data had left would deliver
 * the next pattern. Over ofi, eager payloads from 16 KiB leave from the sender's memory. */
static void test_reused_send_buffer(void) {
  if (g_size < 2 || g_rank > 1) return;
  enum { kCount = 160, kBytes = 65536 };
  unsigned char* buf = malloc(kBytes);
  for (int k = 0; k < kCount; ++k) {
    int n = k % 2 ? kBytes : 20000;
    if (g_rank == 0) {
      for (int i = 0; i < n; ++i) buf[i] = (unsigned char)(i * 7 + k);
      if (k % 3 == 0) {
        MPI_Send(buf, n, MPI_BYTE, 1, 60, MPI_COMM_WORLD);
      } else {
        MPI_Request r;
        MPI_Isend(buf, n, MPI_BYTE, 1, 60, MPI_COMM_WORLD, &r);
        MPI_Wait(&r, MPI_STATUS_IGNORE);
      }
      continue;
    }
    if (k == 0) {
      struct timespec late = {0, 300 * 1000 * 1000};
      nanosleep(&late, NULL);
    }
    MPI_Recv(buf, n, MPI_BYTE, 0, 60, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    for (int i = 0; i < n; ++i) {
      if (buf[i] != (unsigned char)(i * 7 + k)) {
        CHECK(0, "message %d of %d bytes: byte %d is %d, want %d", k, n, i, buf[i],
              (unsigned char)(i * 7 + k));
        break;
      }
    }
  }
  free(buf);
}

static void test_truncate(void) {
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int peer = g_size > 1 ? (g_rank ^ 1) : g_rank;
  if (peer >= g_size) peer = g_rank;
  size_t sizes[3] = {64, 32768, 100000}; /* eager, eager over ofi, rendezvous */
  for (int k = 0; k < 3; ++k) {
    int n = (int)sizes[k];
    char* out = calloc(n, 1);
    char* in = calloc(n, 1);
    MPI_Request r;
    MPI_Status st;
    MPI_Isend(out, n, MPI_CHAR, peer, 20 + k, MPI_COMM_WORLD, &r);
    int rc = MPI_Recv(in, n / 2, MPI_CHAR, peer, 20 + k, MPI_COMM_WORLD, &st);
    int cls = -1;
    MPI_Error_class(rc, &cls);
    CHECK(cls == MPI_ERR_TRUNCATE, "size %d: class %d", n, cls);
    MPI_Wait(&r, MPI_STATUS_IGNORE);
    free(out);
    free(in);
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

/* Contiguous messages at every protocol edge, both directions at once: sizes around a shm slot's
 * payload (16440: the eager limit), the single-copy threshold (16 KiB), the cooperative-read one
 * (1 MiB) and odd sizes between, each sent to both ring neighbours while both are received
 * (ANY_SOURCE for one of them on odd sizes: the tag tells the two apart). Then a truncated
 * receive at each size: MPI_ERR_TRUNCATE, the part that fits delivered, the byte after it
 * untouched. Every byte is checked. */
static unsigned char EdgeByte(int sender, size_t n, size_t i, int dir) {
  return (unsigned char)((i * 131 + n * 7 + (size_t)sender * 31 + (size_t)dir * 101) >> 3 ^ i);
}

static void test_protocol_edges(void) {
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  const int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  const size_t sizes[] = {8191,   8192,   8193,    12345,   16383,   16384,  16385,
                          16439,  16440,  16441,   16448,   24577,   65535,  65537,
                          131071, 131073, 1048575, 1048576, 1048577, 1052673};
  for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); ++k) {
    const size_t n = sizes[k];
    unsigned char* out[2];
    unsigned char* in[2];
    for (int d = 0; d < 2; ++d) {
      out[d] = malloc(n);
      in[d] = malloc(n + 1);
      for (size_t i = 0; i < n; ++i) out[d][i] = EdgeByte(g_rank, n, i, d);
      memset(in[d], 0xa5, n + 1);
    }
    for (int cut = 0; cut < 2; ++cut) {
      const int cap = (int)(cut ? n - 1 - n / 3 : n);
      MPI_Request rq[4];
      MPI_Status st[4];
      /* Direction 0 goes to next (arrives from prev), direction 1 to prev. */
      MPI_Irecv(in[0], cap, MPI_BYTE, n % 2 ? MPI_ANY_SOURCE : prev, 40, MPI_COMM_WORLD, &rq[0]);
      MPI_Irecv(in[1], (int)n, MPI_BYTE, next, 41, MPI_COMM_WORLD, &rq[1]);
      MPI_Isend(out[0], (int)n, MPI_BYTE, next, 40, MPI_COMM_WORLD, &rq[2]);
      MPI_Isend(out[1], (int)n, MPI_BYTE, prev, 41, MPI_COMM_WORLD, &rq[3]);
      int rc = MPI_Waitall(4, rq, st);
      if (cut) {
        int cls = -1;
        MPI_Error_class(st[0].MPI_ERROR, &cls);
        CHECK(rc == MPI_ERR_IN_STATUS && cls == MPI_ERR_TRUNCATE, "size %zu cut: rc %d class %d", n,
              rc, cls);
      } else {
        int count = -1;
        MPI_Get_count(&st[0], MPI_BYTE, &count);
        CHECK(rc == MPI_SUCCESS && count == (int)n && st[0].MPI_SOURCE == prev,
              "size %zu: rc %d count %d source %d", n, rc, count, st[0].MPI_SOURCE);
      }
      size_t bad = 0;
      for (size_t i = 0; i < (size_t)cap; ++i) bad += in[0][i] != EdgeByte(prev, n, i, 0);
      for (size_t i = 0; i < n; ++i) bad += in[1][i] != EdgeByte(next, n, i, 1);
      bad += in[0][cap] != 0xa5;
      CHECK(bad == 0, "size %zu cut %d: %zu wrong bytes", n, cut, bad);
      memset(in[0], 0xa5, n + 1);
      MPI_Barrier(MPI_COMM_WORLD);
    }
    for (int d = 0; d < 2; ++d) free(out[d]), free(in[d]);
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

/* Over shm a blocking contiguous send from ZMPI_SINGLE_COPY_MIN (8 KiB) to the eager limit is
 * read (kRts, kFin); MPI_Isend of the same sizes goes eagerly. Windows of 8-16 KiB messages of
 * mixed sizes from rank 0 to rank 1, reads and eager frames alternating, must arrive whole and
 * in order, whether the receives were posted first (round 0), come after the messages (round 1:
 * all nonblocking, unexpected) or are ANY_SOURCE / ANY_TAG (round 2); then blocking ping-pongs. */
static void test_read_then_eager(void) {
  if (g_size < 2 || g_rank > 1) return;
  enum { kWindow = 6 };
  const int sizes[kWindow] = {8192, 16440, 8193, 12345, 16384, 9000};
  unsigned char* buf[kWindow];
  for (int k = 0; k < kWindow; ++k) buf[k] = malloc(16440); /* room for any of them */
  for (int round = 0; round < 3; ++round) {
    MPI_Request rq[kWindow];
    MPI_Status st[kWindow];
    for (int k = 0; k < kWindow; ++k) {
      for (int i = 0; i < sizes[k]; ++i) {
        buf[k][i] = g_rank == 0 ? (unsigned char)(i * 7 + k * 29 + round) : 0;
      }
    }
    if (g_rank == 0) {
      if (round != 1) MPI_Recv(NULL, 0, MPI_BYTE, 1, 61, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      for (int k = 0; k < kWindow; ++k) {
        /* Receives posted (rounds 0, 2): even messages go blocking (read), odd ones eagerly. */
        if (round != 1 && k % 2 == 0) {
          MPI_Send(buf[k], sizes[k], MPI_BYTE, 1, 60 + (k & 1) * 2, MPI_COMM_WORLD);
          rq[k] = MPI_REQUEST_NULL;
        } else {
          MPI_Isend(buf[k], sizes[k], MPI_BYTE, 1, 60 + (k & 1) * 2, MPI_COMM_WORLD, &rq[k]);
        }
      }
      if (round == 1) MPI_Send(NULL, 0, MPI_BYTE, 1, 61, MPI_COMM_WORLD);
      MPI_Waitall(kWindow, rq, MPI_STATUSES_IGNORE);
      continue;
    }
    if (round == 1) MPI_Recv(NULL, 0, MPI_BYTE, 0, 61, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    for (int k = 0; k < kWindow; ++k) {
      if (round == 2) {
        MPI_Irecv(buf[k], 16440, MPI_BYTE, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &rq[k]);
      } else {
        MPI_Irecv(buf[k], sizes[k], MPI_BYTE, 0, 60 + (k & 1) * 2, MPI_COMM_WORLD, &rq[k]);
      }
    }
    if (round != 1) MPI_Send(NULL, 0, MPI_BYTE, 0, 61, MPI_COMM_WORLD);
    int rc = MPI_Waitall(kWindow, rq, st);
    CHECK(rc == MPI_SUCCESS, "round %d: MPI_Waitall returned %d", round, rc);
    for (int k = 0; k < kWindow; ++k) {
      int count = -1, bad = 0;
      MPI_Get_count(&st[k], MPI_BYTE, &count);
      CHECK(count == sizes[k] && st[k].MPI_SOURCE == 0 && st[k].MPI_TAG == 60 + (k & 1) * 2,
            "round %d message %d: count %d source %d tag %d", round, k, count, st[k].MPI_SOURCE,
            st[k].MPI_TAG);
      for (int i = 0; i < sizes[k]; ++i)
        bad += buf[k][i] != (unsigned char)(i * 7 + k * 29 + round);
      CHECK(bad == 0, "round %d message %d: %d wrong bytes", round, k, bad);
    }
  }
  for (int k = 0; k < kWindow; ++k) {
    for (int rep = 0; rep < 3; ++rep) {
      for (int i = 0; i < sizes[k]; ++i) buf[k][i] = (unsigned char)(i + rep + g_rank * 3);
      if (g_rank == 0) {
        MPI_Send(buf[k], sizes[k], MPI_BYTE, 1, 63, MPI_COMM_WORLD);
        MPI_Recv(buf[k], sizes[k], MPI_BYTE, 1, 63, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      } else {
        MPI_Recv(buf[k], sizes[k], MPI_BYTE, 0, 63, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(buf[k], sizes[k], MPI_BYTE, 0, 63, MPI_COMM_WORLD);
      }
      int bad = 0;
      for (int i = 0; i < sizes[k]; ++i) bad += buf[k][i] != (unsigned char)(i + rep);
      CHECK(bad == 0, "ping-pong size %d rep %d: %d wrong bytes", sizes[k], rep, bad);
    }
  }
  for (int k = 0; k < kWindow; ++k) free(buf[k]);
}

/* A receive that matches a rendezvous announcement already waiting starts the transfer in the
 * next progress pass, not inside MPI_Irecv: cancelling it then must fail (it is matched) and it
 * completes with the data; one freed at once with MPI_Request_free still takes the data (the
 * sender's request completes). Rank 0 sends, rank 1 receives after a token says the messages
 * are announced. */
static void test_deferred_rendezvous(void) {
  if (g_size < 2) return;
  const int n = 200000;
  if (g_rank > 1) {
    MPI_Barrier(MPI_COMM_WORLD);
    return;
  }
  unsigned char* a = malloc(n);
  unsigned char* b = malloc(n);
  for (int i = 0; i < n; ++i) a[i] = g_rank == 0 ? (unsigned char)(i * 7 + 3) : 0;
  for (int i = 0; i < n; ++i) b[i] = g_rank == 0 ? (unsigned char)(i * 5 + 1) : 0;
  if (g_rank == 0) {
    MPI_Request rq[2];
    MPI_Isend(a, n, MPI_BYTE, 1, 50, MPI_COMM_WORLD, &rq[0]);
    MPI_Isend(b, n, MPI_BYTE, 1, 51, MPI_COMM_WORLD, &rq[1]);
    MPI_Send(NULL, 0, MPI_BYTE, 1, 52, MPI_COMM_WORLD);
    MPI_Waitall(2, rq, MPI_STATUSES_IGNORE);
  } else {
    MPI_Recv(NULL, 0, MPI_BYTE, 0, 52, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    int flag = 0;
    MPI_Status st;
    while (!flag) MPI_Iprobe(0, 51, MPI_COMM_WORLD, &flag, &st); /* both announced */
    MPI_Request r;
    MPI_Irecv(a, n, MPI_BYTE, 0, 50, MPI_COMM_WORLD, &r);
    MPI_Cancel(&r);
    MPI_Wait(&r, &st);
    int cancelled = 1, count = -1;
    MPI_Test_cancelled(&st, &cancelled);
    MPI_Get_count(&st, MPI_BYTE, &count);
    CHECK(!cancelled && count == n, "matched receive: cancelled %d count %d", cancelled, count);
    MPI_Irecv(b, n, MPI_BYTE, 0, 51, MPI_COMM_WORLD, &r);
    MPI_Request_free(&r);
  }
  MPI_Barrier(MPI_COMM_WORLD); /* the sender's Waitall returned: the freed receive took it */
  if (g_rank == 1) {
    int bad = 0;
    for (int i = 0; i < n; ++i) bad += a[i] != (unsigned char)(i * 7 + 3);
    for (int i = 0; i < n; ++i) bad += b[i] != (unsigned char)(i * 5 + 1);
    CHECK(bad == 0, "%d wrong bytes", bad);
  }
  free(a);
  free(b);
}

static void test_bad_arguments(void) {
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int x = 0, cls = -1;
  MPI_Error_class(MPI_Send(&x, 1, MPI_INT, g_size, 0, MPI_COMM_WORLD), &cls);
  CHECK(cls == MPI_ERR_RANK, "rank class %d", cls);
  MPI_Error_class(MPI_Send(&x, 1, MPI_INT, 0, -5, MPI_COMM_WORLD), &cls);
  CHECK(cls == MPI_ERR_TAG, "tag class %d", cls);
  MPI_Error_class(MPI_Send(&x, -1, MPI_INT, 0, 0, MPI_COMM_WORLD), &cls);
  CHECK(cls == MPI_ERR_COUNT, "count class %d", cls);
  MPI_Error_class(MPI_Send(&x, 1, MPI_DATATYPE_NULL, 0, 0, MPI_COMM_WORLD), &cls);
  CHECK(cls == MPI_ERR_TYPE, "type class %d", cls);
  MPI_Error_class(MPI_Send(&x, 1, MPI_INT, 0, 0, (MPI_Comm)0x12345), &cls);
  CHECK(cls == MPI_ERR_COMM, "comm class %d", cls);
  MPI_Error_class(MPI_Bcast(&x, 1, MPI_INT, g_size + 3, MPI_COMM_WORLD), &cls);
  CHECK(cls == MPI_ERR_ROOT, "root class %d", cls);
  MPI_Error_class(MPI_Allreduce(&x, &cls, 1, MPI_INT, (MPI_Op)0x777, MPI_COMM_WORLD), &cls);
  CHECK(cls == MPI_ERR_OP, "op class %d", cls);
  MPI_Request bogus = (MPI_Request)0x2c00ff00;
  MPI_Error_class(MPI_Wait(&bogus, MPI_STATUS_IGNORE), &cls);
  CHECK(cls == MPI_ERR_REQUEST, "request class %d", cls);
  char msg[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(MPI_ERR_TRUNCATE, msg, &len);
  CHECK(len > 0 && strstr(msg, "trunc") != NULL, "error string '%s'", msg);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
}

static void test_modes_and_completion(void) {
  int peer = (g_rank + 1) % g_size, from = (g_rank + g_size - 1) % g_size;
  int a = g_rank, b = -1;
  MPI_Request rr[3];
  /* Ssend completes only after the match; Irecv is posted first so it cannot deadlock. */
  MPI_Irecv(&b, 1, MPI_INT, from, 30, MPI_COMM_WORLD, &rr[0]);
  MPI_Ssend(&a, 1, MPI_INT, peer, 30, MPI_COMM_WORLD);
  MPI_Wait(&rr[0], MPI_STATUS_IGNORE);
  CHECK(b == from, "ssend got %d", b);
  /* Rsend with the receive already posted (barrier guarantees it). */
  MPI_Irecv(&b, 1, MPI_INT, from, 31, MPI_COMM_WORLD, &rr[0]);
  MPI_Barrier(MPI_COMM_WORLD);
  MPI_Rsend(&a, 1, MPI_INT, peer, 31, MPI_COMM_WORLD);
  MPI_Wait(&rr[0], MPI_STATUS_IGNORE);
  CHECK(b == from, "rsend got %d", b);
  /* Waitany / Waitsome / Testall / Testany over three receives. */
  int in[3] = {-1, -1, -1}, out[3] = {g_rank, g_rank + 1, g_rank + 2};
  for (int i = 0; i < 3; ++i) MPI_Irecv(&in[i], 1, MPI_INT, from, 40 + i, MPI_COMM_WORLD, &rr[i]);
  MPI_Request sr[3];
  for (int i = 2; i >= 0; --i)
    MPI_Issend(&out[i], 1, MPI_INT, peer, 40 + i, MPI_COMM_WORLD, &sr[i]);
  int index = -1, done = 0, outcount = 0, indices[3];
  MPI_Status st;
  MPI_Waitany(3, rr, &index, &st);
  CHECK(index >= 0 && index < 3 && rr[index] == MPI_REQUEST_NULL, "waitany index %d", index);
  CHECK(st.MPI_TAG == 40 + index, "waitany tag %d", st.MPI_TAG);
  done = 1;
  while (done < 3) {
    MPI_Waitsome(3, rr, &outcount, indices, MPI_STATUSES_IGNORE);
    CHECK(outcount >= 1, "waitsome outcount %d", outcount);
    done += outcount;
  }
  MPI_Waitsome(3, rr, &outcount, indices, MPI_STATUSES_IGNORE);
  CHECK(outcount == MPI_UNDEFINED, "waitsome on null requests gives %d", outcount);
  int flag = 0;
  for (int spins = 0; !flag && spins < 100000000; ++spins)
    MPI_Testall(3, sr, &flag, MPI_STATUSES_IGNORE);
  CHECK(flag, "testall never completed");
  for (int i = 0; i < 3; ++i) CHECK(in[i] == from + i, "in[%d]=%d", i, in[i]);
  MPI_Testany(3, sr, &index, &flag, MPI_STATUS_IGNORE);
  CHECK(flag && index == MPI_UNDEFINED, "testany on null requests");
}

static void test_probe_cancel_free(void) {
  int peer = (g_rank + 1) % g_size, from = (g_rank + g_size - 1) % g_size;
  double v[5] = {1, 2, 3, 4, 5};
  MPI_Request sr;
  MPI_Isend(v, 5, MPI_DOUBLE, peer, 50, MPI_COMM_WORLD, &sr);
  MPI_Status st;
  MPI_Probe(from, 50, MPI_COMM_WORLD, &st);
  int count = 0;
  MPI_Get_count(&st, MPI_DOUBLE, &count);
  CHECK(count == 5 && st.MPI_SOURCE == from, "probe count %d source %d", count, st.MPI_SOURCE);
  MPI_Get_count(&st, MPI_LONG_DOUBLE, &count);
  CHECK(count == MPI_UNDEFINED, "get_count with a bigger type gives %d", count);
  int flag = 0;
  MPI_Iprobe(from, 51, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
  CHECK(!flag, "iprobe for an unsent tag");
  double w[5];
  MPI_Recv(w, 5, MPI_DOUBLE, from, 50, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  MPI_Request_free(&sr); /* completes later by itself */
  CHECK(sr == MPI_REQUEST_NULL, "request_free resets the handle");
  MPI_Request rr;
  MPI_Irecv(w, 5, MPI_DOUBLE, from, 52, MPI_COMM_WORLD, &rr);
  MPI_Cancel(&rr);
  MPI_Wait(&rr, &st);
  MPI_Test_cancelled(&st, &flag);
  CHECK(flag, "cancelled receive");
  /* PROC_NULL is a no-op with the standard's status. */
  MPI_Recv(w, 5, MPI_DOUBLE, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &st);
  MPI_Get_count(&st, MPI_DOUBLE, &count);
  CHECK(st.MPI_SOURCE == MPI_PROC_NULL && count == 0, "proc_null recv");
  MPI_Send(w, 5, MPI_DOUBLE, MPI_PROC_NULL, 0, MPI_COMM_WORLD);
  MPI_Barrier(MPI_COMM_WORLD);
}

static void test_comms(void) {
  MPI_Comm dup, half;
  MPI_Comm_dup(MPI_COMM_WORLD, &dup);
  int result = -1;
  MPI_Comm_compare(MPI_COMM_WORLD, dup, &result);
  CHECK(result == MPI_CONGRUENT, "compare dup %d", result);
  /* Same tag on two communicators: each receive gets its own communicator's message. */
  int peer = (g_rank + 1) % g_size, from = (g_rank + g_size - 1) % g_size;
  int a = 1, b = 2, x = 0, y = 0;
  MPI_Request r[2];
  MPI_Isend(&a, 1, MPI_INT, peer, 5, MPI_COMM_WORLD, &r[0]);
  MPI_Isend(&b, 1, MPI_INT, peer, 5, dup, &r[1]);
  MPI_Recv(&y, 1, MPI_INT, from, 5, dup, MPI_STATUS_IGNORE);
  MPI_Recv(&x, 1, MPI_INT, from, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  MPI_Waitall(2, r, MPI_STATUSES_IGNORE);
  CHECK(x == 1 && y == 2, "contexts mixed: %d %d", x, y);
  MPI_Comm_split(MPI_COMM_WORLD, g_rank % 2, -g_rank, &half);
  int hr, hs;
  MPI_Comm_rank(half, &hr);
  MPI_Comm_size(half, &hs);
  int expect_size = (g_size + 1 - g_rank % 2) / 2;
  CHECK(hs == expect_size, "split size %d want %d", hs, expect_size);
  CHECK(hr == hs - 1 - g_rank / 2, "split rank %d (key orders descending)", hr);
  MPI_Comm_compare(MPI_COMM_WORLD, half, &result);
  CHECK(result == (g_size == 1 ? MPI_CONGRUENT : MPI_UNEQUAL), "compare split %d", result);
  MPI_Comm none;
  MPI_Comm_split(MPI_COMM_WORLD, g_rank == 0 ? MPI_UNDEFINED : 1, 0, &none);
  CHECK((g_rank == 0) == (none == MPI_COMM_NULL), "undefined color");
  if (none != MPI_COMM_NULL) MPI_Comm_free(&none);
  MPI_Comm_free(&half);
  MPI_Comm_free(&dup);
  CHECK(dup == MPI_COMM_NULL, "comm_free resets the handle");
  MPI_Comm_compare(MPI_COMM_SELF, MPI_COMM_SELF, &result);
  CHECK(result == MPI_IDENT, "self ident");
}

static void test_environment(void) {
  int v, sv, len, size;
  MPI_Get_version(&v, &sv);
  CHECK(v == MPI_VERSION && sv == MPI_SUBVERSION, "version");
  char name[MPI_MAX_PROCESSOR_NAME];
  MPI_Get_processor_name(name, &len);
  CHECK(len > 0 && (int)strlen(name) == len, "processor name");
  MPI_Type_size(MPI_DOUBLE, &size);
  CHECK(size == 8, "double size");
  MPI_Type_size(MPI_SHORT_INT, &size);
  CHECK(size == (int)(sizeof(short) + sizeof(int)), "short_int size %d", size); /* MPI's */
  char tn[MPI_MAX_OBJECT_NAME];
  MPI_Type_get_name(MPI_UNSIGNED_LONG_LONG, tn, &len);
  CHECK(strcmp(tn, "MPI_UNSIGNED_LONG_LONG") == 0, "type name %s", tn);
  double t0 = MPI_Wtime(), tick = MPI_Wtick();
  CHECK(tick > 0 && tick < 1e-3 && MPI_Wtime() >= t0, "clock");
  int flag = 0, provided = -1;
  MPI_Initialized(&flag);
  CHECK(flag, "initialized");
  MPI_Query_thread(&provided);
  CHECK(provided >= MPI_THREAD_FUNNELED, "thread level %d", provided);
}

int main(int argc, char** argv) {
  int provided = -1;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  size_t large = argc > 1 ? (size_t)atol(argv[1]) : (size_t)64 << 20;
  test_environment();
  test_ring();
  test_self();
  test_any_source_and_order();
  test_modes_and_completion();
  test_probe_cancel_free();
  test_mid_sizes();
  test_reused_send_buffer();
  test_truncate();
  test_protocol_edges();
  test_read_then_eager();
  test_deferred_rendezvous();
  test_bad_arguments();
  test_comms();
  test_large(1000);
  test_large(200000);
  test_large(large);
  MPI_Barrier(MPI_COMM_WORLD);
  if (g_rank == 0) printf("p2p_test: OK (%d checks on rank 0, %d ranks)\n", g_checks, g_size);
  MPI_Finalize();
  int finalized = 0;
  MPI_Finalized(&finalized);
  return finalized ? 0 : 3;
}
