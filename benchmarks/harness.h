/* zmpi benchmarks: the shared harness.
 *
 * Every benchmark is a small C program that includes only <mpi.h> (plus the C library), so the
 * same source builds against zmpi, Open MPI and MPICH. The harness owns what they share: command
 * line options, OSU-style iteration counts and warm-up, message sizes, page-aligned buffers,
 * data patterns for verification (-c), and OSU-style output:
 *
 *   # zmpi-bench <name> ranks=<n> iterations=<i|auto> warmup=<w|auto> verify=<0|1>
 *   # Size          Latency (us)
 *   0                       0.21
 *
 * Lines starting with '#' are comments; data lines are whitespace-separated numbers, first the
 * size in bytes. benchmarks/compare.sh parses exactly this. The last line is
 * "# verification: passed|failed|off", and the exit status is non-zero when it failed. */
#ifndef ZMPI_BENCHMARKS_HARNESS_H_
#define ZMPI_BENCHMARKS_HARNESS_H_

#include <mpi.h>
#include <stddef.h>

/* Messages larger than this use the "large" iteration counts, as in OSU. */
#define BENCH_LARGE_MESSAGE 8192L

typedef enum BenchKind {
  kBenchLatency,    /* ping-pong style: OSU latency counts */
  kBenchBandwidth,  /* windowed streaming: OSU bandwidth counts */
  kBenchCollective, /* OSU collective counts */
} BenchKind;

typedef struct BenchOptions {
  const char *name;
  BenchKind kind;
  long min_size;
  long max_size;
  int iterations; /* <= 0: OSU default for the size */
  int warmup;     /* < 0: OSU default for the size */
  int window;     /* bandwidth window (Isend/Irecv in flight) */
  int verify;     /* -c: check received data in an untimed pass per size */
  int quick;      /* --quick: CI smoke mode, few iterations, small sizes, verify on */
  int rank;
  int size; /* ranks in MPI_COMM_WORLD */
} BenchOptions;

/* Calls MPI_Init (unless the benchmark initialized MPI itself, e.g. with MPI_Init_thread for a
 * thread level) and parses the options; `min_size`/`max_size` are the benchmark's default
 * range. Returns -1 to go on, or the exit code (>= 0, after MPI_Finalize) when the program must
 * stop: --help (0), a bad option or fewer than `min_ranks` ranks (2). Usage:
 *   int rc = BenchInit(...); if (rc >= 0) return rc; */
int BenchInit(int *argc, char ***argv, const char *name, BenchKind kind, long min_size,
              long max_size, int min_ranks, BenchOptions *opts);

/* The size after `size` in the power-of-two sweep (0, 1, 2, 4, ...). */
long BenchNextSize(long size);

/* Iteration and warm-up counts for one message size. */
void BenchCounts(const BenchOptions *opts, long size, int *iterations, int *warmup);

/* Page-aligned, zeroed, touched buffer; aborts the job when memory is short. */
void *BenchAlloc(size_t bytes);
void BenchFree(void *buf);

/* Deterministic byte pattern for (seed, index): fills and checks buffers. BenchCheck returns the
 * number of wrong bytes (0 when all match) and records a failure in the harness. */
unsigned char BenchPatternByte(long seed, long index);
void BenchFill(void *buf, long bytes, long seed);
long BenchCheck(const void *buf, long bytes, long seed);
/* Record `errors` wrong values found by a benchmark's own check. */
void BenchRecordErrors(long errors);

/* Rank 0 prints the comment header and the column line (e.g. "Latency (us)"). */
void BenchPrintHeader(const BenchOptions *opts, const char *columns);
/* Rank 0 prints one data line: size and value. */
void BenchPrintValue(const BenchOptions *opts, long size, double value);

/* Collective result: every rank passes its own average latency in microseconds; rank 0 prints
 * size, average, minimum and maximum across ranks, and the iteration count. */
void BenchReportCollective(const BenchOptions *opts, long size, double local_us, int iterations);

/* A collective benchmark: `run` performs the operation once on `size` bytes per rank; `verify`
 * (may be NULL) does one untimed checked run. Buffers are page-aligned and hold
 * `send_blocks` * max_size and `recv_blocks` * max_size bytes, where a block count of 0 means
 * one block per rank (size of MPI_COMM_WORLD). */
typedef void (*BenchCollectiveFn)(const BenchOptions *opts, char *send_buf, char *recv_buf,
                                  long size);
typedef struct BenchCollective {
  const char *name;
  long min_size;
  long max_size;
  int send_blocks;
  int recv_blocks;
  BenchCollectiveFn run;
  BenchCollectiveFn verify;
} BenchCollective;

/* The whole main() of a collective benchmark (OSU timing: a timer around each call, a barrier
 * between calls, average/min/max of the per-rank averages). Returns the exit code. */
int BenchRunCollective(int argc, char **argv, const BenchCollective *coll);

/* Agrees on the verification result across ranks, prints it, calls MPI_Finalize and returns the
 * process exit code (0 on success). */
int BenchFinish(const BenchOptions *opts);

#endif /* ZMPI_BENCHMARKS_HARNESS_H_ */
