// The self transport: messages from a rank to itself. Frames are copied into a FIFO and
// delivered by the next Poll; Read is a memcpy (the "remote" address space is our own).
#ifndef ZMPI_TRANSPORT_SELF_ENDPOINT_H_
#define ZMPI_TRANSPORT_SELF_ENDPOINT_H_

#include <memory>

#include "transport/endpoint.h"

namespace zmpi::transport::self {

std::unique_ptr<Endpoint> CreateEndpoint(int my_rank, size_t max_payload);

}  // namespace zmpi::transport::self

#endif  // ZMPI_TRANSPORT_SELF_ENDPOINT_H_
