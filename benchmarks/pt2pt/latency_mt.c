/* Multi-threaded ping-pong latency (what OSU's osu_latency_mt measures): ranks 0 and 1 each run
 * T threads under MPI_THREAD_MULTIPLE, and thread k of rank 0 ping-pongs with thread k of rank
 * 1 on its own tag, all pairs at once, over MPI_COMM_WORLD. Each thread times its own round
 * trips; the value printed is the one-way latency (half the round-trip time) averaged over rank
 * 0's threads. So it shows what a thread pays for MPI_Send/MPI_Recv while other threads of the
 * same process are inside MPI too (the library's locking and progress hand-over), not the
 * aggregate message rate. Other ranks, if any, stay idle.
 *
 * Options besides the harness's: -t, --threads N[:N] threads per rank (default 2, as OSU's
 * -t 2:2; both sides run the same number). The program stops with exit status 2 when the MPI
 * does not grant MPI_THREAD_MULTIPLE; rank 0 prints the level it got in the header. */
#include <mpi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

enum { kTagBase = 400, kMaxThreads = 64, kDefaultThreads = 2 };

/* A reusable barrier for the threads of one rank (mutex and condition variable: pthread
 * barriers are optional in POSIX). */
typedef struct ThreadBarrier {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  int count;
  int waiting;
  unsigned long generation;
} ThreadBarrier;

static void BarrierInit(ThreadBarrier *b, int count) {
  pthread_mutex_init(&b->mutex, NULL);
  pthread_cond_init(&b->cond, NULL);
  b->count = count;
  b->waiting = 0;
  b->generation = 0;
}

static void BarrierDestroy(ThreadBarrier *b) {
  pthread_cond_destroy(&b->cond);
  pthread_mutex_destroy(&b->mutex);
}

static void BarrierWait(ThreadBarrier *b) {
  pthread_mutex_lock(&b->mutex);
  unsigned long generation = b->generation;
  if (++b->waiting == b->count) {
    b->waiting = 0;
    ++b->generation;
    pthread_cond_broadcast(&b->cond);
  } else {
    while (generation == b->generation) pthread_cond_wait(&b->cond, &b->mutex);
  }
  pthread_mutex_unlock(&b->mutex);
}

/* What the threads of one rank share. `elapsed` has one slot per thread, written by that
 * thread and read by thread 0 after a barrier. */
typedef struct Shared {
  const BenchOptions *opts;
  int threads;
  ThreadBarrier barrier;
  double elapsed[kMaxThreads];
} Shared;

typedef struct Worker {
  Shared *shared;
  int index;
  void *send_buf;
  void *recv_buf;
} Worker;

/* One round trip of `size` bytes on this thread's tag; rank 0 starts. */
static void RoundTrip(int rank, int tag, void *send_buf, void *recv_buf, long size) {
  if (rank == 0) {
    MPI_Send(send_buf, (int)size, MPI_BYTE, 1, tag, MPI_COMM_WORLD);
    MPI_Recv(recv_buf, (int)size, MPI_BYTE, 1, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  } else if (rank == 1) {
    MPI_Recv(recv_buf, (int)size, MPI_BYTE, 0, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Send(send_buf, (int)size, MPI_BYTE, 0, tag, MPI_COMM_WORLD);
  }
}

/* Untimed: each thread sends a pattern of its own (rank, thread, size) and checks its
 * partner's, so a message delivered to the wrong thread shows up as wrong bytes. */
static long Seed(long size, int rank, int index) { return (size * kMaxThreads + index) * 2 + rank; }

static void Verify(const Worker *w, int tag, long size) {
  int rank = w->shared->opts->rank;
  if (rank > 1) return;
  BenchFill(w->send_buf, size, Seed(size, rank, w->index));
  RoundTrip(rank, tag, w->send_buf, w->recv_buf, size);
  BenchCheck(w->recv_buf, size, Seed(size, 1 - rank, w->index));
}

static void *RunWorker(void *arg) {
  const Worker *w = (const Worker *)arg;
  Shared *shared = w->shared;
  const BenchOptions *opts = shared->opts;
  const int tag = kTagBase + w->index;
  for (long size = opts->min_size; size <= opts->max_size; size = BenchNextSize(size)) {
    int iterations, warmup;
    BenchCounts(opts, size, &iterations, &warmup);
    if (opts->verify) Verify(w, tag, size);
    /* Every thread of both ranks starts the size together: the local threads meet, thread 0
     * meets the other rank, and the local threads meet again. */
    BarrierWait(&shared->barrier);
    if (w->index == 0) MPI_Barrier(MPI_COMM_WORLD);
    BarrierWait(&shared->barrier);
    double start = 0.0;
    for (int i = 0; i < warmup + iterations; ++i) {
      if (i == warmup) start = MPI_Wtime();
      RoundTrip(opts->rank, tag, w->send_buf, w->recv_buf, size);
    }
    shared->elapsed[w->index] = MPI_Wtime() - start;
    BarrierWait(&shared->barrier);
    if (w->index == 0) {
      double sum = 0.0;
      for (int t = 0; t < shared->threads; ++t) sum += shared->elapsed[t];
      BenchPrintValue(opts, size, sum * 1e6 / (2.0 * iterations * shared->threads));
    }
  }
  return NULL;
}

/* Takes "-t N[:N]" / "--threads N[:N]" out of argv (the harness rejects options it does not
 * know). Returns the thread count, or -1 when malformed. */
static int TakeThreadOption(int *argc, char **argv) {
  int threads = kDefaultThreads;
  int out = 1;
  for (int i = 1; i < *argc; ++i) {
    if ((strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "--threads") == 0)) {
      if (i + 1 >= *argc) return -1;
      char *end = NULL;
      long senders = strtol(argv[++i], &end, 10);
      long receivers = senders;
      if (*end == ':') receivers = strtol(end + 1, &end, 10);
      if (*end != '\0' || senders < 1 || senders > kMaxThreads || receivers != senders) return -1;
      threads = (int)senders;
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
  argv[out] = NULL;
  return threads;
}

static const char *LevelName(int level) {
  switch (level) {
    case MPI_THREAD_SINGLE:
      return "MPI_THREAD_SINGLE";
    case MPI_THREAD_FUNNELED:
      return "MPI_THREAD_FUNNELED";
    case MPI_THREAD_SERIALIZED:
      return "MPI_THREAD_SERIALIZED";
    case MPI_THREAD_MULTIPLE:
      return "MPI_THREAD_MULTIPLE";
  }
  return "unknown";
}

int main(int argc, char **argv) {
  int provided = MPI_THREAD_SINGLE;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  int world_rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  int help = 0;
  for (int i = 1; i < argc; ++i)
    help |= strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0;
  int threads = TakeThreadOption(&argc, argv);
  if (threads < 0) {
    if (world_rank == 0)
      fprintf(stderr, "latency_mt: -t needs N or N:N, 1 <= N <= %d\n", kMaxThreads);
    MPI_Finalize();
    return 2;
  }
  if (provided < MPI_THREAD_MULTIPLE && !help) {
    if (world_rank == 0) {
      fprintf(stderr, "latency_mt: needs MPI_THREAD_MULTIPLE, the MPI granted %s\n",
              LevelName(provided));
    }
    MPI_Finalize();
    return 2;
  }
  BenchOptions opts;
  int rc = BenchInit(&argc, &argv, "latency_mt", kBenchLatency, 0, 4L << 20, 2, &opts);
  if (rc >= 0) {
    if (help && world_rank == 0) {
      printf("  -t, --threads N[:N]           threads per rank (default %d)\n", kDefaultThreads);
    }
    return rc;
  }

  Shared shared;
  memset(&shared, 0, sizeof(shared));
  shared.opts = &opts;
  shared.threads = threads;
  BarrierInit(&shared.barrier, threads);
  Worker workers[kMaxThreads];
  pthread_t ids[kMaxThreads];
  for (int t = 0; t < threads; ++t) {
    workers[t].shared = &shared;
    workers[t].index = t;
    workers[t].send_buf = BenchAlloc((size_t)opts.max_size);
    workers[t].recv_buf = BenchAlloc((size_t)opts.max_size);
  }
  if (opts.rank == 0) printf("# threads=%d per rank, provided=%s\n", threads, LevelName(provided));
  BenchPrintHeader(&opts, "      Latency (us)");
  /* Ranks beyond 1 only join the barriers (thread 0 of each rank calls MPI_Barrier per size). */
  for (int t = 0; t < threads; ++t) {
    if (pthread_create(&ids[t], NULL, RunWorker, &workers[t]) != 0) {
      fprintf(stderr, "latency_mt: cannot start thread %d\n", t);
      MPI_Abort(MPI_COMM_WORLD, 3);
    }
  }
  for (int t = 0; t < threads; ++t) pthread_join(ids[t], NULL);
  for (int t = 0; t < threads; ++t) {
    BenchFree(workers[t].send_buf);
    BenchFree(workers[t].recv_buf);
  }
  BarrierDestroy(&shared.barrier);
  return BenchFinish(&opts);
}
