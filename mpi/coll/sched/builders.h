// Algorithm builders: each records one collective's steps for one rank into a Schedule
// (schedule.h). Pure: they see only rank, size, spans and a Reducer, never a communicator,
// so unit tests run them over an in-memory backend. Peers are ranks of the communicator.
//
// Reductions work on contiguous elements of reducer.elem_size() bytes (the caller packs
// derived types first) and keep rank order: a combined value is always (lower ranks) op
// (higher ranks), so non-commutative operations are right. `data` holds this rank's
// contribution when the schedule reaches the builder's first step and the result after its
// last; the builders may use it as working space.
#ifndef ZMPI_MPI_COLL_SCHED_BUILDERS_H_
#define ZMPI_MPI_COLL_SCHED_BUILDERS_H_

#include <cstddef>
#include <cstdint>

#include "mpi/coll/reducer.h"
#include "mpi/coll/sched/schedule.h"

namespace zmpi::coll::sched {

// Dissemination: ceil(log2 size) rounds of empty messages.
void BuildBarrier(Schedule& s, int rank, int size);
// Binomial tree from `root`; from kScatterBcastMin bytes of plain data on more than 2 ranks,
// the root sends each rank a slice and a ring allgather completes everyone's copy.
inline constexpr size_t kScatterBcastMin = 128 * 1024;
void BuildBcast(Schedule& s, int rank, int size, Span buf, int root);

// Linear: the root posts every receive (send) at once. `blocks[i]` is rank i's part of the
// root's buffer; `own` is this rank's send (gather) or receive (scatter) span, ignored at the
// root when `in_place`.
void BuildGatherv(Schedule& s, int rank, int size, Span own, const Span* blocks, int root,
                  bool in_place);
void BuildScatterv(Schedule& s, int rank, int size, const Span* blocks, Span own, int root,
                   bool in_place);
// Every rank sends `own` to every other at once and receives blocks[i] from rank i; blocks
// [rank] gets `own` (unless in place: it is already there).
void BuildAllgatherv(Schedule& s, int rank, int size, Span own, const Span* blocks, bool in_place);
// Every pair at once: sends[i] to rank i, recvs[i] from rank i (sends[rank] copied locally).
void BuildAlltoallw(Schedule& s, int rank, int size, const Span* sends, const Span* recvs);

// Recursive doubling (non-powers of two fold the first ranks in pairs); from
// kRingAllreduceMin bytes on more than 2 ranks with a commutative op, ring reduce-scatter +
// ring allgather. The result is bit-identical on every rank.
inline constexpr size_t kRingAllreduceMin = 64 * 1024;
void BuildAllreduce(Schedule& s, int rank, int size, const Reducer& r, void* data, size_t count);
// Binomial tree; commutative ops over ranks relative to the root, others over ranks from 0
// (rank order), then rank 0 hands the result to the root. `data` at the root: the result.
void BuildReduce(Schedule& s, int rank, int size, const Reducer& r, void* data, size_t count,
                 int root);
// Recursive doubling. `data`: in, this rank's value; out, the (exclusive) prefix. Exclusive:
// rank 0's data is left as it was.
void BuildScan(Schedule& s, int rank, int size, const Reducer& r, void* data, size_t count,
               bool exclusive);

// ---- intercommunicators ----
// Direct exchanges between the groups (no step inside a group); peers are remote ranks and
// `remote` is the remote group's size. Rooted operations: the root passed MPI_ROOT (kRoot),
// the rest of its group MPI_PROC_NULL (kIdle), the other group the root's rank (kRemote).
enum class InterRole { kRoot, kIdle, kRemote };
void BuildInterBarrier(Schedule& s, int remote);
void BuildInterBcast(Schedule& s, int remote, Span buf, InterRole role, int root);
void BuildInterGatherv(Schedule& s, int remote, Span own, const Span* blocks, InterRole role,
                       int root);
void BuildInterScatterv(Schedule& s, int remote, const Span* blocks, Span own, InterRole role,
                        int root);
// blocks[i]: what remote rank i sends here.
void BuildInterAllgatherv(Schedule& s, int remote, Span own, const Span* blocks);
void BuildInterAlltoallw(Schedule& s, int remote, const Span* sends, const Span* recvs);
// The root receives every remote rank's contribution and combines them in rank order
// (remote*count elements of scratch); `data`: this rank's contribution (kRemote) or the
// result (kRoot).
void BuildInterReduce(Schedule& s, int remote, const Reducer& r, void* data, size_t count,
                      InterRole role, int root);
// Every rank sends `own` to every remote rank and combines theirs, in rank order, into `data`
// (which must not be `own`).
void BuildInterAllreduce(Schedule& s, int remote, const Reducer& r, const void* own, void* data,
                         size_t count);

}  // namespace zmpi::coll::sched

#endif  // ZMPI_MPI_COLL_SCHED_BUILDERS_H_
