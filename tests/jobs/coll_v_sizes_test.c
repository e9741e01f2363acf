/* Allgatherv and Alltoallv with equal blocks at the sizes where the transports change
 * protocol (the shm single-copy threshold at 8 KiB, its eager limit at 16 KiB, the copy
 * assist at 1 MiB, odd sizes around them): the direct algorithms of few ranks send from the
 * send buffer while the own block is copied, so check that
 * - every block lands, the gaps between blocks stay untouched and the send buffer is unchanged;
 * - a send buffer rewritten right after the call returns does not leak into what a peer got
 *   (back-to-back calls with new contents, results checked after all of them);
 * - one rank arriving late (its peers' messages wait unexpected) changes nothing;
 * - the in-place forms give the same.
 * Runs on MPI_COMM_WORLD and on a reversed Comm_split. Uses only <mpi.h>. Prints
 * "coll_v_sizes_test: OK (<n> checks)" on rank 0; on a mismatch prints it and fails. */
#include <string.h>
#include <time.h>

static const char kTestName[] = "coll_v_sizes_test";
#include "job_check.h"

static const long kSizes[] = {1,     8191,  8192,  12000,  16384,   16385,
                              32768, 65536, 65541, 262144, 1048576, 1048579};
#define NSIZES ((int)(sizeof(kSizes) / sizeof(kSizes[0])))
enum { kGapBytes = 16, kGap = 0xa5, kRounds = 3 };

static unsigned char byte_of(int src, int dst, long i, int round) {
  return (unsigned char)(i * 11 + (i >> 9) * 5 + src * 37 + dst * 101 + round * 53);
}

/* Busy for about `us` microseconds (the late rank of a call). */
static void spin_us(long us) {
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  do {
    clock_gettime(CLOCK_MONOTONIC, &b);
  } while ((b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000 < us);
}

/* Blocks of n bytes at displacements i * (n + kGapBytes). */
static void layout(long n, int *counts, int *displs) {
  for (int i = 0; i < g_p; ++i) counts[i] = (int)n, displs[i] = (int)(i * (n + kGapBytes));
}

static void check_gaps(const unsigned char *buf, long n, const char *what) {
  for (int i = 0; i < g_p; ++i) {
    for (long k = 0; k < kGapBytes; ++k) {
      if (buf[i * (n + kGapBytes) + n + k] != kGap) fail("%s %ld: gap after block %d", what, n, i);
    }
  }
}

/* kRounds allgathervs back to back into separate buffers, the send buffer rewritten after each
 * return; rank `late` (or none: -1) enters each call late. */
static void allgatherv_rounds(long n, int in_place, int late) {
  int counts[64], displs[64];
  layout(n, counts, displs);
  const long span = g_p * (n + kGapBytes);
  unsigned char *send = xmalloc((size_t)n);
  unsigned char *recv[kRounds];
  for (int r = 0; r < kRounds; ++r) {
    recv[r] = xmalloc((size_t)span);
    memset(recv[r], kGap, (size_t)span);
    unsigned char *mine = in_place ? recv[r] + displs[g_me] : send;
    for (long i = 0; i < n; ++i) mine[i] = byte_of(g_me, 0, i, r);
    if (g_me == late) spin_us(200);
    CALL(MPI_Allgatherv(in_place ? MPI_IN_PLACE : send, (int)n, MPI_BYTE, recv[r], counts, displs,
                        MPI_BYTE, g_comm));
    for (long i = 0; i < n; ++i) {
      if (!in_place && send[i] != byte_of(g_me, 0, i, r)) fail("Allgatherv %ld changed sendbuf", n);
    }
    memset(send, 0x5a, (size_t)n); /* must not reach any peer */
  }
  for (int r = 0; r < kRounds; ++r) {
    for (int s = 0; s < g_p; ++s) {
      for (long i = 0; i < n; ++i) {
        if (recv[r][displs[s] + i] != byte_of(s, 0, i, r))
          fail("Allgatherv %ld%s round %d: byte %ld of rank %d", n, in_place ? " in place" : "", r,
               i, s);
      }
    }
    check_gaps(recv[r], n, "Allgatherv");
    free(recv[r]);
  }
  free(send);
  ++g_checks;
}

static void alltoallv_rounds(long n, int in_place, int late) {
  int counts[64], displs[64];
  layout(n, counts, displs);
  const long span = g_p * (n + kGapBytes);
  unsigned char *send = xmalloc((size_t)span);
  unsigned char *recv[kRounds];
  for (int r = 0; r < kRounds; ++r) {
    recv[r] = xmalloc((size_t)span);
    memset(recv[r], kGap, (size_t)span);
    memset(send, kGap, (size_t)span);
    /* In place the blocks to send are in recv, and what arrives replaces them. */
    unsigned char *out = in_place ? recv[r] : send;
    for (int d = 0; d < g_p; ++d) {
      for (long i = 0; i < n; ++i) out[displs[d] + i] = byte_of(g_me, d, i, r);
    }
    if (g_me == late) spin_us(200);
    if (in_place) {
      CALL(MPI_Alltoallv(MPI_IN_PLACE, counts, displs, MPI_BYTE, recv[r], counts, displs, MPI_BYTE,
                         g_comm));
    } else {
      CALL(
          MPI_Alltoallv(send, counts, displs, MPI_BYTE, recv[r], counts, displs, MPI_BYTE, g_comm));
      for (int d = 0; d < g_p; ++d) {
        for (long i = 0; i < n; ++i) {
          if (send[displs[d] + i] != byte_of(g_me, d, i, r))
            fail("Alltoallv %ld changed sendbuf", n);
        }
      }
    }
    memset(send, 0x5a, (size_t)span);
  }
  for (int r = 0; r < kRounds; ++r) {
    for (int s = 0; s < g_p; ++s) {
      for (long i = 0; i < n; ++i) {
        if (recv[r][displs[s] + i] != byte_of(s, g_me, i, r))
          fail("Alltoallv %ld%s round %d: byte %ld from rank %d", n, in_place ? " in place" : "", r,
               i, s);
      }
    }
    check_gaps(recv[r], n, "Alltoallv");
    free(recv[r]);
  }
  free(send);
  ++g_checks;
}

static void suite(MPI_Comm comm, const char *label) {
  g_comm = comm;
  g_label = label;
  MPI_Comm_rank(comm, &g_me);
  MPI_Comm_size(comm, &g_p);
  for (int k = 0; k < NSIZES; ++k) {
    for (int in_place = 0; in_place < 2; ++in_place) {
      for (int late = -1; late < g_p && late < 2; ++late) {
        allgatherv_rounds(kSizes[k], in_place, late);
        alltoallv_rounds(kSizes[k], in_place, late);
      }
    }
  }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_world_rank);
  int world_size;
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  if (world_size > 64) fail("at most 64 ranks");
  suite(MPI_COMM_WORLD, "MPI_COMM_WORLD");
  MPI_Comm split;
  g_label = "Comm_split";
  CALL(MPI_Comm_split(MPI_COMM_WORLD, 0, world_size - g_world_rank, &split));
  suite(split, "Comm_split(reversed)");
  CALL(MPI_Comm_free(&split));
  return finish_ok();
}
