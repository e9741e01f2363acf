// Mutual authentication of zrun (client) and an agent by the cluster key.
//
//   client -> agent  Hello      versions, client nonce Nc, client name, cluster id,
//                               client ephemeral X25519 public key Ec               (plain)
//   agent -> client  Challenge  version v, agent nonce Na, agent name, agent ephemeral Ea,
//                               agent proof  = HMAC(K, "zmpi/1 agent proof" | T)     (plain)
//   client -> agent  Auth       client proof = HMAC(K, "zmpi/1 client proof" | T | agent proof)
//   agent -> client  AuthOk     first frame under the session keys; from protocol 3 on it
//                               carries the agent's JobOffer (sealed: no one without the key
//                               can change what zrun chooses from)
// T = the Hello payload | Na | v | agent name | Ea (so names, versions, the cluster id and
// both ephemeral keys are bound to the proofs). HMAC is crypto_auth (HMAC-SHA512-256).
// S = X25519(own ephemeral secret, peer's Ec/Ea). Session keys per direction and use:
// keyed BLAKE2b(K, label | Nc | Na | S) with labels "zmpi/1 client->agent" (MAC),
// "zmpi/2 client->agent enc" (encryption) and the same for "agent->client". The ephemeral
// secrets are wiped once the keys exist: a recorded connection cannot be decrypted later,
// even with the cluster key (forward secrecy per connection). Fresh nonces on both sides
// defeat replay; distinct role labels defeat reflection.
#ifndef ZMPI_LAUNCHER_PROTO_HANDSHAKE_H_
#define ZMPI_LAUNCHER_PROTO_HANDSHAKE_H_

#include <memory>
#include <string>
#include <utility>

#include "common/status.h"
#include "launcher/proto/frame.h"
#include "launcher/proto/key_file.h"
#include "launcher/proto/messages.h"
#include "launcher/proto/session.h"

namespace zmpi::launcher::proto {

// Transport-agnostic: the owner moves bytes; this class decides. On any error the
// connection is finished: an agent sends RefusalFrame(status) and closes, a client closes.
// Not thread-safe.
class Handshake final {
 public:
  enum class Role { kClient, kAgent };
  // `key` must outlive the handshake; `name` is this side's name as sent to the peer.
  Handshake(Role role, const KeyFile& key, std::string name);
  ~Handshake();

  // Client only: the Hello frame to send first.
  StatusOr<std::string> Start();
  // Feeds the next frame from the peer; returns the frame to send back ("" if none).
  StatusOr<std::string> OnFrame(const Frame& frame);
  bool done() const { return state_ == State::kDone; }
  // After done(): the authenticated session (moved out once).
  std::unique_ptr<Session> TakeSession() { return std::move(session_); }
  const std::string& peer_name() const { return peer_name_; }
  uint16_t version() const { return version_; }
  // Agent: what it offers, sent in AuthOk when the client speaks protocol 3 or later. Set
  // before the Auth frame arrives.
  void set_offer(JobOffer offer) { offer_ = std::move(offer); }
  // Client, before Start(): the highest version to ask for (default kProtocolVersion; a
  // lower one speaks as an older zrun, for tests of compatibility).
  void set_max_version(uint16_t version) { hello_.max_version = version; }
  // Client, after done(): the agent's offer (empty under protocol 2).
  const JobOffer& peer_offer() const { return peer_offer_; }

 private:
  enum class State { kStart, kAwaitHello, kAwaitChallenge, kAwaitAuth, kAwaitAuthOk, kDone, kFailed };
  StatusOr<std::string> OnHello(const Frame& frame);
  StatusOr<std::string> OnChallenge(const Frame& frame);
  StatusOr<std::string> OnAuth(const Frame& frame);
  StatusOr<std::string> OnAuthOk(const Frame& frame);
  void ComputeProofs(const std::string& hello_payload, const Challenge& challenge, Mac* agent,
                     Mac* client) const;
  Status MakeSession(const Nonce& client_nonce, const Nonce& agent_nonce);
  void MakeEphemeral(PublicKey* public_key);

  Role role_;
  const KeyFile& key_;
  std::string name_;
  State state_;
  std::string hello_payload_;  // as sent (client) or received (agent), for T
  Hello hello_;
  Challenge challenge_;
  std::unique_ptr<Session> session_;
  uint8_t ephemeral_secret_[kKeySize] = {};  // X25519, wiped once the session exists
  std::string peer_name_;
  uint16_t version_ = 0;
  JobOffer offer_;
  JobOffer peer_offer_;
};

// A plain Error frame refusing a peer (only for the handshake; afterwards seal errors).
std::string RefusalFrame(const Status& status);

}  // namespace zmpi::launcher::proto

#endif  // ZMPI_LAUNCHER_PROTO_HANDSHAKE_H_
