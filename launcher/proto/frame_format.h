// The zrun<->agent frame: the one definition of its layout (described in docs/protocol.md).
//
//   offset size  field
//        0    4  magic     kFrameMagic ("ZMPF" little-endian)
//        4    2  version   kFrameVersion
//        6    2  type      MessageType
//        8    4  length    payload bytes that follow the header (<= kMaxPayload[type])
//       12    4  flags     kFlagMac or 0; other bits must be 0
//       16    8  sequence  per direction, 1, 2, 3... on authenticated frames; 0 otherwise
//       24  len  payload   message fields (message_format.h), little-endian
//   24+len   32  mac       only if kFlagMac: crypto_auth(direction key, header || payload)
//
// All integers little-endian. A receiver validates the header before buffering the payload,
// so a peer can never make it allocate more than kMaxFrame bytes.
#ifndef ZMPI_LAUNCHER_PROTO_FRAME_FORMAT_H_
#define ZMPI_LAUNCHER_PROTO_FRAME_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace zmpi::launcher::proto {

inline constexpr uint32_t kFrameMagic = 0x46504d5a;  // bytes "ZMPF"
// Protocol versions, negotiated in Hello/Challenge (the agent picks the highest both speak):
// 2: ephemeral X25519 keys in Hello/Challenge, payloads encrypted after the handshake.
// 3: AuthOk carries the agent's JobOffer (wire-ups and networks it can run a job with) and
//    Launch the choice zrun made for the job (wireup, net); nothing else changed.
inline constexpr uint16_t kProtocolVersion = 3;
inline constexpr uint16_t kMinProtocolVersion = 2;
inline constexpr uint16_t kOfferVersion = 3;  // the first with JobOffer and Launch.wireup/net
// The header's version field is the frame layout's version, not the negotiated protocol:
// it has not changed since protocol 2, and a peer that speaks only 2 accepts only 2 there, so
// every frame keeps carrying 2 (a receiver accepts kMinFrameVersion..kFrameVersion).
inline constexpr uint16_t kFrameVersion = 2;
inline constexpr uint16_t kMinFrameVersion = 2;

inline constexpr uint32_t kFlagMac = 1u << 0;
inline constexpr uint32_t kKnownFlags = kFlagMac;

inline constexpr size_t kHeaderSize = 24;
inline constexpr size_t kMacSize = 32;    // crypto_auth_BYTES (HMAC-SHA512-256)
inline constexpr size_t kKeySize = 32;    // crypto_auth_KEYBYTES, also the cluster key size
inline constexpr size_t kNonceSize = 32;
inline constexpr size_t kPublicKeySize = 32;  // X25519 (crypto_scalarmult_BYTES)

enum class MessageType : uint16_t {
  kHello = 1,          // client -> agent, plain: versions, client nonce, names
  kChallenge = 2,      // agent -> client, plain: version, agent nonce, agent proof
  kAuth = 3,           // client -> agent, plain: client proof
  kAuthOk = 4,         // agent -> client, first authenticated frame
  kLaunch = 16,        // client -> agent: job, ranks for this host, argv, env, executable
  kLaunchReply = 17,   // agent -> client: accepted; whether the executable must be sent
  kExeChunk = 18,      // client -> agent: a piece of the executable
  kRankOutput = 19,    // agent -> client: stdout/stderr bytes of one rank
  kRankExit = 20,      // agent -> client: a rank ended
  kFenceContribution = 21,  // agent -> client: this host's blob for fence N
  kFenceRelease = 22,       // client -> agent: all hosts' blobs for fence N
  kJobEnd = 23,        // either way: the job is over (kill what is left)
  kPing = 24,          // either way: liveness
  kFileChunk = 25,     // either way: a piece of a staged (c->a) or collected (a->c) file
  kStdinData = 26,     // c->a: zrun's stdin for a rank; a->c: how much the rank took
  kError = 32,         // either way (plain during the handshake): code + reason
};
inline constexpr uint16_t kMaxMessageType = 32;

// Wire layout of the header; encoded field by field (frame.cc), never by memcpy of the struct.
struct FrameHeader {
  uint32_t magic;
  uint16_t version;
  uint16_t type;
  uint32_t length;
  uint32_t flags;
  uint64_t sequence;
};
static_assert(sizeof(FrameHeader) == kHeaderSize, "header layout is 24 bytes");
static_assert(offsetof(FrameHeader, sequence) == 16, "sequence at offset 16");

// Payload limits per type (bytes). Everything else is bounded by these and by the field
// limits of message_format.h.
inline constexpr uint32_t kMaxHandshakePayload = 512;
inline constexpr uint32_t kMaxControlPayload = 4096;
inline constexpr uint32_t kMaxLaunchPayload = 1u << 20;        // argv + env + names
inline constexpr uint32_t kMaxExeChunkData = 256u << 10;
inline constexpr uint32_t kMaxOutputData = 64u << 10;
inline constexpr uint32_t kMaxFileChunkPayload = kMaxExeChunkData + 4096 + 64;
inline constexpr uint32_t kMaxFenceData = 16u << 20;
inline constexpr uint32_t kMaxPayload = kMaxFenceData + 64;    // the largest of all
inline constexpr size_t kMaxFrame = kHeaderSize + kMaxPayload + kMacSize;
// Before the handshake succeeds only handshake frames and plain Error frames may arrive, so a
// peer without the key can make a receiver buffer at most this much (docs/security.md).
inline constexpr size_t kMaxPreAuthFrame = kHeaderSize + kMaxControlPayload + kMacSize;

// The payload limit of `type`, or 0 for an unknown type.
constexpr uint32_t MaxPayload(uint16_t type) {
  switch (static_cast<MessageType>(type)) {
    case MessageType::kHello:
    case MessageType::kChallenge:
    case MessageType::kAuth:
    case MessageType::kAuthOk:
      return kMaxHandshakePayload;
    case MessageType::kLaunch:
      return kMaxLaunchPayload;
    case MessageType::kExeChunk:
      return kMaxExeChunkData + 64;
    case MessageType::kRankOutput:
    case MessageType::kStdinData:
      return kMaxOutputData + 64;
    case MessageType::kFileChunk:
      return kMaxFileChunkPayload;
    case MessageType::kFenceContribution:
    case MessageType::kFenceRelease:
      return kMaxFenceData + 64;
    case MessageType::kLaunchReply:
    case MessageType::kRankExit:
    case MessageType::kJobEnd:
    case MessageType::kPing:
    case MessageType::kError:
      return kMaxControlPayload;
  }
  return 0;
}
static_assert(MaxPayload(static_cast<uint16_t>(MessageType::kFenceRelease)) <= kMaxPayload);
static_assert(MaxPayload(0) == 0 && MaxPayload(kMaxMessageType + 1) == 0);

}  // namespace zmpi::launcher::proto

#endif  // ZMPI_LAUNCHER_PROTO_FRAME_FORMAT_H_
