// The ofi transport: libfabric RDM endpoints with tagged messages, for ranks on other hosts
// (and on this host when forced with ZMPI_TRANSPORT=ofi).
//
// Frames travel as eager tagged messages: Send copies prefix + header + payload into a bounce
// buffer from a fixed pool (or injects small frames) and returns kRetry when the pool or the
// provider is full. A fixed number of receive buffers stays posted; a frame the sink refuses
// keeps its buffer until it is taken, and frames behind it from that peer wait (past 3/4 of
// the buffers held, held frames are copied out so other peers keep flowing). Bulk transfers
// are tagged messages on the core's key, directed at the peer, split into chunks when the
// provider limits the message size. Tag layout and frame prefix: transport/ofi/tag_format.h.
//
// The sink may call Send and PostBulk* from its callbacks, never Poll.
// Nothing here waits but Sleep (with Options::blocking, bounded by its caller): every libfabric
// call that says -FI_EAGAIN is retried on a later Send or Poll. A failed send to a peer marks it dead (PeerAlive false, later sends fail with
// kProcAborted); the core bounds its own waits.
#ifndef ZMPI_TRANSPORT_OFI_ENDPOINT_H_
#define ZMPI_TRANSPORT_OFI_ENDPOINT_H_

#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"
#include "transport/endpoint.h"

namespace zmpi::transport::ofi {

struct Options {
  // libfabric providers to try, in order, separated by commas; the first one this libfabric
  // offers is used (default as ZMPI_OFI_PROVIDER's in common/config.cc). "net" (libfabric 1.17;
  // called "tcp" from 1.18 on) does one system call per message each way; "tcp;ofi_rxm" also
  // writes and reads a wake-up pipe per received message (~1.5 us): docs/transport-ofi.md.
  // Every rank must end up with the same provider; Connect refuses a peer that did not.
  std::string provider = "net,tcp,tcp;ofi_rxm";
  // Network interface to use: "lo" on one host, "eth0" in a namespace host. Required: the
  // provider's default interface is never used.
  std::string iface;
  int my_rank = 0;     // world rank
  int world_size = 0;  // ranks 0..world_size-1 may be peers
  // Piece size of bulk transfers the receiver has cut (Bulk::ChooseLayout); 0 = the
  // provider's message limit (ZMPI_OFI_BULK_CHUNK).
  size_t bulk_chunk = 0;
  // Looking at the provider costs a system call (~0.6-1 us idle here). 0: Poll looks every
  // time. > 0: while nothing is in flight and nothing happened for 200 us, Poll looks at most
  // once per this many microseconds, so a progress loop that also drives shm is not taxed;
  // the first frame after a quiet spell then waits up to this long.
  int idle_poll_us = 0;
  // Open the completion queue with a wait object (a descriptor) so that Sleep can block until
  // something arrives (Wakes). Only with net (tcp from libfabric 1.18): every completion it
  // writes then also takes the wait object's lock, and the first one after a sleep writes a
  // byte to its wake-up socket (docs/transport-ofi.md, "Ranks that block"). Other providers
  // ignore it.
  bool blocking = false;
};

StatusOr<std::unique_ptr<Endpoint>> CreateEndpoint(const Options& options);

// Loads libfabric on a new thread (its dependencies' constructors sleep ~0.2 s: libfabric.h),
// so a rank that will need ofi overlaps that with its other start-up work. CreateEndpoint
// waits for a load in progress. Join the thread before the process may exit.
std::thread LoadLibraryInBackground();

}  // namespace zmpi::transport::ofi

#endif  // ZMPI_TRANSPORT_OFI_ENDPOINT_H_
