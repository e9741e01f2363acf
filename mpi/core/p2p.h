// The core point-to-point API, below the C boundary. mpi/abi/ uses it for MPI_Send & co.,
// mpi/coll/ uses it (on a communicator's collective context) for every algorithm.
//
// Buffers are contiguous byte ranges (all predefined datatypes are contiguous). Ranks are
// ranks in `comm` (MPI_ANY_SOURCE and MPI_PROC_NULL allowed where MPI allows them).
// Requests are owned by the core: release them with Wait*/Test* (which free on completion)
// or RequestFree.
#ifndef ZMPI_MPI_CORE_P2P_H_
#define ZMPI_MPI_CORE_P2P_H_

#include <cstddef>
#include <cstdint>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/include/mpi.h"

namespace zmpi::core {

struct Request;

enum class SendMode { kStandard, kSync, kReady };
enum class Channel { kUser, kColl };  // which of the communicator's contexts

struct Datatype;

// `type` is set only for a derived datatype whose data are not `bytes` contiguous bytes at
// buf: then (buf, count, type) describe the data, `bytes` is their packed size, and the call
// takes the cold derived path (derived_op.h). nullptr: plain bytes.
struct SendArgs {
  const void* buf;
  size_t bytes;
  int dest;
  int tag;
  Comm* comm;
  SendMode mode = SendMode::kStandard;
  Channel channel = Channel::kUser;
  const Datatype* type = nullptr;
  int64_t count = 0;
};

struct RecvArgs {
  void* buf;
  size_t bytes;  // capacity
  int source;    // or MPI_ANY_SOURCE
  int tag;       // or MPI_ANY_TAG
  Comm* comm;
  Channel channel = Channel::kUser;
  size_t type_size = 1;  // for the status's element count
  const Datatype* type = nullptr;  // as in SendArgs
  int64_t count = 0;
};

// Start operations. The request completes later; errors found at start are returned here.
StatusOr<Request*> Isend(const SendArgs& args);
StatusOr<Request*> Irecv(const RecvArgs& args);
// Blocking send. A standard or ready send small enough for one frame, to a peer with nothing
// queued, leaves at once with no request; anything else is Isend + Wait.
Status Send(const SendArgs& args);

// Wait for one request, fill `status` (may be nullptr), free the request.
// Returns the request's error (e.g. kTruncate) if it failed.
Status Wait(Request* request, MPI_Status* status);
// Wait for all; stops at nothing: every request is completed and freed. Returns the first
// error; statuses (may be nullptr) hold each request's own error.
Status WaitAll(Request* const* requests, int count, MPI_Status* statuses);
// Completes without blocking if possible: *done = true frees the request and fills status.
Status Test(Request* request, bool* done, MPI_Status* status);

// Fills an MPI_Status from a completed request (status may be MPI_STATUS_IGNORE).
void FillStatus(const Request* request, MPI_Status* status);
// Ends a completed request, returning its error: releases it, or (persistent) makes it
// inactive; other kinds than plain sends and receives go to FinishSpecial.
Status Finish(Request* request, MPI_Status* status);
// The empty status (source MPI_ANY_SOURCE, tag MPI_ANY_TAG, count 0) of null and inactive
// requests; status may be MPI_STATUS_IGNORE.
void EmptyStatus(MPI_Status* status);

// Drives progress once; after a run of idle turns (ZMPI_SPIN_COUNT, none when ranks outnumber
// CPUs; it halves while waits end right after one yield, down to 64, or 8 for a rank with no
// shm peers, whose every idle turn is a network poll) yields the CPU, and after 20 ms of
// yielding naps 50 us between polls. Where ranks outnumber CPUs it sleeps instead of yielding
// (Engine::Sleep: until a peer wakes it, 1 ms at most), so oversubscribed ranks do not starve
// each other. A rank whose peers are all behind a
// network endpoint that can block (Runtime::net_block_after) polls for ZMPI_NET_BLOCK_AFTER us
// instead, then blocks there until a message arrives (1 ms at most per block). Any turn with
// events resets it.
class ProgressLoop {
 public:
  // One progress pass, then Pace.
  void Turn();
  // After a pass that saw `events` events: spins, yields or naps as described above. Under
  // MPI_THREAD_MULTIPLE it first lets other threads take the library lock (Threads::Yield;
  // `done`: the flag of the one request this loop waits for, if any).
  void Pace(int events, const bool* done = nullptr);
  // Back to spinning, as after a pass with events (a wait that ended).
  void Reset() {
    idle_ = 0;
    sleeps_ = 0;
    sleeping_ = false;
  }
  // True about once per `seconds` of waiting (cheap clock checks) for liveness checks.
  bool Every(double seconds);

 private:
  // Pace's idle turns for a rank that blocks in its network endpoint (p2p.cc, g_block_after).
  void PollThenBlock();

  int idle_ = 0;              // turns since the last event
  int sleeps_ = 0;            // of them, turns that slept in Engine::Sleep
  double yielding_since_ = 0;  // when this idle stretch started yielding (polling, to block)
  bool sleeping_ = false;      // yielded for kYieldSeconds: now naps between polls
  double last_check_ = 0;
};

// The fewest idle turns a wait of this process has spun before yielding (ProgressLoop's spin
// shrinks while waits end right after their first yield: a peer that shares this CPU): 64 at
// the least, 8 for a rank whose every idle turn polls the network. Call with a Runtime.
int WaitSpinLow();

// Progresses until `request` completes; fails it with kProcAborted if its peer dies
// (checked about once a second). Does not release it.
void WaitComplete(Request* request, ProgressLoop& loop);
// Fails those of `requests` (nullptr entries allowed) whose peer died. For loops that wait on
// several requests at once; call it when loop.Every(1.0) says so.
void FailDeadPeers(Request* const* requests, int count);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_P2P_H_
