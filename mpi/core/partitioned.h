// MPI-4 partitioned communication (MPI_Psend_init, MPI_Precv_init, MPI_Pready*, MPI_Parrived)
// over the engine's sends and receives.
//
// Protocol. MPI_Psend_init sends a handshake (its size, how its partitions are grouped into
// transfer units, a channel number) on the communicator's collective context with tag
// 0x40000000 | user tag; MPI_Precv_init posts the receive of it from (source, user tag), which
// pairs the two in the order of the initialization calls, as MPI-4.1 §4.2 asks (like a send
// and a receive with that source and tag), whatever order the MPI_Starts come in. The first
// round waits for the handshake. Each unit of partitions then
// travels as one message, as soon as all its partitions are ready, on the collective context
// with tag 0x80000000 | channel << 16 | unit: collectives only use tags up to 0x3fffffff,
// user receives never see that context, and the non-overtaking rule keeps rounds apart. A
// send has up to 256 units (larger partition counts are grouped, see kMaxUnits); a receive
// partition has arrived once every unit overlapping its bytes has.
//
// A non-contiguous datatype travels packed: a unit is packed into the request's staging buffer
// just before it leaves, and unpacked into the receive's layout as soon as it arrives (so
// MPI_Parrived's partitions are in place), by ranges of the packed stream (both sides may
// partition it differently).
#ifndef ZMPI_MPI_CORE_PARTITIONED_H_
#define ZMPI_MPI_CORE_PARTITIONED_H_

#include <cstddef>
#include <cstdint>

#include "common/status.h"
#include "mpi/core/comm.h"
#include "mpi/core/datatype.h"
#include "mpi/core/request.h"

namespace zmpi::core {

struct PartitionedArgs {
  void* buf;
  size_t partitions;       // >= 1
  size_t partition_bytes;  // bytes of one partition
  int rank;                // destination or source (no wildcards); MPI_PROC_NULL allowed
  int tag;
  Comm* comm;
  // A non-contiguous datatype (nullptr otherwise) and its count per partition; `buf` is then
  // the user's buffer for the type's layout.
  const Datatype* type = nullptr;
  int64_t count = 0;
};

// Inactive persistent partitioned requests; arguments are checked by the caller.
Request* PsendInit(const PartitionedArgs& args);
Request* PrecvInit(const PartitionedArgs& args);
// Called by Start (request_ext.h) on an inactive partitioned request.
Status PartitionedStart(Request* request);
// MPI_Pready of partitions [low, high] of an active partitioned send (kRequest when the
// request is not one or not active, kArg for a partition out of range or readied twice).
Status Pready(Request* request, size_t low, size_t high);
// MPI_Request_free of an inactive partitioned request: releases it (its handshake may still be
// in flight: the handshake's request keeps what it needs until it completes).
void PartitionedFree(Request* request);
// MPI_Parrived: whether partition `partition` of a partitioned receive has arrived.
Status Parrived(Request* request, size_t partition, bool* flag);

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_PARTITIONED_H_
