// The zrun<->agent messages as structs, with payload encoding and bounded decoding
// (layouts and limits: message_format.h). Each struct names its MessageType as kType.
// Encode() returns kArg if a field exceeds its limit (so a sender cannot emit a frame the
// receiver must refuse); Decode() never trusts a length and rejects trailing bytes.
#ifndef ZMPI_LAUNCHER_PROTO_MESSAGES_H_
#define ZMPI_LAUNCHER_PROTO_MESSAGES_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/proto/message_format.h"

namespace zmpi::launcher::proto {

using Nonce = std::array<uint8_t, kNonceSize>;
using Mac = std::array<uint8_t, kMacSize>;
using Hash = std::array<uint8_t, kHashSize>;

#define ZMPI_PROTO_MESSAGE(Name)                                  \
  static constexpr MessageType kType = MessageType::k##Name;      \
  StatusOr<std::string> Encode() const;                           \
  static StatusOr<Name> Decode(const std::string& payload);        \
  bool operator==(const Name& o) const

struct Hello {
  uint16_t min_version = kMinProtocolVersion;
  uint16_t max_version = kProtocolVersion;
  Nonce client_nonce{};
  std::string client_name;
  std::string cluster_id;
  ZMPI_PROTO_MESSAGE(Hello);
};

struct Challenge {
  uint16_t version = kProtocolVersion;
  Nonce agent_nonce{};
  Mac agent_proof{};
  std::string agent_name;
  ZMPI_PROTO_MESSAGE(Challenge);
};

struct Auth {
  Mac client_proof{};
  ZMPI_PROTO_MESSAGE(Auth);
};

struct AuthOk {
  ZMPI_PROTO_MESSAGE(AuthOk);
};

struct Launch {
  uint64_t job_id = 0;
  uint32_t world_size = 0;
  std::vector<uint32_t> ranks;  // world ranks to start on this host, each < world_size
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "NAME=value"
  std::string executable;        // path as zrun saw it
  Hash exe_hash{};               // BLAKE2b-256 of the executable's bytes
  uint64_t exe_size = 0;
  std::string cwd;
  // The architecture of this host as zrun saw it in the agent's announcement, which chose the
  // program above ("" from an older zrun). Encoded last and optional, so older peers agree.
  std::string arch;
  ZMPI_PROTO_MESSAGE(Launch);
};

struct LaunchReply {
  uint64_t job_id = 0;
  bool need_executable = false;
  ZMPI_PROTO_MESSAGE(LaunchReply);
};

struct ExeChunk {
  uint64_t job_id = 0;
  uint64_t offset = 0;
  std::string data;
  ZMPI_PROTO_MESSAGE(ExeChunk);
};

struct RankOutput {
  uint64_t job_id = 0;
  uint32_t rank = 0;
  OutputStream stream = OutputStream::kStdout;
  std::string data;
  ZMPI_PROTO_MESSAGE(RankOutput);
};

struct RankExit {
  uint64_t job_id = 0;
  uint32_t rank = 0;
  ExitHow how = ExitHow::kExited;
  int32_t value = 0;  // exit code or signal number
  ZMPI_PROTO_MESSAGE(RankExit);
};

struct FenceContribution {
  uint64_t job_id = 0;
  uint64_t fence_id = 0;
  std::string blob;
  ZMPI_PROTO_MESSAGE(FenceContribution);
};

struct FenceRelease {
  uint64_t job_id = 0;
  uint64_t fence_id = 0;
  std::string blobs;  // all hosts' contributions, concatenated in host order
  ZMPI_PROTO_MESSAGE(FenceRelease);
};

struct JobEnd {
  uint64_t job_id = 0;
  EndReason reason = EndReason::kCompleted;
  int32_t status = 0;
  ZMPI_PROTO_MESSAGE(JobEnd);
};

struct Ping {
  uint64_t token = 0;
  ZMPI_PROTO_MESSAGE(Ping);
};

struct ErrorMessage {
  static constexpr MessageType kType = MessageType::kError;
  uint32_t code = 0;  // a zmpi::Code value
  std::string reason;
  StatusOr<std::string> Encode() const;
  static StatusOr<ErrorMessage> Decode(const std::string& payload);
  bool operator==(const ErrorMessage& o) const;
  // The Status this message reports ("agent refused: <reason>").
  Status ToStatus() const;
  static ErrorMessage From(const Status& status);
};

#undef ZMPI_PROTO_MESSAGE

}  // namespace zmpi::launcher::proto

#endif  // ZMPI_LAUNCHER_PROTO_MESSAGES_H_
