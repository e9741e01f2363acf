// The process's event counters, read by the tool information interface (mpi/tool, MPI_T
// performance variables). Plain integers, each bumped by a plain increment where the event
// happens: the point-to-point engine (messages and bytes per transport), matching (unexpected
// and posted queues) and communicators (collective operations, comm.h).
//
// Why a global and not a Runtime member: MPI_T may read these before MPI_Init and after
// MPI_Finalize, and a run of sessions starts and ends several runtimes; the counts are the
// process's, so they outlive every runtime. Thread-safety: under MPI_THREAD_MULTIPLE every
// entry point that moves a counter holds the library lock (threads.h), and so do the MPI_T
// calls that read them; below MULTIPLE one thread at a time is in MPI.
#ifndef ZMPI_MPI_CORE_COUNTERS_H_
#define ZMPI_MPI_CORE_COUNTERS_H_

#include <cstdint>

namespace zmpi::core {

// Matchable messages (eager or rendezvous) through one transport; bytes are message sizes,
// whatever the protocol carried them. The order keeps the two fields one event moves apart:
// adjacent, GCC merges the two increments into one SSE add that costs more than both.
struct TransportCounters {
  uint64_t messages_sent = 0;
  uint64_t messages_received = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
};

enum class TransportSlot : int { kShm = 0, kOfi = 1, kSelf = 2 };
inline constexpr int kTransportSlots = 3;

struct Counters {
  TransportCounters transport[kTransportSlots];
  uint64_t rendezvous_sends = 0;       // sends larger than the eager limit
  uint64_t shared_reads = 0;           // reads offered to their sender's help (ReadShared)
  uint64_t unexpected_messages = 0;    // messages that arrived before their receive
  uint64_t unexpected_queued = 0;      // now waiting in the unexpected queues
  uint64_t unexpected_high_water = 0;  // most ever waiting at once
  uint64_t posted_receives = 0;        // receives that had to wait for their message
  uint64_t collective_operations = 0;  // every communicator's Comm::coll_operations summed
};

extern Counters counters;

// The slot of a transport by its endpoint name ("shm", "ofi", "self").
TransportCounters* CountersOf(const char* endpoint_name);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_COUNTERS_H_
