/* Derived datatypes across every size boundary of the point-to-point protocol: messages that
 * pack straight into transport frames (eager), stream chunk by chunk through them (packed by
 * the sender, unpacked by the receiver into its layout as they arrive), or are read in one copy;
 * their sizes just below, at and above the eager limit (16 KiB), a ring slot's payload (16440
 * bytes), the single-copy threshold (128 KiB) and beyond 1 MiB, odd sizes (3-byte blocks),
 * zero counts, truncation (MPI_ERR_TRUNCATE, with the part that fits delivered and nothing
 * written past the receive's layout), unexpected messages, a window of messages that fills the
 * transport, matched probes, synchronous sends, and every pairing of contiguous, small-piece
 * and large-piece layouts. Every element carries a value naming its sender, message and
 * position, and every gap of a receive layout is checked untouched, so a piece packed from or
 * unpacked to the wrong place, or twice, fails. Uses only <mpi.h>. Prints
 * "datatype_paths_test: OK (<n> checks)" on rank 0. */
#define kTestName "datatype_paths_test"

#include <stdint.h>

#include "datatype_check.h"

/* One side of a message: `n` base elements (MPI_DOUBLE or MPI_CHAR) in blocks of `bl`,
 * `stride` elements apart (stride == bl: contiguous, sent as n base elements). */
typedef struct Side {
  MPI_Datatype base;
  int esize;
  long bl, stride;
} Side;

static const Side kDoubles = {MPI_DOUBLE, 8, 1, 1};
static const Side kColumn = {MPI_DOUBLE, 8, 1, 8};  /* halo2d's column: 8-byte pieces */
static const Side kRows = {MPI_DOUBLE, 8, 96, 100}; /* 768-byte pieces: read as a layout */
static const Side kChars = {MPI_CHAR, 1, 1, 1};
static const Side kTriples = {MPI_CHAR, 1, 3, 7}; /* odd sizes */

/* Index (in base elements) of signature element k in a side's buffer. */
static long Index(const Side *s, long k) { return (k / s->bl) * s->stride + k % s->bl; }
static long Span(const Side *s, long n) { return n == 0 ? 0 : Index(s, n - 1) + 1; }

/* The value element k of message `msg` from `sender` carries (as a double or one byte). */
static double Value(int sender, int msg, long k) { return sender * 1e9 + msg * 1e6 + k; }
static unsigned char Byte(int sender, int msg, long k) {
  uint32_t x = (uint32_t)k * 2654435761u ^ (uint32_t)(sender * 977 + msg * 131);
  return (unsigned char)(x >> 11 ^ x);
}
static const unsigned char kGap = 0xee; /* what the gaps of a char receive hold */

/* The datatype and count for n elements of a side (count 1 of a vector, or n contiguous). */
static MPI_Datatype TypeFor(const Side *s, long n, int *count) {
  if (n % s->bl != 0) fail("test bug: %ld elements in blocks of %ld", n, s->bl);
  if (s->bl == s->stride || n == 0) {
    *count = (int)n;
    return s->base;
  }
  MPI_Datatype t;
  CALL(MPI_Type_vector((int)(n / s->bl), (int)s->bl, (int)s->stride, s->base, &t));
  CALL(MPI_Type_commit(&t));
  *count = 1;
  return t;
}

static void FreeType(const Side *s, MPI_Datatype *t) {
  if (*t != s->base) CALL(MPI_Type_free(t));
}

static void *Fill(const Side *s, long n, int msg) {
  long span = Span(s, n);
  char *buf = xmalloc((size_t)(span + 1) * s->esize);
  for (long i = 0; i <= span; ++i) {
    if (s->esize == 8)
      ((double *)buf)[i] = -2.0;
    else
      buf[i] = 0x55;
  }
  for (long k = 0; k < n; ++k) {
    if (s->esize == 8)
      ((double *)buf)[Index(s, k)] = Value(g_me, msg, k);
    else
      buf[Index(s, k)] = (char)Byte(g_me, msg, k);
  }
  return buf;
}

/* A receive buffer of capacity `cap` elements plus one element past its span, all gaps. */
static void *Blank(const Side *s, long cap) {
  long span = Span(s, cap) + 1;
  char *buf = xmalloc((size_t)span * s->esize);
  for (long i = 0; i < span; ++i) {
    if (s->esize == 8)
      ((double *)buf)[i] = -1.0;
    else
      buf[i] = (char)kGap;
  }
  return buf;
}

/* The first `got` elements hold what `sender` sent as message `msg`; every other cell (gaps,
 * elements past `got`, the cell past the span) is untouched. */
static void Verify(const char *what, const Side *s, const void *buf, long cap, long got, int sender,
                   int msg) {
  long span = Span(s, cap) + 1, bad = 0, first = -1;
  for (long i = 0, k = 0; i < span; ++i) {
    int is_elem = k < cap && i == Index(s, k);
    int ok;
    if (s->esize == 8) {
      double v = ((const double *)buf)[i];
      ok = is_elem && k < got ? v == Value(sender, msg, k) : v == -1.0;
    } else {
      unsigned char v = ((const unsigned char *)buf)[i];
      ok = is_elem && k < got ? v == Byte(sender, msg, k) : v == kGap;
    }
    if (!ok && bad++ == 0) first = i;
    if (is_elem) ++k;
  }
  if (bad) fail("%s: %ld wrong cells, first at %ld (cap %ld, got %ld)", what, bad, first, cap, got);
  ++g_checks;
}

enum { kIsend = 1, kSsend = 2, kUnexpected = 4, kBlocking = 8 };

/* Rank r sends n elements of `from` to r + 1; r + 1 receives into `cap` elements of `to`.
 * With cap < n the receive must fail with MPI_ERR_TRUNCATE and hold the first cap elements. */
static void Exchange(const char *name, const Side *from, const Side *to, long n, long cap, int how,
                     int msg) {
  char what[160];
  snprintf(what, sizeof(what), "%s n=%ld cap=%ld how=%d", name, n, cap, how);
  g_label = what;
  int scount, rcount;
  MPI_Datatype st = TypeFor(from, n, &scount), rt = TypeFor(to, cap, &rcount);
  void *src = Fill(from, n, msg), *dst = Blank(to, cap);
  MPI_Request rq = MPI_REQUEST_NULL, sq = MPI_REQUEST_NULL;
  MPI_Status status;
  const int tag = 100 + msg;
  if (how & kUnexpected) {
    /* The message (or its announcement) is there before the receive: it waits unexpected. */
    CALL(MPI_Isend(src, scount, st, next_rank(), tag, MPI_COMM_WORLD, &sq));
    CALL(MPI_Barrier(MPI_COMM_WORLD));
    CALL(MPI_Irecv(dst, rcount, rt, prev_rank(), tag, MPI_COMM_WORLD, &rq));
  } else {
    CALL(MPI_Irecv(dst, rcount, rt, prev_rank(), tag, MPI_COMM_WORLD, &rq));
    if (how & kSsend) {
      CALL(MPI_Issend(src, scount, st, next_rank(), tag, MPI_COMM_WORLD, &sq));
    } else if (how & kBlocking) {
      CALL(MPI_Send(src, scount, st, next_rank(), tag, MPI_COMM_WORLD));
    } else {
      CALL(MPI_Isend(src, scount, st, next_rank(), tag, MPI_COMM_WORLD, &sq));
    }
  }
  int rc = MPI_Wait(&rq, &status);
  CALL(MPI_Wait(&sq, MPI_STATUS_IGNORE));
  long got = n < cap ? n : cap;
  if (n > cap) {
    CHECK(err_class(rc) == MPI_ERR_TRUNCATE, "%s: class %d, want MPI_ERR_TRUNCATE", what,
          err_class(rc));
  } else {
    CHECK(rc == MPI_SUCCESS, "%s: error %d", what, rc);
    int elements = -1;
    CALL(MPI_Get_elements(&status, to->base, &elements));
    CHECK(elements == n, "%s: Get_elements %d", what, elements);
  }
  CHECK(status.MPI_SOURCE == prev_rank() && status.MPI_TAG == tag, "%s: status %d/%d", what,
        status.MPI_SOURCE, status.MPI_TAG);
  Verify(what, to, dst, cap, got, prev_rank(), msg);
  FreeType(from, &st);
  FreeType(to, &rt);
  free(src), free(dst);
  CALL(MPI_Barrier(MPI_COMM_WORLD)); /* one message at a time: tags stay apart */
}

/* Sizes in bytes around every boundary: eager limit 16384, a slot's payload 16440, two and
 * many slots, the single-copy threshold 131072, and past 1 MiB. */
static const long kBytes[] = {8,     1024,  16376,  16384,  16392,  16440,  16448,
                              32768, 65544, 131064, 131072, 131080, 1048584};

static void AllPairings(void) {
  const Side *sides[] = {&kDoubles, &kColumn, &kRows};
  const char *names[] = {"contig", "column", "rows"};
  int msg = 0;
  for (size_t b = 0; b < sizeof(kBytes) / sizeof(kBytes[0]); ++b) {
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) {
        if (i == 0 && j == 0) continue;
        long n = kBytes[b] / 8;
        /* Rows take whole blocks: round n down to a multiple of 96 (at least one block). */
        if (sides[i]->bl > 1 || sides[j]->bl > 1) n = n / 96 * 96 > 0 ? n / 96 * 96 : 96;
        char name[64];
        snprintf(name, sizeof(name), "%s->%s", names[i], names[j]);
        Exchange(name, sides[i], sides[j], n, n, 0, ++msg % 1000);
        if (kBytes[b] == 16440 || kBytes[b] == 131080 || kBytes[b] == 1024)
          Exchange(name, sides[i], sides[j], n, n, kBlocking, ++msg % 1000);
      }
    }
  }
}

/* Odd sizes in 3-byte pieces, both directions and both derived. */
static void OddSizes(void) {
  const long bytes[] = {3, 16383, 16386, 16440, 16443, 49155, 131073, 1048575};
  int msg = 0;
  for (size_t b = 0; b < sizeof(bytes) / sizeof(bytes[0]); ++b) {
    long n = bytes[b];
    Exchange("triples->chars", &kTriples, &kChars, n, n, 0, ++msg);
    Exchange("chars->triples", &kChars, &kTriples, n, n, 0, ++msg);
    Exchange("triples->triples", &kTriples, &kTriples, n, n, kBlocking, ++msg);
  }
}

/* Truncation on every path: the receive takes what fits, says MPI_ERR_TRUNCATE, writes nothing
 * past its layout. Unexpected and synchronous forms, and zero counts. */
static void Edges(void) {
  const long sizes[] = {16, 2048, 2056, 8192, 16385, 131072};
  int msg = 500;
  for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); ++i) {
    long n = sizes[i];
    Exchange("trunc column->column", &kColumn, &kColumn, n, n / 2 + 1, 0, ++msg);
    Exchange("trunc contig->column", &kDoubles, &kColumn, n, n - 1, 0, ++msg);
    Exchange("trunc column->contig", &kColumn, &kDoubles, n, n / 3, 0, ++msg);
    Exchange("unexpected column->column", &kColumn, &kColumn, n, n, kUnexpected, ++msg);
    Exchange("ssend column->column", &kColumn, &kColumn, n, n, kSsend, ++msg);
    Exchange("trunc unexpected", &kColumn, &kColumn, n, n / 2, kUnexpected, ++msg);
  }
  Exchange("rows trunc", &kRows, &kRows, 96 * 200, 96 * 100, 0, ++msg);
  Exchange("4 MiB column->column", &kColumn, &kColumn, 524288, 524288, 0, ++msg);
  Exchange("zero", &kColumn, &kColumn, 0, 0, 0, ++msg);
  Exchange("zero into column", &kColumn, &kColumn, 0, 100, 0, ++msg);
  Exchange("zero triples", &kTriples, &kTriples, 0, 30, kBlocking, ++msg);
}

/* A window of derived sends that overfills the transport (64 x 8 KiB and 16 x 96 KiB), checked
 * in order: frames that wait for room pack into staging and leave behind the others. */
static void Window(long n, int count) {
  g_label = "window";
  int sc, rc;
  MPI_Datatype st = TypeFor(&kColumn, n, &sc), rt = TypeFor(&kColumn, n, &rc);
  void **src = xmalloc(sizeof(void *) * count), **dst = xmalloc(sizeof(void *) * count);
  MPI_Request *rq = xmalloc(sizeof(MPI_Request) * 2 * count);
  for (int i = 0; i < count; ++i) {
    src[i] = Fill(&kColumn, n, 700 + i);
    dst[i] = Blank(&kColumn, n);
  }
  for (int i = 0; i < count; ++i)
    CALL(MPI_Isend(src[i], sc, st, next_rank(), 9, MPI_COMM_WORLD, &rq[i]));
  for (int i = 0; i < count; ++i)
    CALL(MPI_Irecv(dst[i], rc, rt, prev_rank(), 9, MPI_COMM_WORLD, &rq[count + i]));
  CALL(MPI_Waitall(2 * count, rq, MPI_STATUSES_IGNORE));
  for (int i = 0; i < count; ++i) {
    Verify("window", &kColumn, dst[i], n, n, prev_rank(), 700 + i);
    free(src[i]), free(dst[i]);
  }
  FreeType(&kColumn, &st);
  FreeType(&kColumn, &rt);
  free(src), free(dst), free(rq);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
}

/* Streams of different lengths to one peer at once (engine_typed.cc keeps them in a per-peer
 * list): short ones that share combined frames while only they stream, long ones (over 128 KiB)
 * beside them, which make every stream to the peer take frames of its own, more streams than
 * one combined frame holds, and streams that end at different times. Each message has its own
 * tag; half of the receives are posted after the sends (their kRts wait as unexpected). */
static void MixedStreams(void) {
  g_label = "mixed streams";
  enum { kCount = 10 };
  const long rows[kCount] = {600, 16384, 3001, 20000, 513, 9000, 2049, 70000, 700, 16385};
  void *src[kCount], *dst[kCount];
  MPI_Datatype st[kCount], rt[kCount];
  int sc[kCount], rc[kCount];
  MPI_Request rq[2 * kCount];
  for (int i = 0; i < kCount; ++i) {
    st[i] = TypeFor(&kColumn, rows[i], &sc[i]);
    rt[i] = TypeFor(&kColumn, rows[i], &rc[i]);
    src[i] = Fill(&kColumn, rows[i], 950 + i);
    dst[i] = Blank(&kColumn, rows[i]);
  }
  for (int i = 0; i < kCount; i += 2)
    CALL(MPI_Irecv(dst[i], rc[i], rt[i], prev_rank(), 20 + i, MPI_COMM_WORLD, &rq[kCount + i]));
  for (int i = 0; i < kCount; ++i)
    CALL(MPI_Isend(src[i], sc[i], st[i], next_rank(), 20 + i, MPI_COMM_WORLD, &rq[i]));
  for (int i = kCount - 1; i > 0; i -= 2)
    CALL(MPI_Irecv(dst[i], rc[i], rt[i], prev_rank(), 20 + i, MPI_COMM_WORLD, &rq[kCount + i]));
  CALL(MPI_Waitall(2 * kCount, rq, MPI_STATUSES_IGNORE));
  for (int i = 0; i < kCount; ++i) {
    Verify("mixed streams", &kColumn, dst[i], rows[i], rows[i], prev_rank(), 950 + i);
    free(src[i]), free(dst[i]);
    FreeType(&kColumn, &st[i]);
    FreeType(&kColumn, &rt[i]);
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
}

/* Streams both ways between neighbours, as a halo exchange's long faces, but of lengths that
 * differ by sender (over shm a stream to a peer that streams to us pauses while it runs ahead of
 * the peer's, engine_typed.cc): each rank sends a column of L(me) rows to the next rank and
 * one of L(me) / 2 + 1 rows to the previous one, so a rank's streams outlast or end before
 * those coming to it. `order` 0: receives first; 1: receives after the sends; 2: even ranks
 * wait for their sends before posting their receives, odd ranks post theirs first (a stream
 * to a peer that starts only once the peer's stream to us has ended; in an odd ring the last
 * rank posts first, so that no two neighbours wait for each other). */
static void PacedStreams(const long *lengths, int order) {
  char what[96];
  snprintf(what, sizeof(what), "paced streams %ld/%ld/%ld order=%d", lengths[0], lengths[1],
           lengths[2], order);
  g_label = what;
  const int me = g_me, next = next_rank(), prev = prev_rank();
  const long out[2] = {lengths[me % 3], lengths[me % 3] / 2 + 1};
  const long in[2] = {lengths[prev % 3], lengths[next % 3] / 2 + 1};
  const int to[2] = {next, prev}, from[2] = {prev, next};
  MPI_Datatype st[2], rt[2];
  int sc[2], rc[2];
  void *src[2], *dst[2];
  MPI_Request rq[4];
  for (int i = 0; i < 2; ++i) {
    st[i] = TypeFor(&kColumn, out[i], &sc[i]);
    rt[i] = TypeFor(&kColumn, in[i], &rc[i]);
    src[i] = Fill(&kColumn, out[i], 1000 + i);
    dst[i] = Blank(&kColumn, in[i]);
  }
  /* Order 2: no two neighbours both send first (in an odd ring the last rank does not). */
  const int waits = g_p > 1 && me % 2 == 0 && !(g_p % 2 == 1 && me == g_p - 1);
  const int sends_first = order == 1 || (order == 2 && waits);
  if (!sends_first) {
    for (int i = 0; i < 2; ++i)
      CALL(MPI_Irecv(dst[i], rc[i], rt[i], from[i], 30 + i, MPI_COMM_WORLD, &rq[2 + i]));
  }
  for (int i = 0; i < 2; ++i)
    CALL(MPI_Isend(src[i], sc[i], st[i], to[i], 30 + i, MPI_COMM_WORLD, &rq[i]));
  if (order == 2 && sends_first) CALL(MPI_Waitall(2, rq, MPI_STATUSES_IGNORE));
  if (sends_first) {
    for (int i = 0; i < 2; ++i)
      CALL(MPI_Irecv(dst[i], rc[i], rt[i], from[i], 30 + i, MPI_COMM_WORLD, &rq[2 + i]));
  }
  CALL(MPI_Waitall(4, rq, MPI_STATUSES_IGNORE));
  for (int i = 0; i < 2; ++i) {
    Verify(what, &kColumn, dst[i], in[i], in[i], from[i], 1000 + i);
    free(src[i]), free(dst[i]);
    FreeType(&kColumn, &st[i]);
    FreeType(&kColumn, &rt[i]);
  }
  CALL(MPI_Barrier(MPI_COMM_WORLD));
}

static void PacedStreamsAll(void) {
  static const long kLengths[][3] = {
      {70000, 20000, 33333}, {20000, 70000, 131072}, {131072, 131072, 131072}, {200000, 3000, 600}};
  for (size_t i = 0; i < sizeof(kLengths) / sizeof(kLengths[0]); ++i)
    for (int order = 0; order < 3; ++order) PacedStreams(kLengths[i], order);
}

/* Matched probe, then a derived receive of the message it took (eager and rendezvous); n is a
 * multiple of 3 (the receive is 3-byte blocks). */
static void Matched(long n) {
  g_label = "mprobe";
  int sc, rc;
  MPI_Datatype st = TypeFor(&kColumn, n, &sc), rt = TypeFor(&kTriples, n * 8, &rc);
  void *src = Fill(&kColumn, n, 900);
  MPI_Request sq;
  CALL(MPI_Isend(src, sc, st, next_rank(), 11, MPI_COMM_WORLD, &sq));
  MPI_Message m;
  MPI_Status status;
  CALL(MPI_Mprobe(prev_rank(), 11, MPI_COMM_WORLD, &m, &status));
  int bytes;
  CALL(MPI_Get_count(&status, MPI_BYTE, &bytes));
  CHECK(bytes == n * 8, "Mprobe count %d", bytes);
  /* Received as bytes into a char layout: the doubles arrive byte for byte. */
  unsigned char *dst = Blank(&kTriples, n * 8);
  CALL(MPI_Mrecv(dst, rc, rt, &m, &status));
  CALL(MPI_Wait(&sq, MPI_STATUS_IGNORE));
  long bad = 0;
  for (long k = 0; k < n * 8; ++k) {
    double v = Value(prev_rank(), 900, k / 8);
    bad += dst[Index(&kTriples, k)] != ((const unsigned char *)&v)[k % 8];
  }
  CHECK(bad == 0, "Mrecv n=%ld: %ld wrong bytes", n, bad);
  FreeType(&kColumn, &st);
  FreeType(&kTriples, &rt);
  free(src), free(dst);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
}

/* A halo exchange as benchmarks/halo/halo2d does it, both directions at once: a field of `rows`
 * rows of 8 doubles; columns 1 and 6 go to the previous and next rank, columns 0 and 7 receive
 * the neighbours' (all four share each row's cache line). Two streams leave each rank at once
 * and take turns frame by frame (engine_typed.cc), so row ranges of two messages are packed and
 * unpacked interleaved. `any`: the face from the previous rank is received with MPI_ANY_SOURCE
 * (its tag tells it apart). `cut` > 0: that face's receive holds only `cut` rows: it fails with
 * MPI_ERR_TRUNCATE, delivers those rows and writes nothing below them, while the other face
 * completes whole. `flat`: the face from the next rank lands in a contiguous buffer instead of
 * column 7 (a packing sender's stream into a contiguous receive, kData, beside a kDataTyped
 * one: faces up to 128 KiB share combined frames, engine_typed.cc). Every interior cell is
 * checked untouched. */
static void Halo(long rows, int any, long cut, int msg, int flat) {
  char what[96];
  snprintf(what, sizeof(what), "halo rows=%ld any=%d cut=%ld flat=%d", rows, any, cut, flat);
  g_label = what;
  double *field = xmalloc((size_t)rows * 8 * sizeof(double));
  for (long i = 0; i < rows * 8; ++i) {
    int ghost = i % 8 == 0 || i % 8 == 7;
    field[i] = ghost ? -1.0 : Value(g_me, msg, i);
  }
  MPI_Datatype col, part;
  CALL(MPI_Type_vector((int)rows, 1, 8, MPI_DOUBLE, &col));
  CALL(MPI_Type_commit(&col));
  const long up_rows = cut > 0 ? cut : rows; /* rows the face from below may fill */
  CALL(MPI_Type_vector((int)up_rows, 1, 8, MPI_DOUBLE, &part));
  CALL(MPI_Type_commit(&part));
  MPI_Request rq[4];
  MPI_Status st[4];
  /* Tag 1: sent downwards (column 1 to the previous rank); tag 2: upwards (column 6). */
  CALL(
      MPI_Irecv(field + 0, 1, part, any ? MPI_ANY_SOURCE : prev_rank(), 2, MPI_COMM_WORLD, &rq[0]));
  double *line = flat ? xmalloc((size_t)rows * sizeof(double)) : NULL;
  if (flat) {
    for (long r = 0; r < rows; ++r) line[r] = -1.0;
    CALL(MPI_Irecv(line, (int)rows, MPI_DOUBLE, next_rank(), 1, MPI_COMM_WORLD, &rq[1]));
  } else {
    CALL(MPI_Irecv(field + 7, 1, col, next_rank(), 1, MPI_COMM_WORLD, &rq[1]));
  }
  CALL(MPI_Isend(field + 1, 1, col, prev_rank(), 1, MPI_COMM_WORLD, &rq[2]));
  CALL(MPI_Isend(field + 6, 1, col, next_rank(), 2, MPI_COMM_WORLD, &rq[3]));
  int rc = MPI_Waitall(4, rq, st);
  if (cut > 0 && cut < rows) {
    CHECK(rc == MPI_ERR_IN_STATUS, "%s: Waitall %d, want MPI_ERR_IN_STATUS", what, rc);
    CHECK(err_class(st[0].MPI_ERROR) == MPI_ERR_TRUNCATE, "%s: class %d, want MPI_ERR_TRUNCATE",
          what, err_class(st[0].MPI_ERROR));
    for (int i = 1; i < 4; ++i)
      CHECK(st[i].MPI_ERROR == MPI_SUCCESS, "%s: request %d error %d", what, i, st[i].MPI_ERROR);
  } else {
    CHECK(rc == MPI_SUCCESS, "%s: Waitall %d", what, rc);
    int count = -1;
    CALL(MPI_Get_count(&st[0], MPI_DOUBLE, &count));
    CHECK(count == rows && st[0].MPI_SOURCE == prev_rank() && st[0].MPI_TAG == 2,
          "%s: status count %d source %d tag %d", what, count, st[0].MPI_SOURCE, st[0].MPI_TAG);
  }
  long bad = 0, first = -1;
  for (long i = 0; i < rows * 8; ++i) {
    long r = i / 8;
    double want;
    if (i % 8 == 0)
      want = r < up_rows ? Value(prev_rank(), msg, r * 8 + 6) : -1.0;
    else if (i % 8 == 7)
      want = flat ? -1.0 : Value(next_rank(), msg, r * 8 + 1);
    else
      want = Value(g_me, msg, i);
    if (field[i] != want && bad++ == 0) first = i;
  }
  CHECK(bad == 0, "%s: %ld wrong cells, first at row %ld column %ld", what, bad, first / 8,
        first % 8);
  if (flat) {
    long wrong = 0;
    for (long r = 0; r < rows; ++r) wrong += line[r] != Value(next_rank(), msg, r * 8 + 1);
    CHECK(wrong == 0, "%s: %ld wrong values in the contiguous face", what, wrong);
    free(line);
  }
  CALL(MPI_Type_free(&col));
  CALL(MPI_Type_free(&part));
  free(field);
  CALL(MPI_Barrier(MPI_COMM_WORLD));
}

/* Faces around every size the streams cut at: 4 KiB chunks while several stream, a slot's
 * 16440-byte payload, the eager limit, many frames, the largest face that shares combined
 * frames; odd row counts; ANY_SOURCE; truncation; a contiguous receive beside a derived one. */
static void Halos(void) {
  const long rows[] = {511, 512, 513, 2048, 2055, 2056, 2057, 4097, 8191, 65536, 131075};
  int msg = 800;
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); ++i) {
    Halo(rows[i], 0, 0, ++msg, 0);
    if (rows[i] % 2 == 1) Halo(rows[i], 1, 0, ++msg, 0);
  }
  Halo(8191, 0, 4000, ++msg, 0);
  Halo(65536, 1, 512, ++msg, 0);
  Halo(2057, 0, 2056, ++msg, 0);
  /* 128 KiB faces (16384 rows) are the last that combine; 16385 rows stream frame by frame. */
  Halo(16384, 0, 0, ++msg, 0);
  Halo(16385, 1, 0, ++msg, 0);
  Halo(4097, 1, 0, ++msg, 1);
  Halo(16384, 0, 9000, ++msg, 1);
  Halo(16385, 1, 0, ++msg, 1);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  g_comm = MPI_COMM_WORLD;
  g_me = g_world_rank;
  MPI_Comm_size(MPI_COMM_WORLD, &g_p);
  AllPairings();
  OddSizes();
  Edges();
  Window(1024, 64);
  Window(12288, 16);
  MixedStreams();
  Matched(102);
  Matched(3000);
  Matched(40002);
  Halos();
  PacedStreamsAll();
  return finish_ok();
}
