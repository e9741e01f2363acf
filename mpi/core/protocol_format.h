// The frame header of zmpi's point-to-point protocol, carried in front of every transport
// frame. Described in docs/protocol-p2p.md.
//
//   kEager      header + whole message as payload; the send completes once the frame is out.
//   kEagerSync  as kEager, and the receiver answers kSyncAck{sreq} when the message matches.
//   kRts        request to send a large message: bytes, sreq, and the sender's buffer
//               address. On match the receiver either Reads it (single copy, then kFin{sreq}),
//               or answers kCts{sreq, rreq, bytes} and the sender pushes the data as a
//               tagged bulk transfer keyed by rreq, or (no bulk) as kData frames at offsets.
//               With kRtsLayout in `reserved`, the sender's data are not packed: the payload
//               is the sender's flat layout (LayoutHeader + runs) and addr its buffer, for a
//               receiver that reads the sender's memory to gather from; any other receiver
//               answers kCts and the sender packs then. With kRtsPack the sender's data
//               are packed only as they leave (no address to read from): always kCts.
//   kDataTyped  kData for a receive with a derived datatype (asked for by kCtsTypedData).
//   kCts, kFin, kSyncAck, kData: control and data frames that complete requests by id.
//
// Request ids are the sender's or receiver's local request slot with a generation count, so
// a stale id is recognised and dropped.
#ifndef ZMPI_MPI_CORE_PROTOCOL_FORMAT_H_
#define ZMPI_MPI_CORE_PROTOCOL_FORMAT_H_

#include <cstdint>

namespace zmpi::core {

inline constexpr uint8_t kProtocolVersion = 1;

enum class FrameType : uint8_t {
  kEager = 1,
  kEagerSync = 2,
  kRts = 3,
  kCts = 4,
  kFin = 5,
  kSyncAck = 6,
  kData = 7,
  // As kData, for a receive with a derived datatype: the receiver unpacks the payload straight
  // into its layout. The receiver asks for it in its kCts (kCtsTypedData); always kData + 1.
  kDataTyped = 8,
};
static_assert(static_cast<int>(FrameType::kDataTyped) == static_cast<int>(FrameType::kData) + 1,
              "a kCts's flag selects the data frame type by addition");

struct FrameHeader {
  FrameType type;
  uint8_t version;
  uint16_t reserved;
  uint32_t context;  // matching context of the communicator (p2p or collective)
  int32_t source;    // sender's rank in that communicator
  int32_t tag;
  uint64_t bytes;  // message size (kRts: whole message; kCts: bytes the receiver wants)
  uint64_t sreq;   // sender's request id
  uint64_t rreq;   // receiver's request id (kCts, kData)
  uint64_t addr;   // kRts: sender's buffer address; kData: offset of this chunk; kCts: the
                   // receiver endpoint's bulk layout (transport/endpoint.h)
};
static_assert(sizeof(FrameHeader) == 48, "FrameHeader is part of the wire format");

// FrameHeader::reserved of a kRts: its payload is the sender's layout (below).
inline constexpr uint16_t kRtsLayout = 1;
// FrameHeader::reserved of a kRts: the sender's data must be packed (a derived datatype with
// small pieces) and addr means nothing; it packs as the data leave, straight into the frames
// of a chunked transfer (or into one buffer for a bulk one) once the receiver answers kCts.
inline constexpr uint16_t kRtsPack = 2;
// FrameHeader::reserved of a kCts: send the data as kDataTyped frames (kData + this flag).
inline constexpr uint16_t kCtsTypedData = 1;
// FrameHeader::reserved of a kCts: no bulk receive was posted; send frames even over a
// transport with bulk transfers. Only a sender that packs (kRtsPack, kRtsLayout) gets it: the
// frames it packs into leave while it packs the next (docs/protocol-p2p.md).
inline constexpr uint16_t kCtsFrames = 2;

// The payload of a kRts with kRtsLayout: `count` elements `extent` bytes apart from addr; in
// each, `reps` repetitions `rep_stride` apart of `runs` LayoutRun entries that follow
// (mpi/datatype/layout.h: len bytes, repeated count0 times stride0 apart, that count1 times
// stride1 apart, at offset).
struct LayoutHeader {
  int64_t extent;
  int64_t count;
  int64_t reps;
  int64_t rep_stride;
  uint32_t runs;
  uint32_t reserved;
};
struct LayoutRun {
  int64_t offset, len, count0, stride0, count1, stride1;
};
static_assert(sizeof(LayoutHeader) == 40 && sizeof(LayoutRun) == 48,
              "the layout payload is part of the wire format");

// A header of `type` with every other field zero.
inline FrameHeader EmptyHeader(FrameType type) {
  FrameHeader h{};
  h.type = type;
  h.version = kProtocolVersion;
  return h;
}

// The header of a matchable frame (eager or RTS); request ids and address left zero.
inline FrameHeader MatchHeader(FrameType type, uint32_t context, int source, int tag,
                               uint64_t bytes) {
  FrameHeader h = EmptyHeader(type);
  h.context = context;
  h.source = source;
  h.tag = tag;
  h.bytes = bytes;
  return h;
}

// The header of a control or data frame (kCts, kFin, kSyncAck, kData): ids and a size only.
inline FrameHeader ControlHeader(FrameType type, uint64_t sreq, uint64_t rreq, uint64_t bytes) {
  FrameHeader h = EmptyHeader(type);
  h.sreq = sreq;
  h.rreq = rreq;
  h.bytes = bytes;
  return h;
}

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_PROTOCOL_FORMAT_H_
