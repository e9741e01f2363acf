/* zmpi benchmarks: the shared harness (see harness.h). */
#define _POSIX_C_SOURCE 200112L /* posix_memalign in C99 */

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* OSU's defaults (osu_util.h): small/large iterations and warm-up per benchmark kind. */
typedef struct KindCounts {
  int iterations;
  int warmup;
  int iterations_large;
  int warmup_large;
} KindCounts;

static const KindCounts kOsuCounts[] = {
    /* kBenchLatency */ {10000, 100, 1000, 10},
    /* kBenchBandwidth */ {100, 10, 20, 2},
    /* kBenchCollective */ {1000, 200, 100, 10},
};

/* --quick: enough to exercise every size and code path, not to measure. */
static const KindCounts kQuickCounts = {20, 2, 4, 1};
static const long kQuickMaxSize = 1L << 20;
static const long kPageSize = 4096;

static long g_errors = 0;

static void PrintUsage(const BenchOptions *opts) {
  printf(
      "usage: %s [options]\n"
      "  -m, --message-size [MIN:]MAX  message sizes in bytes (default %ld:%ld)\n"
      "  -i, --iterations N            timed iterations per size (default: OSU's)\n"
      "  -x, --warmup N                untimed warm-up iterations per size (default: OSU's)\n"
      "  -W, --window N                messages in flight for bandwidth tests (default 64)\n"
      "  -c, --validation              check received data (untimed pass per size)\n"
      "  -q, --quick                   CI smoke mode: few iterations, sizes <= 1 MiB, -c on\n"
      "  -h, --help                    this text\n",
      opts->name, opts->min_size, opts->max_size);
}

/* Parses "N", with optional K/M suffix (KiB, MiB). Returns -1 when malformed. */
static long ParseSize(const char *text) {
  char *end = NULL;
  long value = strtol(text, &end, 10);
  if (end == text || value < 0) return -1;
  if (*end == 'K' || *end == 'k') {
    value <<= 10;
    ++end;
  } else if (*end == 'M' || *end == 'm') {
    value <<= 20;
    ++end;
  }
  return *end == '\0' ? value : -1;
}

static int ParseRange(const char *text, BenchOptions *opts) {
  const char *colon = strchr(text, ':');
  if (colon == NULL) {
    opts->max_size = ParseSize(text);
    return opts->max_size >= 0 ? 0 : -1;
  }
  char min_text[32];
  size_t len = (size_t)(colon - text);
  if (len >= sizeof(min_text)) return -1;
  memcpy(min_text, text, len);
  min_text[len] = '\0';
  opts->min_size = len == 0 ? opts->min_size : ParseSize(min_text);
  if (colon[1] != '\0') opts->max_size = ParseSize(colon + 1);
  return (opts->min_size >= 0 && opts->max_size >= opts->min_size) ? 0 : -1;
}

static int IsOption(const char *arg, const char *short_name, const char *long_name) {
  return strcmp(arg, short_name) == 0 || strcmp(arg, long_name) == 0;
}

static int ParsePositive(const char *text, int *out, int allow_zero) {
  char *end = NULL;
  long value = text ? strtol(text, &end, 10) : -1;
  if (text == NULL || end == text || *end != '\0' || value < (allow_zero ? 0 : 1) ||
      value > 100000000L) {
    return -1;
  }
  *out = (int)value;
  return 0;
}

/* Returns 0 when parsed, 1 for --help, -1 for an error (message printed by rank 0). */
static int ParseArgs(int argc, char **argv, BenchOptions *opts) {
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    const char *value = i + 1 < argc ? argv[i + 1] : NULL;
    int bad = 0;
    if (IsOption(arg, "-h", "--help")) return 1;
    if (IsOption(arg, "-c", "--validation")) {
      opts->verify = 1;
    } else if (IsOption(arg, "-q", "--quick")) {
      opts->quick = 1;
      opts->verify = 1;
    } else if (IsOption(arg, "-m", "--message-size")) {
      bad = value == NULL || ParseRange(value, opts) != 0;
      ++i;
    } else if (IsOption(arg, "-i", "--iterations")) {
      bad = ParsePositive(value, &opts->iterations, 0);
      ++i;
    } else if (IsOption(arg, "-x", "--warmup")) {
      bad = ParsePositive(value, &opts->warmup, 1);
      ++i;
    } else if (IsOption(arg, "-W", "--window")) {
      bad = ParsePositive(value, &opts->window, 0);
      ++i;
    } else {
      bad = 1;
    }
    if (bad) {
      if (opts->rank == 0) fprintf(stderr, "%s: bad option or value: %s\n", opts->name, arg);
      return -1;
    }
  }
  if (opts->quick && opts->max_size > kQuickMaxSize) opts->max_size = kQuickMaxSize;
  if (opts->min_size > opts->max_size) opts->min_size = opts->max_size;
  return 0;
}

int BenchInit(int *argc, char ***argv, const char *name, BenchKind kind, long min_size,
              long max_size, int min_ranks, BenchOptions *opts) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) MPI_Init(argc, argv);
  memset(opts, 0, sizeof(*opts));
  opts->name = name;
  opts->kind = kind;
  opts->min_size = min_size;
  opts->max_size = max_size;
  opts->warmup = -1;
  opts->window = 64;
  MPI_Comm_rank(MPI_COMM_WORLD, &opts->rank);
  MPI_Comm_size(MPI_COMM_WORLD, &opts->size);
  int parsed = ParseArgs(*argc, *argv, opts);
  if (parsed != 0) {
    if (parsed == 1 && opts->rank == 0) PrintUsage(opts);
    MPI_Finalize();
    return parsed == 1 ? 0 : 2;
  }
  if (opts->size < min_ranks) {
    if (opts->rank == 0) {
      fprintf(stderr, "%s: needs at least %d ranks, got %d\n", name, min_ranks, opts->size);
    }
    MPI_Finalize();
    return 2;
  }
  return -1;
}

long BenchNextSize(long size) { return size == 0 ? 1 : size * 2; }

void BenchCounts(const BenchOptions *opts, long size, int *iterations, int *warmup) {
  const KindCounts *counts = opts->quick ? &kQuickCounts : &kOsuCounts[opts->kind];
  int large = size > BENCH_LARGE_MESSAGE;
  *iterations = large ? counts->iterations_large : counts->iterations;
  *warmup = large ? counts->warmup_large : counts->warmup;
  if (opts->iterations > 0) *iterations = opts->iterations;
  if (opts->warmup >= 0) *warmup = opts->warmup;
}

void *BenchAlloc(size_t bytes) {
  size_t rounded = (bytes + (size_t)kPageSize - 1) / (size_t)kPageSize * (size_t)kPageSize;
  if (rounded == 0) rounded = (size_t)kPageSize;
  void *buf = NULL;
  if (posix_memalign(&buf, (size_t)kPageSize, rounded) != 0) {
    fprintf(stderr, "zmpi-bench: cannot allocate %zu bytes\n", rounded);
    MPI_Abort(MPI_COMM_WORLD, 3);
    return NULL;
  }
  memset(buf, 0, rounded); /* touch every page before timing */
  return buf;
}

void BenchFree(void *buf) { free(buf); }

unsigned char BenchPatternByte(long seed, long index) {
  unsigned long x = (unsigned long)seed * 2654435761UL + (unsigned long)index * 40503UL;
  return (unsigned char)((x >> 7) ^ (x >> 17) ^ (unsigned long)index);
}

void BenchFill(void *buf, long bytes, long seed) {
  unsigned char *p = (unsigned char *)buf;
  for (long i = 0; i < bytes; ++i) p[i] = BenchPatternByte(seed, i);
}

long BenchCheck(const void *buf, long bytes, long seed) {
  const unsigned char *p = (const unsigned char *)buf;
  long errors = 0;
  for (long i = 0; i < bytes; ++i) errors += p[i] != BenchPatternByte(seed, i);
  BenchRecordErrors(errors);
  return errors;
}

void BenchRecordErrors(long errors) { g_errors += errors; }

void BenchPrintHeader(const BenchOptions *opts, const char *columns) {
  if (opts->rank != 0) return;
  char iterations[16] = "auto";
  char warmup[16] = "auto";
  if (opts->iterations > 0) snprintf(iterations, sizeof(iterations), "%d", opts->iterations);
  if (opts->warmup >= 0) snprintf(warmup, sizeof(warmup), "%d", opts->warmup);
  printf("# zmpi-bench %s ranks=%d iterations=%s warmup=%s verify=%d quick=%d\n", opts->name,
         opts->size, iterations, warmup, opts->verify, opts->quick);
  if (opts->kind == kBenchBandwidth) printf("# window=%d\n", opts->window);
  printf("# %-10s%s\n", "Size", columns);
  fflush(stdout);
}

void BenchPrintValue(const BenchOptions *opts, long size, double value) {
  if (opts->rank != 0) return;
  printf("%-12ld%18.2f\n", size, value);
  fflush(stdout);
}

void BenchReportCollective(const BenchOptions *opts, long size, double local_us, int iterations) {
  double min_us = 0.0, max_us = 0.0, sum_us = 0.0;
  MPI_Reduce(&local_us, &min_us, 1, MPI_DOUBLE, MPI_MIN, 0, MPI_COMM_WORLD);
  MPI_Reduce(&local_us, &max_us, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  MPI_Reduce(&local_us, &sum_us, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  if (opts->rank != 0) return;
  printf("%-12ld%18.2f%18.2f%18.2f%12d\n", size, sum_us / opts->size, min_us, max_us, iterations);
  fflush(stdout);
}

static size_t BlockBytes(int blocks, const BenchOptions *opts) {
  return (size_t)(blocks == 0 ? opts->size : blocks) * (size_t)opts->max_size;
}

/* Per-rank average microseconds of `iterations` timed calls after `warmup` untimed ones. */
static double TimeCollective(const BenchOptions *opts, const BenchCollective *coll, char *send_buf,
                             char *recv_buf, long size, int iterations, int warmup) {
  double total = 0.0;
  for (int i = 0; i < warmup + iterations; ++i) {
    double start = MPI_Wtime();
    coll->run(opts, send_buf, recv_buf, size);
    if (i >= warmup) total += MPI_Wtime() - start;
    MPI_Barrier(MPI_COMM_WORLD);
  }
  return total * 1e6 / iterations;
}

int BenchRunCollective(int argc, char **argv, const BenchCollective *coll) {
  BenchOptions opts;
  int rc = BenchInit(&argc, &argv, coll->name, kBenchCollective, coll->min_size, coll->max_size, 1,
                     &opts);
  if (rc >= 0) return rc;
  if (coll->max_size == 0) opts.min_size = opts.max_size = 0; /* size-less (barrier): ignore -m */
  char *send_buf = BenchAlloc(BlockBytes(coll->send_blocks, &opts));
  char *recv_buf = BenchAlloc(BlockBytes(coll->recv_blocks, &opts));
  BenchPrintHeader(&opts, "   Avg Latency(us)   Min Latency(us)   Max Latency(us)  Iterations");
  for (long size = opts.min_size; size <= opts.max_size; size = BenchNextSize(size)) {
    int iterations, warmup;
    BenchCounts(&opts, size, &iterations, &warmup);
    if (opts.verify && coll->verify != NULL) coll->verify(&opts, send_buf, recv_buf, size);
    MPI_Barrier(MPI_COMM_WORLD);
    double local_us = TimeCollective(&opts, coll, send_buf, recv_buf, size, iterations, warmup);
    BenchReportCollective(&opts, size, local_us, iterations);
  }
  BenchFree(send_buf);
  BenchFree(recv_buf);
  return BenchFinish(&opts);
}

int BenchFinish(const BenchOptions *opts) {
  long total = 0;
  MPI_Allreduce(&g_errors, &total, 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  if (opts->rank == 0) {
    if (!opts->verify) {
      printf("# verification: off\n");
    } else if (total == 0) {
      printf("# verification: passed\n");
    } else {
      printf("# verification: failed (%ld wrong values)\n", total);
    }
    fflush(stdout);
  }
  MPI_Finalize();
  return total == 0 ? 0 : 1;
}
