// The shm transport: ranks on one host exchange frames through lock-free single-producer
// single-consumer rings in POSIX shared memory (layout in shm_format.h), and large payloads
// move with one copy through process_vm_readv (Read), split between the reader and the
// owner of the source when the owner is polling (copy_assist.h).
//
// Each rank's CreateEndpoint creates its segment at once (one inbound ring per local rank),
// so peers can map it as soon as the address is published. Address() is
// "<segment name>;<pid>;<probe address in hex>". Connect maps each peer's segment, finds the
// ring reserved for this rank there, and probes single copy once per peer (CanRead is false
// where the probe fails, e.g. EPERM under a restrictive ptrace scope).
//
// Send and Poll take no locks, make no syscalls and allocate nothing. Poll visits inbound
// rings round-robin, delivering at most a bounded batch per peer per call. A sink must not
// call Poll from OnFrame; it may call Send. The segment is unlinked when the endpoint is
// destroyed.
#ifndef ZMPI_TRANSPORT_SHM_ENDPOINT_H_
#define ZMPI_TRANSPORT_SHM_ENDPOINT_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "transport/endpoint.h"

namespace zmpi::transport::shm {

struct Options {
  std::string name_prefix;       // segment names start with this, e.g. "/zmpi-<job>-"
  int my_rank = 0;               // world rank
  std::vector<int> local_ranks;  // world ranks on this host, sorted, including my_rank
  size_t ring_slots = 64;        // power of two (ZMPI_SHM_RING_SLOTS)
  size_t slot_size = 16512;      // bytes per slot incl. headers (ZMPI_SHM_SLOT_SIZE)
  bool single_copy = true;       // offer Read() via process_vm_readv (ZMPI_SINGLE_COPY)
  // Reads of assist_min_bytes or more are shared with the owner of the source memory, which
  // copies part of them from its Poll (see copy_assist.h). 0: the reader always copies alone.
  size_t assist_min_bytes = 64 << 10;  // ZMPI_SHM_ASSIST_MIN
};

StatusOr<std::unique_ptr<Endpoint>> CreateEndpoint(const Options& options);

}  // namespace zmpi::transport::shm

#endif  // ZMPI_TRANSPORT_SHM_ENDPOINT_H_
