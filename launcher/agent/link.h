// Link: one zrun<->agent TCP connection speaking launcher/proto: the mutual handshake, then
// authenticated frames (every frame MAC-checked and in sequence). Used by zrun (client side)
// and zrund (agent side).
//
// The socket is non-blocking. Sends block for at most kSendTimeoutMs while the peer does not
// read; Receive() waits at most its timeout. Not thread-safe: one event loop owns a Link.
#ifndef ZMPI_LAUNCHER_AGENT_LINK_H_
#define ZMPI_LAUNCHER_AGENT_LINK_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "launcher/proto/frame.h"
#include "launcher/proto/frame_reader.h"
#include "launcher/proto/handshake.h"
#include "launcher/proto/key_file.h"
#include "launcher/proto/session.h"

namespace zmpi::launcher::agent {

class Link {
 public:
  static constexpr int kSendTimeoutMs = 10000;
  // A peer's host that answers nothing (not even TCP keepalive probes) for about
  // kLivenessIdleS + kLivenessProbes seconds is taken as gone: Pump/Send fail.
  static constexpr int kLivenessIdleS = 2;
  static constexpr int kLivenessProbes = 4;

  // Takes ownership of the connected socket `fd`; `peer` names it in messages ("1.2.3.4:5").
  Link(int fd, std::string peer);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  // Connects to `address`:`port` (IPv4 dotted or a resolvable name), bounded by `timeout_ms`.
  static StatusOr<std::unique_ptr<Link>> Connect(const std::string& address, uint16_t port,
                                                 int timeout_ms);

  // The same without blocking, for connecting to many agents at once: StartConnect begins
  // the connection (poll fd() for POLLOUT), FinishConnect checks its outcome.
  static StatusOr<std::unique_ptr<Link>> StartConnect(const std::string& address, uint16_t port);
  Status FinishConnect();

  // Runs the handshake as zrun. Fails with the agent's refusal reason if it refused.
  Status HandshakeAsClient(const proto::KeyFile& key, const std::string& name, int timeout_ms);
  // Runs the handshake as the agent. On failure the peer has been sent a refusal.
  Status HandshakeAsAgent(const proto::KeyFile& key, const std::string& name, int timeout_ms);
  // The same without blocking, for an event loop serving many peers: Begin once, then Step
  // whenever fd() is readable. Step returns true once authenticated; on an error the peer has
  // been sent a refusal. `key` must outlive the handshake.
  // `offer` goes to clients of protocol 3 or later (proto::AuthOk).
  void BeginAgentHandshake(const proto::KeyFile& key, const std::string& name,
                           proto::JobOffer offer = {});
  StatusOr<bool> StepAgentHandshake();
  // Client side without blocking: Begin sends the Hello; Step whenever fd() is readable
  // returns true once authenticated, or the agent's refusal.
  Status BeginClientHandshake(const proto::KeyFile& key, const std::string& name);
  StatusOr<bool> StepClientHandshake();
  bool authenticated() const { return session_ != nullptr; }
  bool closed() const { return eof_; }  // the peer closed its end (seen by a read)
  // Tells the peer why it is dropped: a sealed Error after the handshake, a plain refusal
  // frame before. Best effort (errors ignored).
  void Refuse(const Status& why);

  // Seals and sends one message (after the handshake).
  template <typename M>
  Status Send(const M& message) {
    if (session_ == nullptr) return Error(Code::kIntern, "send before the handshake");
    ZMPI_ASSIGN_OR_RETURN(std::string bytes, session_->SealMessage(message));
    return WriteAll(bytes);
  }

  // Reads what the socket has now (never blocks). kOther when the peer closed or failed.
  Status Pump();
  // The next buffered frame, opened (MAC and sequence checked); false if none is complete.
  StatusOr<bool> Next(proto::Frame* frame);
  // Waits up to `timeout_ms` for the next opened frame.
  StatusOr<proto::Frame> Receive(int timeout_ms);

  int fd() const { return fd_; }
  const std::string& peer() const { return peer_; }
  const std::string& peer_name() const { return peer_name_; }
  // After the handshake: the negotiated protocol version and (zrun's side) the agent's offer.
  uint16_t version() const { return version_; }
  const proto::JobOffer& peer_offer() const { return peer_offer_; }

 private:
  Status WriteAll(const std::string& bytes);
  void OnAuthenticated(proto::Handshake* handshake);
  // Feeds buffered frames to handshake_; `refuse` sends the agent's refusal on an error.
  StatusOr<bool> StepHandshake(bool refuse);
  // Waits up to `timeout_ms` for the next frame, without opening it (handshake frames).
  StatusOr<proto::Frame> ReceiveRaw(int timeout_ms);

  int fd_;
  std::string peer_;
  std::string peer_name_;
  uint16_t version_ = 0;
  proto::JobOffer peer_offer_;
  bool eof_ = false;
  proto::FrameReader reader_;
  std::unique_ptr<proto::Session> session_;
  std::unique_ptr<proto::Handshake> handshake_;  // between Begin/StepAgentHandshake
};

// Decodes an opened frame's payload as M, checking its type first.
template <typename M>
StatusOr<M> DecodeAs(const proto::Frame& frame) {
  ZMPI_RETURN_IF_ERROR(proto::Session::ExpectType(frame, M::kType));
  return M::Decode(frame.payload);
}

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_LINK_H_
