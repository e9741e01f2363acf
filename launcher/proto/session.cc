#include "launcher/proto/session.h"

#include <sodium.h>

#include <cstring>

#include "common/check.h"

namespace zmpi::launcher::proto {

namespace {

// XChaCha20 over `data` in place; the nonce is the frame's sequence number (unique per key:
// each direction has its own key and numbers its frames once).
void Crypt(std::string* data, uint64_t sequence, const uint8_t* key) {
  if (data->empty()) return;
  uint8_t nonce[crypto_stream_xchacha20_NONCEBYTES] = {};
  for (int i = 0; i < 8; ++i) nonce[i] = static_cast<uint8_t>(sequence >> (8 * i));
  auto* bytes = reinterpret_cast<uint8_t*>(data->data());
  crypto_stream_xchacha20_xor(bytes, bytes, data->size(), nonce, key);
}

}  // namespace

Session::Session(const uint8_t* send_key, const uint8_t* recv_key, const uint8_t* send_enc,
                 const uint8_t* recv_enc) {
  std::memcpy(send_key_, send_key, kKeySize);
  std::memcpy(recv_key_, recv_key, kKeySize);
  std::memcpy(send_enc_, send_enc, kKeySize);
  std::memcpy(recv_enc_, recv_enc, kKeySize);
}

Session::~Session() {
  sodium_memzero(send_key_, sizeof(send_key_));
  sodium_memzero(recv_key_, sizeof(recv_key_));
  sodium_memzero(send_enc_, sizeof(send_enc_));
  sodium_memzero(recv_enc_, sizeof(recv_enc_));
}

std::string Session::Seal(MessageType type, const std::string& payload) {
  ZMPI_CHECK_LT(send_sequence_, UINT64_MAX);
  std::string cipher = payload;
  Crypt(&cipher, ++send_sequence_, send_enc_);
  std::string frame = EncodeFrame(type, cipher, send_sequence_, send_key_);
  sodium_memzero(cipher.data(), cipher.size());
  return frame;
}

Status Session::Open(Frame* sealed) {
  const Frame& frame = *sealed;
  ZMPI_RETURN_IF_ERROR(VerifyMac(frame, recv_key_));
  if (frame.header.sequence != recv_sequence_ + 1) {
    return Error(Code::kOther, "session: %s has sequence %llu, expected %llu (replayed or lost)",
                 TypeName(frame.header.type).c_str(),
                 static_cast<unsigned long long>(frame.header.sequence),
                 static_cast<unsigned long long>(recv_sequence_ + 1));
  }
  ++recv_sequence_;
  Crypt(&sealed->payload, recv_sequence_, recv_enc_);
  return OkStatus();
}

Status Session::ExpectType(const Frame& frame, MessageType type) {
  if (frame.type() == type) return OkStatus();
  if (frame.type() == MessageType::kError) {
    StatusOr<ErrorMessage> error = ErrorMessage::Decode(frame.payload);
    if (!error.ok()) return error.status();
    return error->ToStatus();
  }
  return Error(Code::kArg, "expected %s, got %s", TypeName(static_cast<uint16_t>(type)).c_str(),
               TypeName(frame.header.type).c_str());
}

}  // namespace zmpi::launcher::proto
