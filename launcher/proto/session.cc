#include "launcher/proto/session.h"

#include <sodium.h>

#include <cstring>

#include "common/check.h"

namespace zmpi::launcher::proto {

Session::Session(const uint8_t* send_key, const uint8_t* recv_key) {
  std::memcpy(send_key_, send_key, kKeySize);
  std::memcpy(recv_key_, recv_key, kKeySize);
}

Session::~Session() {
  sodium_memzero(send_key_, sizeof(send_key_));
  sodium_memzero(recv_key_, sizeof(recv_key_));
}

std::string Session::Seal(MessageType type, const std::string& payload) {
  ZMPI_CHECK_LT(send_sequence_, UINT64_MAX);
  return EncodeFrame(type, payload, ++send_sequence_, send_key_);
}

Status Session::Open(const Frame& frame) {
  ZMPI_RETURN_IF_ERROR(VerifyMac(frame, recv_key_));
  if (frame.header.sequence != recv_sequence_ + 1) {
    return Error(Code::kOther, "session: %s has sequence %llu, expected %llu (replayed or lost)",
                 TypeName(frame.header.type).c_str(),
                 static_cast<unsigned long long>(frame.header.sequence),
                 static_cast<unsigned long long>(recv_sequence_ + 1));
  }
  ++recv_sequence_;
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
