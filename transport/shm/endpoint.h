// The shm transport: ranks on one host exchange frames through lock-free single-producer
// single-consumer rings in POSIX shared memory (layout in shm_format.h), and large payloads
// move with one copy through process_vm_readv (Read); ReadShared splits one between the
// reader and the owner of the source, which copies its half from its Poll (copy_assist.h).
//
// Design: memory that grows with the pairs that talk, not with the square of the ranks.
// - Each rank creates one sparse segment at once (CreateEndpoint): a header of a few KiB per
//   64 ranks (ranks, one offer word and one copy-assist line per local rank) and an area for
//   rings this rank writes. Nothing else is allocated or mapped up front; Connect only
//   records the peers' addresses. Init cost and memory no longer grow with n x n.
// - A ring is created by its producer, in the producer's own segment, on the first Send to a
//   peer: the sender maps the peer's segment once, writes an offer (where the ring is) into
//   the peer's offers[] and rings the peer's doorbell. The receiver's Poll loads its doorbell
//   word (one load of a quiet line, as the old copy-assist hint was), maps the sender's
//   segment and adds the ring to the rings it polls. Poll visits only rings that exist.
// - First rings are small (first_ring_slots, 2 x 16 KiB: 36 KiB a pair; on hosts with few
//   ranks the middle ring, Options::middle_first) and keep one slot
//   for a switch record. A pair that stays busy (the producer found the ring full several
//   times) grows: the producer creates a larger ring, puts a switch record naming it in the
//   reserved slot and writes to the new ring from then on; the consumer moves over when it
//   pops the record, so order is kept. Growth goes through a middle ring (8 slots, 132 KiB),
//   which grows on to the largest only when a push finds it full: collective partners that
//   trade a frame at a time stay there and never pay the largest ring's allocation. Growth
//   is paid from a budget of host_ring_budget / local ranks per rank; with the budget spent a
//   ring stays as it is (and stops reserving).
//   With two ranks on a host the first busy pair reaches the old geometry (64 x 16 KiB)
//   after a few messages, so latency and bandwidth are those of the fixed rings.
// - Memory: 64 ranks where every pair talks: 64 x 63 x 36 KiB = 142 MiB of first rings plus
//   at most the 64 MiB budget, against 4 GiB for the old n x n x 1 MiB rings; pairs that
//   never talk cost nothing. All ring memory is allocated with posix_fallocate when a ring is
//   created, so a full /dev/shm is an error that says so, never a SIGBUS.
// - Cooperative Reads use an AssistControl line per (owner, reader) pair in the owner's
//   segment, so they do not depend on which ring a pair currently uses.
// - The creator holds a shared flock on its segment; a later launcher can tell a dead job's
//   leftovers by the missing lock (shm_format.h, launcher/agent/shm_cleaner.h).
//
// Address() is "<segment name>;<pid>;<probe address in hex>". Single copy is probed once per
// peer when a ring to or from it is first set up (CanRead is false where the probe fails,
// e.g. EPERM under a restrictive ptrace scope).
//
// Send and Poll take no locks, make no syscalls and allocate nothing once a pair's ring
// exists and has stopped growing; creating or growing a ring (cold) maps and allocates.
// With wake_sleepers, they also wake a peer that sleeps (one fence and one load of its
// doorbell per Send or per Poll that freed slots; a futex wake only when it sleeps). Poll
// visits rings round-robin, delivering at most a bounded batch per peer per call. A sink must
// not call Poll from OnFrame; it may call Send. The segment is unlinked when the endpoint is
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
  size_t ring_slots = 64;        // largest ring, power of two (ZMPI_SHM_RING_SLOTS)
  size_t slot_size = 16512;      // bytes per slot incl. headers (ZMPI_SHM_SLOT_SIZE)
  size_t first_ring_slots = 2;   // ring a pair starts with, power of two <= ring_slots
  // A busy first ring grows to this many slots first (a pair of collective partners rarely
  // fills it, and it costs an eighth of the largest ring), then to ring_slots.
  size_t middle_ring_slots = 8;
  // Where few ranks share the host (the budget below pays for a middle ring to every other
  // local rank four times over: up to ~11 local ranks by default), first rings are middle
  // rings: a pair's ring is then allocated and faulted in once, on its first message, instead
  // of again a few messages later. Ranks that outnumber the cores fill a 2-slot ring within a
  // few exchanges (a peer waits for a CPU), so the growth landed in a benchmark's timed calls.
  bool middle_first = true;
  // Ring memory beyond first rings that the ranks of this host may spend on busy pairs,
  // split evenly between the local ranks.
  size_t host_ring_budget = size_t{64} << 20;
  // Times a first or grown ring is found full before it grows (a pair that is busy). Small,
  // so that a pair that talks grows early (a ping-pong pays a cache miss per message on a
  // 2-slot ring) and the one-time cost of growing (~0.5 ms: allocate and fault in 1 MiB on
  // both sides) falls in its first exchanges, e.g. an OSU benchmark's warm-up.
  uint32_t grow_after_full = 4;
  bool single_copy = true;  // offer Read() via process_vm_readv (ZMPI_SINGLE_COPY)
  // Reads of assist_min_bytes or more are shared with the owner of the source memory, which
  // copies part of them from its Poll (see copy_assist.h). 0: the reader always copies alone.
  size_t assist_min_bytes = 128 << 10;  // ZMPI_SHM_ASSIST_MIN
  // Ranks that outnumber the host's CPUs: a waiting rank sleeps (Endpoint::Sleep) and its
  // peers wake it after each frame they publish and each slot they free for it (shm_format.h,
  // Doorbell). Every rank of the host must agree; off, Send and Poll pay nothing for it.
  bool wake_sleepers = false;
};

StatusOr<std::unique_ptr<Endpoint>> CreateEndpoint(const Options& options);

}  // namespace zmpi::transport::shm

#endif  // ZMPI_TRANSPORT_SHM_ENDPOINT_H_
