// One frame of the zrun<->agent protocol (layout: frame_format.h): encoding, header
// validation and MAC checks.
#ifndef ZMPI_LAUNCHER_PROTO_FRAME_H_
#define ZMPI_LAUNCHER_PROTO_FRAME_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "launcher/proto/frame_format.h"

namespace zmpi::launcher::proto {

struct Frame {
  FrameHeader header{};
  std::string payload;
  bool has_mac = false;
  std::array<uint8_t, kMacSize> mac{};

  MessageType type() const { return static_cast<MessageType>(header.type); }
};

// Bytes of a frame. With `mac_key` (kKeySize bytes) the frame carries kFlagMac and a MAC
// over header and payload; without, it is a plain (handshake/refusal) frame.
// `payload` must respect MaxPayload(type) (checked: a violation is a bug of the sender).
std::string EncodeFrame(MessageType type, const std::string& payload, uint64_t sequence,
                        const uint8_t* mac_key);

// Parses and validates the kHeaderSize bytes at `data`: magic, version, known type, length
// within the type's limit, known flags. kArg with the reason otherwise.
Status DecodeHeader(const uint8_t* data, FrameHeader* header);

// Total frame size announced by a valid header.
size_t FrameSize(const FrameHeader& header);

// Decodes exactly one whole frame from `size` bytes (trailing bytes are an error).
StatusOr<Frame> DecodeFrame(const uint8_t* data, size_t size);

// Checks the frame's MAC with `key` in constant time. Fails if the frame has no MAC.
Status VerifyMac(const Frame& frame, const uint8_t* key);

// "Launch", "Error", ... or "type 99".
std::string TypeName(uint16_t type);

}  // namespace zmpi::launcher::proto

#endif  // ZMPI_LAUNCHER_PROTO_FRAME_H_
