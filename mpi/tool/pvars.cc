#include "mpi/tool/pvars.h"

#include <cstring>

#include "mpi/core/counters.h"
#include "mpi/core/p2p.h"
#include "mpi/core/runtime.h"

namespace zmpi::tool {
namespace {

using core::counters;
using core::Runtime;

// The rows, in index order; `Id` names them in code.
enum Id {
  kShmMessagesSent,
  kShmBytesSent,
  kShmMessagesReceived,
  kShmBytesReceived,
  kOfiMessagesSent,
  kOfiBytesSent,
  kOfiMessagesReceived,
  kOfiBytesReceived,
  kSelfMessagesSent,
  kSelfBytesSent,
  kSelfMessagesReceived,
  kSelfBytesReceived,
  kRendezvousSends,
  kSharedReads,
  kUnexpectedMessages,
  kUnexpectedQueueLength,
  kUnexpectedHighWater,
  kUnexpectedBytes,
  kPostedReceives,
  kPostedQueueLength,
  kCollectiveOperations,
  kCommCollectiveOperations,
  kWaitSpinLow,
  kCount
};

constexpr int kPerTransport = 4;  // rows per transport, in TransportCounters' order
constexpr int kUser = MPI_T_VERBOSITY_USER_BASIC;
constexpr int kTuner = MPI_T_VERBOSITY_TUNER_BASIC;
constexpr int kCounter = MPI_T_PVAR_CLASS_COUNTER;
constexpr int kLevel = MPI_T_PVAR_CLASS_LEVEL;
constexpr int kNone = MPI_T_BIND_NO_OBJECT;

#define ZMPI_TRANSPORT_PVARS(t, what)                                                             \
  {"zmpi_" t "_messages_sent",                                                                    \
   "messages sent through " what,                                                                 \
   kUser,                                                                                         \
   kCounter,                                                                                      \
   kNone,                                                                                         \
   false,                                                                                         \
   false,                                                                                         \
   true},                                                                                         \
      {"zmpi_" t "_bytes_sent",                                                                   \
       "bytes of the messages sent through " what,                                                \
       kUser,                                                                                     \
       kCounter,                                                                                  \
       kNone,                                                                                     \
       false,                                                                                     \
       false,                                                                                     \
       true},                                                                                     \
      {"zmpi_" t "_messages_received",                                                            \
       "messages received through " what,                                                         \
       kUser,                                                                                     \
       kCounter,                                                                                  \
       kNone,                                                                                     \
       false,                                                                                     \
       false,                                                                                     \
       true},                                                                                     \
  {                                                                                               \
    "zmpi_" t "_bytes_received", "bytes of the messages received through " what, kUser, kCounter, \
        kNone, false, false, true                                                                 \
  }

const PvarInfo kPvars[kCount] = {
    ZMPI_TRANSPORT_PVARS("shm", "shared memory (ranks on this host)"),
    ZMPI_TRANSPORT_PVARS("ofi", "libfabric (ranks on other hosts, or ZMPI_TRANSPORT=ofi)"),
    ZMPI_TRANSPORT_PVARS("self", "the loopback transport (messages to this rank)"),
    {"zmpi_rendezvous_sends", "sends larger than the eager limit (rendezvous protocol)", kTuner,
     kCounter, kNone, false, false, true},
    {"zmpi_shared_reads",
     "single-copy reads whose sender read none of this rank's messages meanwhile, so it may "
     "copy part (shm: from ZMPI_SHM_ASSIST_MIN)",
     kTuner, kCounter, kNone, false, false, true},
    {"zmpi_unexpected_messages", "messages that arrived before a matching receive was posted",
     kTuner, kCounter, kNone, false, false, true},
    {"zmpi_unexpected_queue_length", "messages waiting in the unexpected queues now", kTuner,
     kLevel, kNone, true, true, true},
    {"zmpi_unexpected_queue_high_water",
     "most messages ever waiting in the unexpected queues at once (since the process started)",
     kTuner, MPI_T_PVAR_CLASS_HIGHWATERMARK, kNone, true, true, true},
    {"zmpi_unexpected_bytes", "bytes of eager messages buffered as unexpected now", kTuner, kLevel,
     kNone, true, true, true},
    {"zmpi_posted_receives", "receives posted before their message arrived (queued to wait)",
     kTuner, kCounter, kNone, false, false, true},
    {"zmpi_posted_queue_length", "receives posted and not yet matched now", kTuner, kLevel, kNone,
     true, true, true},
    {"zmpi_collective_operations",
     "collective operations begun on any communicator (see zmpi_comm_collective_operations)", kUser,
     kCounter, kNone, false, false, true},
    {"zmpi_comm_collective_operations",
     "collective operations begun on this communicator: one per blocking or non-blocking "
     "collective call, persistent collective initialization and communicator construction, "
     "plus the inner collectives a few algorithms run",
     kUser, kCounter, MPI_T_BIND_MPI_COMM, false, false, true},
    {"zmpi_wait_spin_low",
     "fewest idle progress turns a wait has spun before yielding the CPU (the spin shrinks while "
     "waits end right after their first yield, i.e. a peer shares this CPU; 64 at the least, 8 "
     "where every idle turn polls the network)",
     kTuner, MPI_T_PVAR_CLASS_LOWWATERMARK, kNone, true, true, true},
};

#undef ZMPI_TRANSPORT_PVARS

bool Running() {
  return Runtime::state() == core::LibraryState::kInitialized && Runtime::Get() != nullptr;
}

uint64_t TransportValue(int index) {
  const core::TransportCounters& t = counters.transport[index / kPerTransport];
  switch (index % kPerTransport) {
    case 0:
      return t.messages_sent;
    case 1:
      return t.bytes_sent;
    case 2:
      return t.messages_received;
    default:
      return t.bytes_received;
  }
}

}  // namespace

int PvarCount() { return kCount; }
const PvarInfo& Pvar(int index) { return kPvars[index]; }

int FindPvar(const char* name, int var_class) {
  for (int i = 0; i < kCount; ++i) {
    if (kPvars[i].var_class == var_class && strcmp(kPvars[i].name, name) == 0) return i;
  }
  return -1;
}

uint64_t PvarValue(int index, MPI_Comm comm, bool* gone) {
  *gone = false;
  if (index < core::kTransportSlots * kPerTransport) return TransportValue(index);
  switch (index) {
    case kRendezvousSends:
      return counters.rendezvous_sends;
    case kSharedReads:
      return counters.shared_reads;
    case kUnexpectedMessages:
      return counters.unexpected_messages;
    case kUnexpectedQueueLength:
      return counters.unexpected_queued;
    case kUnexpectedHighWater:
      return counters.unexpected_high_water;
    case kUnexpectedBytes:
      return Running() ? Runtime::Get()->engine().unexpected_bytes() : 0;
    case kPostedReceives:
      return counters.posted_receives;
    case kPostedQueueLength:
      return Running() ? Runtime::Get()->engine().PostedReceives() : 0;
    case kCollectiveOperations:
      return counters.collective_operations;
    case kCommCollectiveOperations: {
      const core::Comm* c = Running() ? Runtime::Get()->FindComm(comm) : nullptr;
      if (c == nullptr) {
        *gone = true;
        return 0;
      }
      return c->coll_operations();
    }
    case kWaitSpinLow:
      return Running() ? static_cast<uint64_t>(core::WaitSpinLow()) : 0;
  }
  return 0;
}

}  // namespace zmpi::tool
