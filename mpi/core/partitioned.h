// MPI-4 partitioned communication (MPI_Psend_init, MPI_Precv_init, MPI_Pready*, MPI_Parrived)
// over the engine's sends and receives.
//
// Protocol. The first MPI_Start of a partitioned send sends a handshake (its size, how its
// partitions are grouped into transfer units, a channel number) on the communicator's
// collective context with tag 0x40000000 | user tag; the first MPI_Start of a partitioned
// receive receives it from (source, user tag), which pairs the two in the order the standard
// gives (like a send and a receive with that source and tag). Each unit of partitions then
// travels as one message, as soon as all its partitions are ready, on the collective context
// with tag 0x80000000 | channel << 16 | unit: collectives only use tags up to 0x3fffffff,
// user receives never see that context, and the non-overtaking rule keeps rounds apart. A
// send has up to 256 units (larger partition counts are grouped, see kMaxUnits); a receive
// partition has arrived once every unit overlapping its bytes has.
#ifndef ZMPI_MPI_CORE_PARTITIONED_H_
#define ZMPI_MPI_CORE_PARTITIONED_H_

#include <cstddef>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/request.h"

namespace zmpi::core {

struct PartitionedArgs {
  void* buf;
  size_t partitions;       // >= 1
  size_t partition_bytes;  // bytes of one partition
  int rank;                // destination or source (no wildcards); MPI_PROC_NULL allowed
  int tag;
  Comm* comm;
};

// Inactive persistent partitioned requests; arguments are checked by the caller.
Request* PsendInit(const PartitionedArgs& args);
Request* PrecvInit(const PartitionedArgs& args);
// Called by Start (request_ext.h) on an inactive partitioned request.
Status PartitionedStart(Request* request);
// MPI_Pready of partitions [low, high] of an active partitioned send (kRequest when the
// request is not one or not active, kArg for a partition out of range or readied twice).
Status Pready(Request* request, size_t low, size_t high);
// MPI_Parrived: whether partition `partition` of a partitioned receive has arrived.
Status Parrived(Request* request, size_t partition, bool* flag);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_PARTITIONED_H_
