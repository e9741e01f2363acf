// The endpoint for peers reached over the network: libfabric (transport/ofi) where this build
// has it, plain TCP (transport/tcp) where it does not (the portable build, Haiku) or when the
// job asks for it (ZMPI_TRANSPORT=tcp / ZMPI_NET=tcp: every rank of a job must use the same
// one, so a job that includes a host without libfabric runs tcp everywhere).
#ifndef ZMPI_TRANSPORT_NETWORK_H_
#define ZMPI_TRANSPORT_NETWORK_H_

#include <memory>
#include <string>
#include <thread>

#include "common/status.h"
#include "transport/endpoint.h"

namespace zmpi::transport {

enum class NetworkKind { kOfi, kTcp };

// Whether this build has the libfabric transport.
bool HaveOfi();

struct NetworkOptions {
  NetworkKind kind = NetworkKind::kOfi;
  std::string iface;          // see ofi::Options::iface ("lo" on one host)
  std::string ofi_provider;   // ofi only
  size_t ofi_bulk_chunk = 0;  // ofi only
  int my_rank = 0;
  int world_size = 0;
  int idle_poll_us = 0;
  bool blocking = false;  // ofi only: see ofi::Options::blocking
};

// kUnsupported for kOfi in a build without libfabric.
StatusOr<std::unique_ptr<Endpoint>> CreateNetworkEndpoint(const NetworkOptions& options);

// Starts loading what the kind needs on a new thread (libfabric: ofi/endpoint.h) so that it
// overlaps the rank's other start-up work; a thread that is not joinable where nothing is to
// be loaded. Join it before the process may exit.
std::thread PreloadNetwork(NetworkKind kind);

}  // namespace zmpi::transport

#endif  // ZMPI_TRANSPORT_NETWORK_H_
