#include "launcher/proto/messages.h"

#include <algorithm>

#include "launcher/proto/reader.h"
#include "launcher/proto/writer.h"

namespace zmpi::launcher::proto {
namespace {

Status Limit(const char* what, size_t size, size_t max) {
  if (size > max) return Error(Code::kArg, "%s: %zu exceeds limit %zu", what, size, max);
  return OkStatus();
}

// Encoders end here: the whole payload must fit the frame limit of the type.
StatusOr<std::string> Done(MessageType type, std::string payload) {
  ZMPI_RETURN_IF_ERROR(Limit("payload", payload.size(), MaxPayload(static_cast<uint16_t>(type))));
  return payload;
}

template <size_t N>
void ReadArray(Reader* r, const char* field, std::array<uint8_t, N>* out) {
  r->Bytes(field, out->data(), N);
}

std::vector<std::string> ReadStrings(Reader* r, const char* field, uint32_t max_count,
                                     uint32_t max_len) {
  std::vector<std::string> out;
  const uint32_t n = r->Count(field, max_count, 4);
  out.reserve(n);
  for (uint32_t i = 0; i < n && r->ok(); ++i) out.push_back(r->Str(field, max_len));
  return out;
}

Status CheckStrings(const char* field, const std::vector<std::string>& v, uint32_t max_count,
                    uint32_t max_len) {
  ZMPI_RETURN_IF_ERROR(Limit(field, v.size(), max_count));
  for (const std::string& s : v) ZMPI_RETURN_IF_ERROR(Limit(field, s.size(), max_len));
  return OkStatus();
}

void WriteStrings(Writer* w, const std::vector<std::string>& v) {
  w->U32(static_cast<uint32_t>(v.size()));
  for (const std::string& s : v) w->Str(s);
}

}  // namespace

// ---- Handshake ----

StatusOr<std::string> Hello::Encode() const {
  ZMPI_RETURN_IF_ERROR(Limit("Hello.client_name", client_name.size(), kMaxName));
  ZMPI_RETURN_IF_ERROR(Limit("Hello.cluster_id", cluster_id.size(), kMaxClusterId));
  std::string p;
  Writer w(&p);
  w.U16(min_version);
  w.U16(max_version);
  w.Bytes(client_nonce.data(), client_nonce.size());
  w.Str(client_name);
  w.Str(cluster_id);
  w.Bytes(client_ephemeral.data(), client_ephemeral.size());
  return Done(kType, std::move(p));
}

StatusOr<Hello> Hello::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "Hello");
  Hello m;
  m.min_version = r.U16("min_version");
  m.max_version = r.U16("max_version");
  ReadArray(&r, "client_nonce", &m.client_nonce);
  m.client_name = r.Str("client_name", kMaxName);
  m.cluster_id = r.Str("cluster_id", kMaxClusterId);
  ReadArray(&r, "client_ephemeral", &m.client_ephemeral);
  if (r.ok() && m.min_version > m.max_version) r.Fail("min_version", "above max_version");
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool Hello::operator==(const Hello& o) const {
  return min_version == o.min_version && max_version == o.max_version &&
         client_nonce == o.client_nonce && client_name == o.client_name &&
         cluster_id == o.cluster_id && client_ephemeral == o.client_ephemeral;
}

StatusOr<std::string> Challenge::Encode() const {
  ZMPI_RETURN_IF_ERROR(Limit("Challenge.agent_name", agent_name.size(), kMaxName));
  std::string p;
  Writer w(&p);
  w.U16(version);
  w.Bytes(agent_nonce.data(), agent_nonce.size());
  w.Bytes(agent_proof.data(), agent_proof.size());
  w.Str(agent_name);
  w.Bytes(agent_ephemeral.data(), agent_ephemeral.size());
  return Done(kType, std::move(p));
}

StatusOr<Challenge> Challenge::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "Challenge");
  Challenge m;
  m.version = r.U16("version");
  ReadArray(&r, "agent_nonce", &m.agent_nonce);
  ReadArray(&r, "agent_proof", &m.agent_proof);
  m.agent_name = r.Str("agent_name", kMaxName);
  ReadArray(&r, "agent_ephemeral", &m.agent_ephemeral);
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool Challenge::operator==(const Challenge& o) const {
  return version == o.version && agent_nonce == o.agent_nonce && agent_proof == o.agent_proof &&
         agent_name == o.agent_name && agent_ephemeral == o.agent_ephemeral;
}

StatusOr<std::string> Auth::Encode() const {
  std::string p;
  Writer(&p).Bytes(client_proof.data(), client_proof.size());
  return Done(kType, std::move(p));
}

StatusOr<Auth> Auth::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "Auth");
  Auth m;
  ReadArray(&r, "client_proof", &m.client_proof);
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool Auth::operator==(const Auth& o) const { return client_proof == o.client_proof; }

StatusOr<std::string> AuthOk::Encode() const {
  if (offer.wireups.empty() && offer.nets.empty()) return std::string();  // protocol 2's
  ZMPI_RETURN_IF_ERROR(CheckStrings("AuthOk.wireups", offer.wireups, kMaxChoices, kMaxChoiceName));
  ZMPI_RETURN_IF_ERROR(CheckStrings("AuthOk.nets", offer.nets, kMaxChoices, kMaxChoiceName));
  std::string p;
  Writer w(&p);
  WriteStrings(&w, offer.wireups);
  WriteStrings(&w, offer.nets);
  return Done(kType, std::move(p));
}

StatusOr<AuthOk> AuthOk::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "AuthOk");
  AuthOk m;
  if (r.remaining() > 0) {
    m.offer.wireups = ReadStrings(&r, "wireups", kMaxChoices, kMaxChoiceName);
    m.offer.nets = ReadStrings(&r, "nets", kMaxChoices, kMaxChoiceName);
  }
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool AuthOk::operator==(const AuthOk& o) const { return offer == o.offer; }

// ---- Launch ----

StatusOr<std::string> Launch::Encode() const {
  ZMPI_RETURN_IF_ERROR(Limit("Launch.world_size", world_size, kMaxWorldSize));
  ZMPI_RETURN_IF_ERROR(Limit("Launch.ranks", ranks.size(), kMaxRanksPerHost));
  for (uint32_t rank : ranks) {
    if (rank >= world_size) return Error(Code::kArg, "Launch.ranks: %u >= world size %u", rank, world_size);
  }
  ZMPI_RETURN_IF_ERROR(CheckStrings("Launch.argv", argv, kMaxArgs, kMaxArg));
  ZMPI_RETURN_IF_ERROR(CheckStrings("Launch.env", env, kMaxEnv, kMaxEnvEntry));
  ZMPI_RETURN_IF_ERROR(Limit("Launch.executable", executable.size(), kMaxPath));
  ZMPI_RETURN_IF_ERROR(Limit("Launch.cwd", cwd.size(), kMaxPath));
  ZMPI_RETURN_IF_ERROR(Limit("Launch.arch", arch.size(), kMaxArchName));
  ZMPI_RETURN_IF_ERROR(Limit("Launch.wireup", wireup.size(), kMaxChoiceName));
  ZMPI_RETURN_IF_ERROR(Limit("Launch.net", net.size(), kMaxChoiceName));
  ZMPI_RETURN_IF_ERROR(Limit("Launch.exe_size", exe_size, kMaxExeSize));
  ZMPI_RETURN_IF_ERROR(Limit("Launch.stage", stage.size(), kMaxStagedFiles));
  uint64_t staged = 0;
  for (const StagedFile& f : stage) {
    ZMPI_RETURN_IF_ERROR(Limit("Launch.stage name", f.name.size(), kMaxPath));
    ZMPI_RETURN_IF_ERROR(Limit("Launch.stage size", f.size, kMaxStageBytes - staged));
    staged += f.size;
  }
  ZMPI_RETURN_IF_ERROR(CheckStrings("Launch.collect", collect, kMaxCollect, kMaxPath));
  std::string p;
  Writer w(&p);
  w.U64(job_id);
  w.U32(world_size);
  w.U32(static_cast<uint32_t>(ranks.size()));
  for (uint32_t rank : ranks) w.U32(rank);
  WriteStrings(&w, argv);
  WriteStrings(&w, env);
  w.Str(executable);
  w.Bytes(exe_hash.data(), exe_hash.size());
  w.U64(exe_size);
  w.Str(cwd);
  w.U32(static_cast<uint32_t>(stage.size()));
  for (const StagedFile& f : stage) {
    w.Str(f.name);
    w.U64(f.size);
    w.Bytes(f.hash.data(), f.hash.size());
    w.U32(f.mode);
  }
  WriteStrings(&w, collect);
  w.U8(job_dir ? 1 : 0);
  w.I32(stdin_rank);
  const bool choice = !wireup.empty() || !net.empty();
  if (!arch.empty() || choice) w.Str(arch);
  if (choice) {
    w.Str(wireup);
    w.Str(net);
  }
  return Done(kType, std::move(p));
}

StatusOr<Launch> Launch::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "Launch");
  Launch m;
  m.job_id = r.U64("job_id");
  m.world_size = r.U32("world_size");
  if (r.ok() && m.world_size > kMaxWorldSize) r.Fail("world_size", "exceeds limit");
  const uint32_t n = r.Count("ranks", kMaxRanksPerHost, 4);
  m.ranks.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    m.ranks.push_back(r.U32("ranks"));
    if (r.ok() && m.ranks.back() >= m.world_size) r.Fail("ranks", "rank beyond world size");
  }
  m.argv = ReadStrings(&r, "argv", kMaxArgs, kMaxArg);
  m.env = ReadStrings(&r, "env", kMaxEnv, kMaxEnvEntry);
  m.executable = r.Str("executable", kMaxPath);
  ReadArray(&r, "exe_hash", &m.exe_hash);
  m.exe_size = r.U64("exe_size");
  if (r.ok() && m.exe_size > kMaxExeSize) r.Fail("exe_size", "exceeds limit");
  m.cwd = r.Str("cwd", kMaxPath);
  const uint32_t files = r.Count("stage", kMaxStagedFiles, 4 + 8 + kHashSize + 4);
  uint64_t staged = 0;
  for (uint32_t i = 0; i < files && r.ok(); ++i) {
    StagedFile f;
    f.name = r.Str("stage", kMaxPath);
    f.size = r.U64("stage");
    ReadArray(&r, "stage", &f.hash);
    f.mode = r.U32("stage");
    if (r.ok() && f.size > kMaxStageBytes - staged) r.Fail("stage", "files exceed the limit");
    staged += f.size;
    m.stage.push_back(std::move(f));
  }
  m.collect = ReadStrings(&r, "collect", kMaxCollect, kMaxPath);
  const uint8_t job_dir = r.U8("job_dir");
  if (r.ok() && job_dir > 1) r.Fail("job_dir", "not 0 or 1");
  m.job_dir = job_dir == 1;
  m.stdin_rank = r.I32("stdin_rank");
  if (r.ok() && m.stdin_rank < kStdinAll) r.Fail("stdin_rank", "not a rank, -1 or -2");
  if (r.ok() && r.remaining() > 0) m.arch = r.Str("arch", kMaxArchName);
  if (r.ok() && r.remaining() > 0) {
    m.wireup = r.Str("wireup", kMaxChoiceName);
    m.net = r.Str("net", kMaxChoiceName);
  }
  if (r.ok() && m.argv.empty()) r.Fail("argv", "empty");
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool Launch::operator==(const Launch& o) const {
  return job_id == o.job_id && world_size == o.world_size && ranks == o.ranks && argv == o.argv &&
         env == o.env && executable == o.executable && exe_hash == o.exe_hash &&
         exe_size == o.exe_size && cwd == o.cwd && stage == o.stage && collect == o.collect &&
         job_dir == o.job_dir && stdin_rank == o.stdin_rank && arch == o.arch &&
         wireup == o.wireup && net == o.net;
}

StatusOr<std::string> LaunchReply::Encode() const {
  std::string p;
  Writer w(&p);
  w.U64(job_id);
  w.U8(need_executable ? 1 : 0);
  ZMPI_RETURN_IF_ERROR(Limit("LaunchReply.need_files", need_files.size(), kMaxStagedFiles));
  w.U32(static_cast<uint32_t>(need_files.size()));
  for (uint32_t i : need_files) w.U32(i);
  return Done(kType, std::move(p));
}

StatusOr<LaunchReply> LaunchReply::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "LaunchReply");
  LaunchReply m;
  m.job_id = r.U64("job_id");
  const uint8_t need = r.U8("need_executable");
  if (r.ok() && need > 1) r.Fail("need_executable", "not 0 or 1");
  m.need_executable = need == 1;
  const uint32_t n = r.Count("need_files", kMaxStagedFiles, 4);
  for (uint32_t i = 0; i < n && r.ok(); ++i) m.need_files.push_back(r.U32("need_files"));
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool LaunchReply::operator==(const LaunchReply& o) const {
  return job_id == o.job_id && need_executable == o.need_executable &&
         need_files == o.need_files;
}

StatusOr<std::string> FileChunk::Encode() const {
  ZMPI_RETURN_IF_ERROR(Limit("FileChunk.name", name.size(), kMaxPath));
  ZMPI_RETURN_IF_ERROR(Limit("FileChunk.data", data.size(), kMaxExeChunkData));
  if (size > kMaxStageBytes || offset > size || data.size() > size - offset) {
    return Error(Code::kArg, "FileChunk: piece beyond the file's size");
  }
  std::string p;
  Writer w(&p);
  w.U64(job_id);
  w.Str(name);
  w.U64(size);
  w.U32(mode);
  w.U64(offset);
  w.U8(flags);
  w.Str(data);
  return Done(kType, std::move(p));
}

StatusOr<FileChunk> FileChunk::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "FileChunk");
  FileChunk m;
  m.job_id = r.U64("job_id");
  m.name = r.Str("name", kMaxPath);
  m.size = r.U64("size");
  m.mode = r.U32("mode");
  m.offset = r.U64("offset");
  m.flags = r.U8("flags");
  m.data = r.Str("data", kMaxExeChunkData);
  if (r.ok() && (m.size > kMaxStageBytes || m.offset > m.size || m.data.size() > m.size - m.offset)) {
    r.Fail("offset", "piece beyond the file's size");
  }
  if (r.ok() && (m.flags & ~kSkipped) != 0) r.Fail("flags", "unknown bits");
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool FileChunk::operator==(const FileChunk& o) const {
  return job_id == o.job_id && name == o.name && size == o.size && mode == o.mode &&
         offset == o.offset && flags == o.flags && data == o.data;
}

StatusOr<std::string> ExeChunk::Encode() const {
  ZMPI_RETURN_IF_ERROR(Limit("ExeChunk.data", data.size(), kMaxExeChunkData));
  if (offset > kMaxExeSize || data.size() > kMaxExeSize - offset) {
    return Error(Code::kArg, "ExeChunk: offset %llu beyond the largest executable",
                 static_cast<unsigned long long>(offset));
  }
  std::string p;
  Writer w(&p);
  w.U64(job_id);
  w.U64(offset);
  w.Str(data);
  return Done(kType, std::move(p));
}

StatusOr<ExeChunk> ExeChunk::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "ExeChunk");
  ExeChunk m;
  m.job_id = r.U64("job_id");
  m.offset = r.U64("offset");
  m.data = r.Str("data", kMaxExeChunkData);
  if (r.ok() && (m.offset > kMaxExeSize || m.data.size() > kMaxExeSize - m.offset)) {
    r.Fail("offset", "beyond the largest executable");
  }
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool ExeChunk::operator==(const ExeChunk& o) const {
  return job_id == o.job_id && offset == o.offset && data == o.data;
}

// ---- Ranks and fences ----

StatusOr<std::string> StdinData::Encode() const {
  ZMPI_RETURN_IF_ERROR(Limit("StdinData.data", data.size(), kMaxOutputData));
  std::string p;
  Writer w(&p);
  w.U64(job_id);
  w.U32(rank);
  w.U64(offset);
  w.U8(eof ? 1 : 0);
  w.Str(data);
  return Done(kType, std::move(p));
}

StatusOr<StdinData> StdinData::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "StdinData");
  StdinData m;
  m.job_id = r.U64("job_id");
  m.rank = r.U32("rank");
  m.offset = r.U64("offset");
  const uint8_t eof = r.U8("eof");
  if (r.ok() && eof > 1) r.Fail("eof", "not 0 or 1");
  m.eof = eof == 1;
  m.data = r.Str("data", kMaxOutputData);
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool StdinData::operator==(const StdinData& o) const {
  return job_id == o.job_id && rank == o.rank && offset == o.offset && eof == o.eof &&
         data == o.data;
}

StatusOr<std::string> RankOutput::Encode() const {
  ZMPI_RETURN_IF_ERROR(Limit("RankOutput.data", data.size(), kMaxOutputData));
  std::string p;
  Writer w(&p);
  w.U64(job_id);
  w.U32(rank);
  w.U8(static_cast<uint8_t>(stream));
  w.Str(data);
  return Done(kType, std::move(p));
}

StatusOr<RankOutput> RankOutput::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "RankOutput");
  RankOutput m;
  m.job_id = r.U64("job_id");
  m.rank = r.U32("rank");
  const uint8_t stream = r.U8("stream");
  if (r.ok() && stream != 1 && stream != 2) r.Fail("stream", "not 1 (stdout) or 2 (stderr)");
  m.stream = static_cast<OutputStream>(stream);
  m.data = r.Str("data", kMaxOutputData);
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool RankOutput::operator==(const RankOutput& o) const {
  return job_id == o.job_id && rank == o.rank && stream == o.stream && data == o.data;
}

StatusOr<std::string> RankExit::Encode() const {
  std::string p;
  Writer w(&p);
  w.U64(job_id);
  w.U32(rank);
  w.U8(static_cast<uint8_t>(how));
  w.I32(value);
  return Done(kType, std::move(p));
}

StatusOr<RankExit> RankExit::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "RankExit");
  RankExit m;
  m.job_id = r.U64("job_id");
  m.rank = r.U32("rank");
  const uint8_t how = r.U8("how");
  if (r.ok() && (how < 1 || how > 3)) r.Fail("how", "unknown exit kind");
  m.how = static_cast<ExitHow>(how);
  m.value = r.I32("value");
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool RankExit::operator==(const RankExit& o) const {
  return job_id == o.job_id && rank == o.rank && how == o.how && value == o.value;
}

namespace {

template <typename M>
StatusOr<std::string> EncodeFence(const M& m, const std::string& data, const char* what) {
  ZMPI_RETURN_IF_ERROR(Limit(what, data.size(), kMaxFenceData));
  std::string p;
  Writer w(&p);
  w.U64(m.job_id);
  w.U64(m.fence_id);
  w.Str(data);
  return Done(M::kType, std::move(p));
}

template <typename M>
StatusOr<M> DecodeFence(const std::string& payload, const char* what, std::string M::*data) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), what);
  M m;
  m.job_id = r.U64("job_id");
  m.fence_id = r.U64("fence_id");
  m.*data = r.Str("data", kMaxFenceData);
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

}  // namespace

StatusOr<std::string> FenceContribution::Encode() const {
  return EncodeFence(*this, blob, "FenceContribution.blob");
}

StatusOr<FenceContribution> FenceContribution::Decode(const std::string& payload) {
  return DecodeFence<FenceContribution>(payload, "FenceContribution", &FenceContribution::blob);
}

bool FenceContribution::operator==(const FenceContribution& o) const {
  return job_id == o.job_id && fence_id == o.fence_id && blob == o.blob;
}

StatusOr<std::string> FenceRelease::Encode() const {
  return EncodeFence(*this, blobs, "FenceRelease.blobs");
}

StatusOr<FenceRelease> FenceRelease::Decode(const std::string& payload) {
  return DecodeFence<FenceRelease>(payload, "FenceRelease", &FenceRelease::blobs);
}

bool FenceRelease::operator==(const FenceRelease& o) const {
  return job_id == o.job_id && fence_id == o.fence_id && blobs == o.blobs;
}

// ---- Control ----

StatusOr<std::string> JobEnd::Encode() const {
  std::string p;
  Writer w(&p);
  w.U64(job_id);
  w.U8(static_cast<uint8_t>(reason));
  w.I32(status);
  return Done(kType, std::move(p));
}

StatusOr<JobEnd> JobEnd::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "JobEnd");
  JobEnd m;
  m.job_id = r.U64("job_id");
  const uint8_t reason = r.U8("reason");
  if (r.ok() && (reason < 1 || reason > 4)) r.Fail("reason", "unknown end reason");
  m.reason = static_cast<EndReason>(reason);
  m.status = r.I32("status");
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool JobEnd::operator==(const JobEnd& o) const {
  return job_id == o.job_id && reason == o.reason && status == o.status;
}

StatusOr<std::string> Ping::Encode() const {
  std::string p;
  Writer(&p).U64(token);
  return Done(kType, std::move(p));
}

StatusOr<Ping> Ping::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "Ping");
  Ping m;
  m.token = r.U64("token");
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool Ping::operator==(const Ping& o) const { return token == o.token; }

StatusOr<std::string> ErrorMessage::Encode() const {
  std::string p;
  Writer w(&p);
  w.U32(code);
  w.Str(reason.substr(0, kMaxReason));  // a reason is cut, never refused
  return Done(kType, std::move(p));
}

StatusOr<ErrorMessage> ErrorMessage::Decode(const std::string& payload) {
  Reader r(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), "Error");
  ErrorMessage m;
  m.code = r.U32("code");
  m.reason = r.Str("reason", kMaxReason);
  ZMPI_RETURN_IF_ERROR(r.Finish());
  return m;
}

bool ErrorMessage::operator==(const ErrorMessage& o) const {
  return code == o.code && reason == o.reason;
}

Status ErrorMessage::ToStatus() const {
  // Unknown codes from a peer become kOther; the peer's reason is kept, made printable.
  Code c = code == 0 || code > 100 ? Code::kOther : static_cast<Code>(code);
  std::string printable = reason;
  std::replace_if(printable.begin(), printable.end(), [](char ch) { return ch < 0x20 || ch > 0x7e; }, '?');
  return Error(c, "peer refused: %s", printable.c_str());
}

ErrorMessage ErrorMessage::From(const Status& status) {
  ErrorMessage m;
  m.code = static_cast<uint32_t>(status.code());
  m.reason = status.message().substr(0, kMaxReason);
  return m;
}

}  // namespace zmpi::launcher::proto
