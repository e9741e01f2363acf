// An authenticated, encrypted zrun<->agent connection after the handshake: every frame's
// payload is encrypted (XChaCha20, nonce = the frame's sequence number, a key per direction),
// then the frame carries its sequence number and a MAC (HMAC-SHA512-256, another key per
// direction) over header and ciphertext: encrypt-then-MAC. The keys come from the handshake's
// ephemeral X25519 exchange and the cluster key (handshake.h), so a recorded session stays
// unreadable even to a later holder of the cluster key.
#ifndef ZMPI_LAUNCHER_PROTO_SESSION_H_
#define ZMPI_LAUNCHER_PROTO_SESSION_H_

#include <cstdint>
#include <string>

#include "common/status.h"
#include "launcher/proto/frame.h"
#include "launcher/proto/messages.h"

namespace zmpi::launcher::proto {

// Seal() numbers outgoing frames 1, 2, 3, ...; Open() accepts only the next number, so a
// replayed, reordered, dropped or reflected (other direction's key) frame is refused. The
// payload is encrypted and authenticated. Not thread-safe; one Session per connection.
class Session final {
 public:
  // kKeySize bytes each: MAC and encryption keys for sending and receiving.
  Session(const uint8_t* send_key, const uint8_t* recv_key, const uint8_t* send_enc,
          const uint8_t* recv_enc);
  ~Session();  // wipes the keys
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Frame bytes for `payload` (within MaxPayload(type)).
  std::string Seal(MessageType type, const std::string& payload);
  // Checks the MAC and the sequence number of a received frame, then decrypts its payload
  // in place.
  Status Open(Frame* frame);

  // Encodes and seals a message struct of messages.h.
  template <typename M>
  StatusOr<std::string> SealMessage(const M& message) {
    ZMPI_ASSIGN_OR_RETURN(std::string payload, message.Encode());
    return Seal(M::kType, payload);
  }
  // Opens `frame` and decodes it as M. An authenticated Error frame becomes its Status;
  // another type is kArg.
  template <typename M>
  StatusOr<M> OpenMessage(const Frame& sealed) {
    Frame frame = sealed;
    ZMPI_RETURN_IF_ERROR(Open(&frame));
    ZMPI_RETURN_IF_ERROR(ExpectType(frame, M::kType));
    return M::Decode(frame.payload);
  }
  static Status ExpectType(const Frame& frame, MessageType type);

  uint64_t sent() const { return send_sequence_; }
  uint64_t received() const { return recv_sequence_; }

 private:
  uint8_t send_key_[kKeySize];
  uint8_t recv_key_[kKeySize];
  uint8_t send_enc_[kKeySize];
  uint8_t recv_enc_[kKeySize];
  uint64_t send_sequence_ = 0;
  uint64_t recv_sequence_ = 0;
};

}  // namespace zmpi::launcher::proto

#endif  // ZMPI_LAUNCHER_PROTO_SESSION_H_
