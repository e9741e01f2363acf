#include "launcher/proto/frame.h"

#include <sodium.h>

#include <cstring>

#include "common/check.h"
#include "launcher/proto/reader.h"
#include "launcher/proto/writer.h"

namespace zmpi::launcher::proto {
namespace {

void EncodeHeader(const FrameHeader& h, std::string* out) {
  Writer w(out);
  w.U32(h.magic);
  w.U16(h.version);
  w.U16(h.type);
  w.U32(h.length);
  w.U32(h.flags);
  w.U64(h.sequence);
}

void ComputeMac(const FrameHeader& header, const std::string& payload, const uint8_t* key,
                uint8_t* mac) {
  std::string header_bytes;
  EncodeHeader(header, &header_bytes);
  crypto_auth_hmacsha512256_state state;
  crypto_auth_hmacsha512256_init(&state, key, kKeySize);
  crypto_auth_hmacsha512256_update(&state, reinterpret_cast<const uint8_t*>(header_bytes.data()),
                                   header_bytes.size());
  crypto_auth_hmacsha512256_update(&state, reinterpret_cast<const uint8_t*>(payload.data()),
                                   payload.size());
  crypto_auth_hmacsha512256_final(&state, mac);
}

static_assert(crypto_auth_hmacsha512256_BYTES == kMacSize, "MAC size");
static_assert(crypto_auth_hmacsha512256_KEYBYTES == kKeySize, "key size");

}  // namespace

std::string TypeName(uint16_t type) {
  switch (static_cast<MessageType>(type)) {
    case MessageType::kHello: return "Hello";
    case MessageType::kChallenge: return "Challenge";
    case MessageType::kAuth: return "Auth";
    case MessageType::kAuthOk: return "AuthOk";
    case MessageType::kLaunch: return "Launch";
    case MessageType::kLaunchReply: return "LaunchReply";
    case MessageType::kExeChunk: return "ExeChunk";
    case MessageType::kRankOutput: return "RankOutput";
    case MessageType::kRankExit: return "RankExit";
    case MessageType::kFenceContribution: return "FenceContribution";
    case MessageType::kFenceRelease: return "FenceRelease";
    case MessageType::kJobEnd: return "JobEnd";
    case MessageType::kPing: return "Ping";
    case MessageType::kFileChunk: return "FileChunk";
    case MessageType::kStdinData: return "StdinData";
    case MessageType::kError: return "Error";
  }
  return "type " + std::to_string(type);
}

std::string EncodeFrame(MessageType type, const std::string& payload, uint64_t sequence,
                        const uint8_t* mac_key) {
  const uint16_t t = static_cast<uint16_t>(type);
  ZMPI_CHECK_LE(payload.size(), size_t{MaxPayload(t)});
  FrameHeader h{kFrameMagic, kFrameVersion, t, static_cast<uint32_t>(payload.size()),
                mac_key != nullptr ? kFlagMac : 0u, sequence};
  std::string out;
  out.reserve(kHeaderSize + payload.size() + kMacSize);
  EncodeHeader(h, &out);
  out += payload;
  if (mac_key != nullptr) {
    uint8_t mac[kMacSize];
    ComputeMac(h, payload, mac_key, mac);
    out.append(reinterpret_cast<const char*>(mac), kMacSize);
  }
  return out;
}

Status DecodeHeader(const uint8_t* data, FrameHeader* h) {
  Reader r(data, kHeaderSize, "header");
  h->magic = r.U32("magic");
  h->version = r.U16("version");
  h->type = r.U16("type");
  h->length = r.U32("length");
  h->flags = r.U32("flags");
  h->sequence = r.U64("sequence");
  ZMPI_RETURN_IF_ERROR(r.Finish());
  if (h->magic != kFrameMagic) return Error(Code::kArg, "frame: bad magic 0x%08x", h->magic);
  if (h->version < kMinFrameVersion || h->version > kFrameVersion) {
    return Error(Code::kArg, "frame: frame version %u, supported %u..%u", h->version,
                 kMinFrameVersion, kFrameVersion);
  }
  const uint32_t max = MaxPayload(h->type);
  if (max == 0) return Error(Code::kArg, "frame: unknown message type %u", h->type);
  if (h->length > max) {
    return Error(Code::kArg, "frame: %s payload of %u bytes exceeds limit %u",
                 TypeName(h->type).c_str(), h->length, max);
  }
  if ((h->flags & ~kKnownFlags) != 0) return Error(Code::kArg, "frame: unknown flags 0x%x", h->flags);
  return OkStatus();
}

size_t FrameSize(const FrameHeader& h) {
  return kHeaderSize + h.length + ((h.flags & kFlagMac) ? kMacSize : 0);
}

StatusOr<Frame> DecodeFrame(const uint8_t* data, size_t size) {
  if (size < kHeaderSize) return Error(Code::kTruncate, "frame: %zu bytes, header needs %zu", size, kHeaderSize);
  Frame f;
  ZMPI_RETURN_IF_ERROR(DecodeHeader(data, &f.header));
  const size_t total = FrameSize(f.header);
  if (size < total) return Error(Code::kTruncate, "frame: %zu of %zu bytes", size, total);
  if (size > total) return Error(Code::kArg, "frame: %zu trailing bytes", size - total);
  f.payload.assign(reinterpret_cast<const char*>(data + kHeaderSize), f.header.length);
  f.has_mac = (f.header.flags & kFlagMac) != 0;
  if (f.has_mac) std::memcpy(f.mac.data(), data + kHeaderSize + f.header.length, kMacSize);
  return f;
}

Status VerifyMac(const Frame& frame, const uint8_t* key) {
  if (!frame.has_mac) return Error(Code::kOther, "frame: %s without MAC", TypeName(frame.header.type).c_str());
  uint8_t expected[kMacSize];
  ComputeMac(frame.header, frame.payload, key, expected);
  if (sodium_memcmp(expected, frame.mac.data(), kMacSize) != 0) {
    return Error(Code::kOther, "frame: %s has a wrong MAC", TypeName(frame.header.type).c_str());
  }
  return OkStatus();
}

}  // namespace zmpi::launcher::proto
