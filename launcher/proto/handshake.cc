#include "launcher/proto/handshake.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "common/check.h"
#include "launcher/proto/writer.h"

namespace zmpi::launcher::proto {
namespace {

constexpr char kAgentProofLabel[] = "zmpi/1 agent proof";
constexpr char kClientProofLabel[] = "zmpi/1 client proof";
constexpr char kClientToAgentLabel[] = "zmpi/1 client->agent";
constexpr char kAgentToClientLabel[] = "zmpi/1 agent->client";
constexpr char kClientToAgentEncLabel[] = "zmpi/2 client->agent enc";
constexpr char kAgentToClientEncLabel[] = "zmpi/2 agent->client enc";

// HMAC-SHA512-256(key, label \0 parts...).
void Hmac(const uint8_t* key, const char* label, const std::string& data, Mac* out) {
  crypto_auth_hmacsha512256_state state;
  crypto_auth_hmacsha512256_init(&state, key, kKeySize);
  crypto_auth_hmacsha512256_update(&state, reinterpret_cast<const uint8_t*>(label), strlen(label) + 1);
  crypto_auth_hmacsha512256_update(&state, reinterpret_cast<const uint8_t*>(data.data()), data.size());
  crypto_auth_hmacsha512256_final(&state, out->data());
}

void DeriveKey(const uint8_t* key, const char* label, const Nonce& nc, const Nonce& na,
               const uint8_t* shared, uint8_t* out) {
  std::string input(label, strlen(label) + 1);
  input.append(reinterpret_cast<const char*>(nc.data()), nc.size());
  input.append(reinterpret_cast<const char*>(na.data()), na.size());
  input.append(reinterpret_cast<const char*>(shared), crypto_scalarmult_BYTES);
  crypto_generichash(out, kKeySize, reinterpret_cast<const uint8_t*>(input.data()), input.size(),
                     key, kKeySize);
  sodium_memzero(input.data(), input.size());
}

// Handshake frames other than AuthOk are plain and unnumbered.
Status ExpectPlain(const Frame& frame, MessageType type) {
  if (frame.type() == MessageType::kError && !frame.has_mac) {
    StatusOr<ErrorMessage> error = ErrorMessage::Decode(frame.payload);
    if (!error.ok()) return error.status();
    return error->ToStatus();
  }
  if (frame.type() != type) {
    return Error(Code::kArg, "handshake: expected %s, got %s",
                 TypeName(static_cast<uint16_t>(type)).c_str(), TypeName(frame.header.type).c_str());
  }
  if (frame.has_mac || frame.header.sequence != 0) {
    return Error(Code::kArg, "handshake: %s must be plain with sequence 0",
                 TypeName(frame.header.type).c_str());
  }
  return OkStatus();
}

}  // namespace

Handshake::Handshake(Role role, const KeyFile& key, std::string name)
    : role_(role), key_(key), name_(std::move(name)),
      state_(role == Role::kClient ? State::kStart : State::kAwaitHello) {
  EnsureSodium();
}

Handshake::~Handshake() { sodium_memzero(ephemeral_secret_, sizeof(ephemeral_secret_)); }

void Handshake::MakeEphemeral(PublicKey* public_key) {
  static_assert(crypto_scalarmult_SCALARBYTES == kKeySize && crypto_scalarmult_BYTES == kPublicKeySize,
                "X25519 sizes");
  randombytes_buf(ephemeral_secret_, sizeof(ephemeral_secret_));
  crypto_scalarmult_base(public_key->data(), ephemeral_secret_);
}

StatusOr<std::string> Handshake::Start() {
  ZMPI_CHECK(role_ == Role::kClient && state_ == State::kStart);
  hello_.client_name = name_.substr(0, kMaxName);
  hello_.cluster_id = key_.ClusterId();
  randombytes_buf(hello_.client_nonce.data(), hello_.client_nonce.size());
  MakeEphemeral(&hello_.client_ephemeral);
  ZMPI_ASSIGN_OR_RETURN(hello_payload_, hello_.Encode());
  state_ = State::kAwaitChallenge;
  return EncodeFrame(MessageType::kHello, hello_payload_, 0, nullptr);
}

StatusOr<std::string> Handshake::OnFrame(const Frame& frame) {
  StatusOr<std::string> out = Error(Code::kIntern, "handshake: no frame expected");
  switch (state_) {
    case State::kAwaitHello: out = OnHello(frame); break;
    case State::kAwaitChallenge: out = OnChallenge(frame); break;
    case State::kAwaitAuth: out = OnAuth(frame); break;
    case State::kAwaitAuthOk: out = OnAuthOk(frame); break;
    case State::kStart:
    case State::kDone:
    case State::kFailed: break;
  }
  if (!out.ok()) {
    state_ = State::kFailed;
    session_.reset();
  }
  return out;
}

void Handshake::ComputeProofs(const std::string& hello_payload, const Challenge& c, Mac* agent,
                              Mac* client) const {
  std::string t = hello_payload;
  t.append(reinterpret_cast<const char*>(c.agent_nonce.data()), c.agent_nonce.size());
  Writer w(&t);
  w.U16(c.version);
  w.Str(c.agent_name);
  t.append(reinterpret_cast<const char*>(c.agent_ephemeral.data()), c.agent_ephemeral.size());
  Hmac(key_.key(), kAgentProofLabel, t, agent);
  t.append(reinterpret_cast<const char*>(agent->data()), agent->size());
  Hmac(key_.key(), kClientProofLabel, t, client);
}

Status Handshake::MakeSession(const Nonce& nc, const Nonce& na) {
  const PublicKey& peer =
      role_ == Role::kClient ? challenge_.agent_ephemeral : hello_.client_ephemeral;
  uint8_t shared[crypto_scalarmult_BYTES];
  int rc = crypto_scalarmult(shared, ephemeral_secret_, peer.data());
  sodium_memzero(ephemeral_secret_, sizeof(ephemeral_secret_));
  if (rc != 0) {  // a low-order point: the peer would learn nothing secret, nor would we
    return Error(Code::kOther, "handshake: the peer's ephemeral key is invalid");
  }
  uint8_t c2a[kKeySize], a2c[kKeySize], c2a_enc[kKeySize], a2c_enc[kKeySize];
  DeriveKey(key_.key(), kClientToAgentLabel, nc, na, shared, c2a);
  DeriveKey(key_.key(), kAgentToClientLabel, nc, na, shared, a2c);
  DeriveKey(key_.key(), kClientToAgentEncLabel, nc, na, shared, c2a_enc);
  DeriveKey(key_.key(), kAgentToClientEncLabel, nc, na, shared, a2c_enc);
  session_ = role_ == Role::kClient ? std::make_unique<Session>(c2a, a2c, c2a_enc, a2c_enc)
                                    : std::make_unique<Session>(a2c, c2a, a2c_enc, c2a_enc);
  sodium_memzero(shared, sizeof(shared));
  sodium_memzero(c2a, sizeof(c2a));
  sodium_memzero(a2c, sizeof(a2c));
  sodium_memzero(c2a_enc, sizeof(c2a_enc));
  sodium_memzero(a2c_enc, sizeof(a2c_enc));
  return OkStatus();
}

StatusOr<std::string> Handshake::OnHello(const Frame& frame) {
  ZMPI_RETURN_IF_ERROR(ExpectPlain(frame, MessageType::kHello));
  ZMPI_ASSIGN_OR_RETURN(hello_, Hello::Decode(frame.payload));
  hello_payload_ = frame.payload;
  const std::string mine = key_.ClusterId();
  if (hello_.cluster_id != mine) {
    return Error(Code::kOther, "client '%s' belongs to cluster %.16s..., this agent to %.16s...",
                 hello_.client_name.c_str(), hello_.cluster_id.c_str(), mine.c_str());
  }
  const uint16_t version = std::min(hello_.max_version, kProtocolVersion);
  if (version < hello_.min_version || version < kMinProtocolVersion) {
    return Error(Code::kOther, "no common protocol version (client %u..%u, agent %u..%u)",
                 hello_.min_version, hello_.max_version, kMinProtocolVersion, kProtocolVersion);
  }
  challenge_.version = version;
  challenge_.agent_name = name_.substr(0, kMaxName);
  randombytes_buf(challenge_.agent_nonce.data(), challenge_.agent_nonce.size());
  MakeEphemeral(&challenge_.agent_ephemeral);
  Mac client_unused;
  ComputeProofs(hello_payload_, challenge_, &challenge_.agent_proof, &client_unused);
  ZMPI_ASSIGN_OR_RETURN(std::string payload, challenge_.Encode());
  peer_name_ = hello_.client_name;
  version_ = version;
  state_ = State::kAwaitAuth;
  return EncodeFrame(MessageType::kChallenge, payload, 0, nullptr);
}

StatusOr<std::string> Handshake::OnChallenge(const Frame& frame) {
  ZMPI_RETURN_IF_ERROR(ExpectPlain(frame, MessageType::kChallenge));
  ZMPI_ASSIGN_OR_RETURN(challenge_, Challenge::Decode(frame.payload));
  if (challenge_.version < hello_.min_version || challenge_.version > hello_.max_version) {
    return Error(Code::kOther, "agent chose protocol version %u, outside %u..%u",
                 challenge_.version, hello_.min_version, hello_.max_version);
  }
  Mac agent, client;
  ComputeProofs(hello_payload_, challenge_, &agent, &client);
  if (sodium_memcmp(agent.data(), challenge_.agent_proof.data(), kMacSize) != 0) {
    return Error(Code::kOther, "agent '%s' failed to prove the cluster key (wrong key?)",
                 challenge_.agent_name.c_str());
  }
  ZMPI_RETURN_IF_ERROR(MakeSession(hello_.client_nonce, challenge_.agent_nonce));
  peer_name_ = challenge_.agent_name;
  version_ = challenge_.version;
  Auth auth;
  auth.client_proof = client;
  ZMPI_ASSIGN_OR_RETURN(std::string payload, auth.Encode());
  state_ = State::kAwaitAuthOk;
  return EncodeFrame(MessageType::kAuth, payload, 0, nullptr);
}

StatusOr<std::string> Handshake::OnAuth(const Frame& frame) {
  ZMPI_RETURN_IF_ERROR(ExpectPlain(frame, MessageType::kAuth));
  ZMPI_ASSIGN_OR_RETURN(Auth auth, Auth::Decode(frame.payload));
  Mac agent, client;
  ComputeProofs(hello_payload_, challenge_, &agent, &client);
  if (sodium_memcmp(client.data(), auth.client_proof.data(), kMacSize) != 0) {
    return Error(Code::kOther, "client '%s' failed to prove the cluster key (wrong key or replay)",
                 hello_.client_name.c_str());
  }
  ZMPI_RETURN_IF_ERROR(MakeSession(hello_.client_nonce, challenge_.agent_nonce));
  state_ = State::kDone;
  AuthOk ok;
  if (version_ >= kOfferVersion) ok.offer = offer_;  // a protocol-2 client wants it empty
  return session_->SealMessage(ok);
}

StatusOr<std::string> Handshake::OnAuthOk(const Frame& frame) {
  if (frame.type() == MessageType::kError && !frame.has_mac) {
    return ExpectPlain(frame, MessageType::kError);  // the agent refused: its reason
  }
  ZMPI_ASSIGN_OR_RETURN(AuthOk ok, session_->OpenMessage<AuthOk>(frame));
  peer_offer_ = std::move(ok.offer);
  state_ = State::kDone;
  return std::string();
}

std::string RefusalFrame(const Status& status) {
  StatusOr<std::string> payload = ErrorMessage::From(status).Encode();
  ZMPI_CHECK(payload.ok());
  return EncodeFrame(MessageType::kError, *payload, 0, nullptr);
}

}  // namespace zmpi::launcher::proto
