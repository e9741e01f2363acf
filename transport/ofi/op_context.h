// The context libfabric carries for every operation that reports a completion. The first
// member is the provider's scratch space (we declare FI_CONTEXT | FI_CONTEXT2 support), so the
// address of an OpContext is what we pass as `context` and get back as `op_context`.
#ifndef ZMPI_TRANSPORT_OFI_OP_CONTEXT_H_
#define ZMPI_TRANSPORT_OFI_OP_CONTEXT_H_

#include <rdma/fabric.h>

#include <cstddef>
#include <cstdint>

namespace zmpi::transport::ofi {

enum class OpKind : uint8_t { kFrameSend, kFrameRecv, kBulkChunk };

struct OpContext {
  fi_context2 provider;  // must stay first
  OpKind kind;
  int index;    // slot number (frames) or chunk number (bulk)
  void* owner;  // the BulkOp of a chunk; unused for frames
};

}  // namespace zmpi::transport::ofi

#endif  // ZMPI_TRANSPORT_OFI_OP_CONTEXT_H_
