// The few libfabric functions zmpi calls by symbol, loaded on first use rather than linked.
//
// Why: Debian's libfabric.so.1 links the PSM provider libraries, whose constructors calibrate
// a clock by sleeping (libinfinipath: ~100 ms of usleep(125) loops; libpsm2 similar) in every
// process that loads them. Linked into libmpi, that cost ~0.2 s of every rank's start-up,
// shared-memory-only jobs included. Loaded here, only a rank that opens a fabric pays it.
// Everything else libfabric offers is reached through the ops tables of the objects these
// return (the static inline fi_* wrappers of the headers), which need no symbols.
#ifndef ZMPI_TRANSPORT_OFI_LIBFABRIC_H_
#define ZMPI_TRANSPORT_OFI_LIBFABRIC_H_

#include <rdma/fabric.h>

#include "common/status.h"

namespace zmpi::transport::ofi {

struct FabricApi {
  int (*getinfo)(uint32_t version, const char* node, const char* service, uint64_t flags,
                 const fi_info* hints, fi_info** info);
  void (*freeinfo)(fi_info* info);
  fi_info* (*dupinfo)(const fi_info* info);
  int (*fabric)(fi_fabric_attr* attr, fid_fabric** fabric, void* context);
  const char* (*strerror)(int errnum);
};

// Loads libfabric.so.1 once per process; an error names the library and dlerror's reason.
StatusOr<const FabricApi*> LoadFabricApi();
// The loaded API; only valid after LoadFabricApi succeeded (every path that holds a libfabric
// object does).
const FabricApi& Fi();

}  // namespace zmpi::transport::ofi

#endif  // ZMPI_TRANSPORT_OFI_LIBFABRIC_H_
