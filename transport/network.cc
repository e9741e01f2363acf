#include "transport/network.h"

#include "transport/tcp/endpoint.h"
#if ZMPI_HAVE_OFI
#include "transport/ofi/endpoint.h"
#endif

namespace zmpi::transport {

bool HaveOfi() { return ZMPI_HAVE_OFI != 0; }

StatusOr<std::unique_ptr<Endpoint>> CreateNetworkEndpoint(const NetworkOptions& options) {
  if (options.kind == NetworkKind::kTcp) {
    tcp::Options o;
    o.iface = options.iface;
    o.my_rank = options.my_rank;
    o.world_size = options.world_size;
    o.idle_poll_us = options.idle_poll_us;
    return tcp::CreateEndpoint(o);
  }
#if ZMPI_HAVE_OFI
  ofi::Options o;
  o.provider = options.ofi_provider;
  o.iface = options.iface;
  o.bulk_chunk = options.ofi_bulk_chunk;
  o.my_rank = options.my_rank;
  o.world_size = options.world_size;
  o.idle_poll_us = options.idle_poll_us;
  o.blocking = options.blocking;
  return ofi::CreateEndpoint(o);
#else
  return Error(Code::kUnsupported,
               "this zmpi was built without libfabric (ZMPI_PORTABLE): use ZMPI_TRANSPORT=tcp");
#endif
}

std::thread PreloadNetwork(NetworkKind kind) {
#if ZMPI_HAVE_OFI
  if (kind == NetworkKind::kOfi) return ofi::LoadLibraryInBackground();
#endif
  (void)kind;
  return std::thread();
}

}  // namespace zmpi::transport
