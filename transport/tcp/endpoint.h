// The tcp transport: plain TCP streams between ranks, for hosts without libfabric (Haiku) and
// for jobs that mix such hosts with others (ZMPI_TRANSPORT=tcp). POSIX sockets and poll only.
//
// One stream per pair of ranks, opened once in Connect (mesh.h). Send writes the frame
// (wire_format.h) straight to the socket when nothing is queued for that peer, and copies
// what the socket does not take into the peer's queue; past kMaxQueuedBytes queued it returns
// kRetry. Poll flushes queues and reads every readable stream (one poll(2) call), delivering
// whole frames; a frame the sink refuses stays first in its peer's buffer. No bulk and no
// single copy: the core streams large messages as frames. A stream that ends or fails marks
// its peer dead (PeerAlive false; sends fail with kProcAborted) once the frames that arrived
// before have been delivered.
#ifndef ZMPI_TRANSPORT_TCP_ENDPOINT_H_
#define ZMPI_TRANSPORT_TCP_ENDPOINT_H_

#include <cstddef>
#include <memory>
#include <string>

#include "common/status.h"
#include "transport/endpoint.h"

namespace zmpi::transport::tcp {

struct Options {
  // Network interface whose IPv4 address the rank listens on: "lo" (or "") on one host.
  std::string iface;
  int my_rank = 0;
  int world_size = 0;
  size_t max_payload = 64 * 1024;
  // Bytes a peer's send queue may hold before Send says kRetry.
  size_t max_queued_bytes = 8 << 20;
  // How long Connect waits for every peer's stream.
  int connect_timeout_ms = 60000;
  // As ofi::Options::idle_poll_us: while nothing is queued or buffered and nothing happened
  // for 200 us, Poll calls poll(2) at most once per this many microseconds (0: every time).
  int idle_poll_us = 0;
};

StatusOr<std::unique_ptr<Endpoint>> CreateEndpoint(const Options& options);

}  // namespace zmpi::transport::tcp

#endif  // ZMPI_TRANSPORT_TCP_ENDPOINT_H_
