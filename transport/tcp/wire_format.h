// The tcp transport's bytes on the wire (docs/transport-tcp.md): one stream per pair of
// ranks, opened by the higher rank, which first sends a Hello; then frames in both
// directions, each a FramePrefix followed by the core's header and the payload.
//
// Integers are in the byte order of the ranks: the core refuses ranks whose data model
// differs (mpi/core/data_model.h) before any frame moves, and the Hello's magic, read in the
// wrong order, fails the connection first.
#ifndef ZMPI_TRANSPORT_TCP_WIRE_FORMAT_H_
#define ZMPI_TRANSPORT_TCP_WIRE_FORMAT_H_

#include <cstdint>

namespace zmpi::transport::tcp {

inline constexpr uint32_t kHelloMagic = 0x5a544350;  // "ZTCP"
inline constexpr uint16_t kWireVersion = 1;

struct Hello {
  uint32_t magic = kHelloMagic;
  uint16_t version = kWireVersion;
  uint16_t reserved = 0;
  int32_t rank = -1;        // the connecting rank (world)
  uint32_t world_size = 0;  // both sides must agree
};
static_assert(sizeof(Hello) == 16, "Hello is 16 bytes on the wire");

struct FramePrefix {
  uint32_t header_len;   // <= transport::kMaxHeader
  uint32_t payload_len;  // <= the endpoint's MaxPayload()
};
static_assert(sizeof(FramePrefix) == 8, "FramePrefix is 8 bytes on the wire");

}  // namespace zmpi::transport::tcp

#endif  // ZMPI_TRANSPORT_TCP_WIRE_FORMAT_H_
