// Payload layouts of the zrun<->agent messages and their field limits: the one definition
// (described in docs/protocol.md). Field encodings (reader.h / writer.h):
//   u8/u16/u32/u64/i32  little-endian
//   bytes[N]            exactly N raw bytes
//   str(max)            u32 length <= max, then that many bytes (no terminator)
//   list<T>(max)        u32 count <= max, then the elements
// A payload must be consumed exactly: trailing bytes are an error.
//
//   Hello        u16 min_version, u16 max_version, bytes[32] client_nonce,
//                str(kMaxName) client_name, str(kMaxClusterId) cluster_id
//   Challenge    u16 version, bytes[32] agent_nonce, bytes[32] agent_proof,
//                str(kMaxName) agent_name
//   Auth         bytes[32] client_proof
//   AuthOk       protocol 2: (empty); 3: list<str(kMaxChoiceName)>(kMaxChoices) wireups,
//                list<str(kMaxChoiceName)>(kMaxChoices) nets (or empty: nothing offered)
//   Launch       u64 job_id, u32 world_size, list<u32>(kMaxRanksPerHost) ranks,
//                list<str(kMaxArg)>(kMaxArgs) argv, list<str(kMaxEnvEntry)>(kMaxEnv) env,
//                str(kMaxPath) executable, bytes[32] exe_hash, u64 exe_size, str(kMaxPath) cwd,
//                list<StagedFile>(kMaxStagedFiles) stage, list<str(kMaxPath)>(kMaxCollect) collect,
//                u8 job_dir, i32 stdin_rank (a rank, -1 none, -2 all of this host's),
//                optional str(kMaxArchName) arch, then (protocol 3) optional
//                str(kMaxChoiceName) wireup, str(kMaxChoiceName) net
//   StagedFile   str(kMaxPath) name, u64 size, bytes[32] hash, u32 mode (sum of sizes <= kMaxStageBytes)
//   LaunchReply  u64 job_id, u8 need_executable, list<u32>(kMaxStagedFiles) need_files
//   FileChunk    u64 job_id, str(kMaxPath) name, u64 size, u32 mode, u64 offset, u8 flags,
//                str(kMaxExeChunkData) data (offset + data <= size <= kMaxStageBytes)
//   ExeChunk     u64 job_id, u64 offset, str(kMaxExeChunkData) data
//   StdinData    u64 job_id, u32 rank, u64 offset, u8 eof, str(kMaxOutputData) data
//   RankOutput   u64 job_id, u32 rank, u8 stream (1 stdout, 2 stderr), str(kMaxOutputData) data
//   RankExit     u64 job_id, u32 rank, u8 how (ExitHow), i32 value
//   FenceContribution  u64 job_id, u64 fence_id, str(kMaxFenceData) blob
//   FenceRelease       u64 job_id, u64 fence_id, str(kMaxFenceData) blobs
//   JobEnd       u64 job_id, u8 reason (EndReason), i32 status
//   Ping         u64 token
//   Error        u32 code (zmpi::Code), str(kMaxReason) reason
#ifndef ZMPI_LAUNCHER_PROTO_MESSAGE_FORMAT_H_
#define ZMPI_LAUNCHER_PROTO_MESSAGE_FORMAT_H_

#include <cstddef>
#include <cstdint>

#include "launcher/proto/frame_format.h"

namespace zmpi::launcher::proto {

inline constexpr uint32_t kMaxName = 64;
inline constexpr uint32_t kMaxClusterId = 64;
inline constexpr uint32_t kMaxRanksPerHost = 4096;
inline constexpr uint32_t kMaxWorldSize = 1u << 20;
inline constexpr uint32_t kMaxArgs = 1024;
inline constexpr uint32_t kMaxArg = 64u << 10;
inline constexpr uint32_t kMaxEnv = 4096;
inline constexpr uint32_t kMaxEnvEntry = 64u << 10;
inline constexpr uint32_t kMaxPath = 4096;
inline constexpr uint32_t kMaxArchName = 32;  // Launch.arch ("x86_64", "aarch64")
inline constexpr uint32_t kMaxChoiceName = 16;  // JobOffer entries, Launch.wireup/net
inline constexpr uint32_t kMaxChoices = 8;      // entries per JobOffer list
inline constexpr uint32_t kMaxReason = 1024;
inline constexpr uint64_t kMaxExeSize = 4ull << 30;
inline constexpr uint32_t kMaxStagedFiles = 1024;
inline constexpr uint64_t kMaxStageBytes = 4ull << 30;  // all staged files of a job, and one collected file
inline constexpr uint32_t kMaxCollect = 64;
inline constexpr size_t kHashSize = 32;  // crypto_generichash BLAKE2b-256 of the executable

enum class OutputStream : uint8_t { kStdout = 1, kStderr = 2 };
enum class ExitHow : uint8_t { kExited = 1, kSignaled = 2, kFailedToStart = 3 };
enum class EndReason : uint8_t { kCompleted = 1, kRankFailed = 2, kAborted = 3, kPeerGone = 4 };

// Fixed parts of the handshake payloads, for the static size checks below.
inline constexpr size_t kHelloFixed = 2 + 2 + kNonceSize + 4 + 4 + kPublicKeySize;
inline constexpr size_t kChallengeFixed = 2 + kNonceSize + kMacSize + 4 + kPublicKeySize;
static_assert(kHelloFixed + kMaxName + kMaxClusterId <= kMaxHandshakePayload, "Hello fits");
static_assert(kChallengeFixed + kMaxName <= kMaxHandshakePayload, "Challenge fits");
static_assert(4 + 4 + kMaxReason <= kMaxControlPayload, "Error fits");
static_assert(2 * (4 + kMaxChoices * (4 + kMaxChoiceName)) <= kMaxControlPayload, "AuthOk fits");
static_assert(8 + 8 + 4 + kMaxExeChunkData <= kMaxExeChunkData + 64, "ExeChunk fits");
static_assert(8 + 4 + kMaxPath + 8 + 4 + 8 + 1 + 4 + kMaxExeChunkData <= kMaxFileChunkPayload,
              "FileChunk fits");
static_assert(8 + 4 + 1 + 4 + kMaxOutputData <= kMaxOutputData + 64, "RankOutput fits");
static_assert(8 + 8 + 4 + kMaxFenceData <= kMaxFenceData + 64, "fence messages fit");

}  // namespace zmpi::launcher::proto

#endif  // ZMPI_LAUNCHER_PROTO_MESSAGE_FORMAT_H_
