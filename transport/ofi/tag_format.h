// The wire format of the ofi transport: how a 64-bit libfabric tag names a message, and the
// prefix in front of every frame. This header is the description of record.
//
// Tag layout (bits 63..0):
//   [63:60] kind     kFrame or kBulk
//   kFrame: [59:32] zero, [31:0] sender's world rank. Frames are received with wildcard
//           receives from any source; the tag tells the receiver who sent the frame.
//   kBulk:  [59:0] the core's 64-bit key folded to 60 bits: the key's top 4 bits are XORed
//           into bits 35:32, so the low 32 bits pass unchanged (the core's request slot) and
//           two keys in flight with different low 32 bits never collide. Bulk receives are
//           directed (FI_DIRECTED_RECV) at the sender's address, so the sender is not in the
//           tag. A transfer larger than one chunk is sent as several messages with the same
//           tag; FI_ORDER_SAS plus in-order tag matching pairs them with the receives, which
//           are posted in the same order.
//
// Frame message: FramePrefix, then header_len bytes of core header, then the payload.
#ifndef ZMPI_TRANSPORT_OFI_TAG_FORMAT_H_
#define ZMPI_TRANSPORT_OFI_TAG_FORMAT_H_

#include <cstdint>

namespace zmpi::transport::ofi {

inline constexpr uint8_t kWireVersion = 1;

enum class TagKind : uint64_t { kFrame = 1, kBulk = 2 };

inline constexpr int kKindShift = 60;
inline constexpr uint64_t kKindMask = uint64_t{0xF} << kKindShift;
inline constexpr uint64_t kBodyMask = ~kKindMask;  // the ignore mask of a wildcard receive

inline constexpr uint64_t FrameTag(uint32_t sender_rank) {
  return (static_cast<uint64_t>(TagKind::kFrame) << kKindShift) | sender_rank;
}
inline constexpr uint64_t BulkTag(uint64_t key) {
  uint64_t folded = (key & kBodyMask) ^ ((key >> kKindShift) << 32);
  return (static_cast<uint64_t>(TagKind::kBulk) << kKindShift) | folded;
}
inline constexpr TagKind KindOf(uint64_t tag) { return static_cast<TagKind>(tag >> kKindShift); }
inline constexpr uint32_t SenderOf(uint64_t frame_tag) {
  return static_cast<uint32_t>(frame_tag & 0xFFFFFFFFu);
}

static_assert(KindOf(FrameTag(0xFFFFFFFFu)) == TagKind::kFrame, "rank must not reach the kind");
static_assert(SenderOf(FrameTag(12345)) == 12345, "frame tag keeps the rank");
static_assert(KindOf(BulkTag(~uint64_t{0})) == TagKind::kBulk, "key must not reach the kind");
static_assert((BulkTag(0xF000000000000007ull) & 0xFFFFFFFFull) == 7, "low 32 key bits pass");
static_assert(BulkTag(0xF000000000000007ull) != BulkTag(7), "high key bits still count");

// In front of every frame. seq counts frames per (sender, receiver) pair so the receiver can
// restore the sender's order even if a provider completes receives out of order.
struct FramePrefix {
  uint8_t version;       // kWireVersion
  uint8_t header_len;    // <= kMaxHeader
  uint16_t reserved;     // zero
  uint32_t seq;          // per-pair frame number, starting at 0, wrapping
  uint32_t payload_len;  // bytes after the header
  uint32_t reserved2;    // zero
};
static_assert(sizeof(FramePrefix) == 16, "FramePrefix is part of the wire format");

}  // namespace zmpi::transport::ofi

#endif  // ZMPI_TRANSPORT_OFI_TAG_FORMAT_H_
