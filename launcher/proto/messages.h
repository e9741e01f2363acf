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
using PublicKey = std::array<uint8_t, kPublicKeySize>;

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
  PublicKey client_ephemeral{};  // X25519, fresh per connection (forward secrecy)
  ZMPI_PROTO_MESSAGE(Hello);
};

struct Challenge {
  uint16_t version = kProtocolVersion;
  Nonce agent_nonce{};
  Mac agent_proof{};
  std::string agent_name;
  PublicKey agent_ephemeral{};  // X25519, fresh per connection
  ZMPI_PROTO_MESSAGE(Challenge);
};

struct Auth {
  Mac client_proof{};
  ZMPI_PROTO_MESSAGE(Auth);
};

// What an agent can run a job with, in its order of preference (protocol 3, in AuthOk):
// wire-ups ("pmix", "pmi": agent/wireup_server.h) and networks between hosts ("ofi", "tcp":
// ZMPI_NET). zrun picks one of each that every agent of a job offers (zrun/job_choice.h).
// Names zrun does not know are ignored; empty lists (an agent of protocol 2) offer nothing.
struct JobOffer {
  std::vector<std::string> wireups;
  std::vector<std::string> nets;
  bool operator==(const JobOffer& o) const { return wireups == o.wireups && nets == o.nets; }
};

// Empty under protocol 2; from protocol 3 on the agent's JobOffer (an empty payload still
// decodes, as an offer of nothing).
struct AuthOk {
  JobOffer offer;
  ZMPI_PROTO_MESSAGE(AuthOk);
};

// A file zrun stages into a remote job directory: its relative name there (no "..", not
// absolute), size, content hash (the agent's cache key) and permission bits.
struct StagedFile {
  std::string name;
  uint64_t size = 0;
  Hash hash{};
  uint32_t mode = 0644;
  bool operator==(const StagedFile& o) const {
    return name == o.name && size == o.size && hash == o.hash && mode == o.mode;
  }
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
  // Files and working directory (docs/zrund.md, "Working directory and files"). Fields added
  // after cwd: a remote host's ranks work in a fresh job directory (job_dir) that gets the
  // staged files; after the job, files there matching `collect` go back to zrun as FileChunks.
  std::vector<StagedFile> stage;
  std::vector<std::string> collect;  // glob(7) patterns relative to the job directory
  bool job_dir = false;              // false: the ranks work in `cwd` ("" = the agent's own)
  // Which rank of this host reads zrun's stdin (StdinData): a world rank, kStdinNone or
  // kStdinAll (every rank of this host). The others read /dev/null.
  static constexpr int32_t kStdinNone = -1;
  static constexpr int32_t kStdinAll = -2;
  int32_t stdin_rank = kStdinNone;
  // The architecture of this host as zrun saw it in the agent's announcement, which chose the
  // program above ("" from an older zrun). Encoded after stdin_rank and optional, so older peers agree.
  std::string arch;
  // zrun's choice for the job from every agent's JobOffer (protocol 3; "" = the agent's own
  // default, as from an older zrun): the wire-up this agent serves the job's ranks with and
  // the network transport they use between hosts (their ZMPI_NET). Optional tail after arch
  // (arch is then always encoded); zrun sends it only to agents that negotiated protocol 3.
  std::string wireup;
  std::string net;
  ZMPI_PROTO_MESSAGE(Launch);
};

struct LaunchReply {
  uint64_t job_id = 0;
  bool need_executable = false;
  // Indices into Launch.stage of the files this agent lacks; zrun sends them as FileChunks
  // (after the executable's ExeChunks), one file after the other, each from offset 0.
  std::vector<uint32_t> need_files;
  ZMPI_PROTO_MESSAGE(LaunchReply);
};

struct ExeChunk {
  uint64_t job_id = 0;
  uint64_t offset = 0;
  std::string data;
  ZMPI_PROTO_MESSAGE(ExeChunk);
};

// A piece of a file: a staged file (zrun -> agent) or a collected one (agent -> zrun).
// Pieces of one file come in order; the next file starts only when `size` bytes came.
struct FileChunk {
  static constexpr uint8_t kSkipped = 1;  // flags: not sent (over the size bound); data empty
  uint64_t job_id = 0;
  std::string name;  // relative to the job directory (collected) or the staged name
  uint64_t size = 0;
  uint32_t mode = 0644;
  uint64_t offset = 0;
  uint8_t flags = 0;
  std::string data;
  ZMPI_PROTO_MESSAGE(FileChunk);
};

// zrun's standard input for one rank (zrun -> agent): bytes from `offset` on; `eof` says none
// follow. The agent acknowledges (agent -> zrun, no data) with `offset` = the bytes the rank's
// pipe took so far, and eof once the pipe is closed (the rank gone: send no more). zrun keeps
// at most kStdinWindow bytes unacknowledged per rank, so an agent buffers at most that.
struct StdinData {
  static constexpr uint64_t kStdinWindow = 1u << 20;
  uint64_t job_id = 0;
  uint32_t rank = 0;
  uint64_t offset = 0;
  bool eof = false;
  std::string data;
  ZMPI_PROTO_MESSAGE(StdinData);
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
