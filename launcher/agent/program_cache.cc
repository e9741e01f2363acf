#include "launcher/agent/program_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher/proto/key_file.h"

namespace zmpi::launcher::agent {

namespace {

Status MakeDirs(const std::string& dir, mode_t mode) {
  for (size_t at = 1; at <= dir.size(); ++at) {
    if (at != dir.size() && dir[at] != '/') continue;
    std::string part = dir.substr(0, at);
    if (mkdir(part.c_str(), mode) != 0 && errno != EEXIST) {
      return Error(Code::kOther, "cannot create %s: %s", part.c_str(), strerror(errno));
    }
  }
  return OkStatus();
}

}  // namespace

StatusOr<proto::Hash> HashFile(const std::string& path) {
  proto::EnsureSodium();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error(Code::kOther, "cannot read %s: %s", path.c_str(), strerror(errno));
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, proto::kHashSize);
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    crypto_generichash_update(&state, reinterpret_cast<unsigned char*>(buf),
                              static_cast<size_t>(n));
  }
  close(fd);
  if (n < 0) return Error(Code::kOther, "cannot read %s", path.c_str());
  proto::Hash hash;
  crypto_generichash_final(&state, hash.data(), hash.size());
  return hash;
}

std::string HashHex(const proto::Hash& hash) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : hash) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

StatusOr<ProgramCache> ProgramCache::Open(const std::string& dir, bool for_others) {
  ZMPI_RETURN_IF_ERROR(MakeDirs(dir, for_others ? 0755 : 0700));
  if (for_others && chmod(dir.c_str(), 0755) != 0) {
    return Error(Code::kOther, "cannot open %s to the job user: %s", dir.c_str(), strerror(errno));
  }
  ProgramCache cache;
  cache.dir_ = dir;
  cache.for_others_ = for_others;
  return cache;
}

std::string ProgramCache::DefaultDir() {
  const char* xdg = getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/zmpi/programs";
  const char* home = getenv("HOME");
  return std::string(home != nullptr ? home : "/tmp") + "/.cache/zmpi/programs";
}

std::optional<std::string> ProgramCache::Find(const proto::Hash& hash) const {
  std::string path = PathOf(hash);
  StatusOr<proto::Hash> got = HashFile(path);  // a damaged copy is not used
  if (!got.ok() || got.value() != hash) return std::nullopt;
  return path;
}

Status ProgramCache::Begin(const proto::Hash& hash, uint64_t size) {
  Abandon();
  partial_ = dir_ + "/." + HashHex(hash) + ".XXXXXX";
  fd_ = mkostemp(partial_.data(), O_CLOEXEC);
  if (fd_ < 0) return Error(Code::kOther, "cannot create %s: %s", partial_.c_str(), strerror(errno));
  hash_ = hash;
  size_ = size;
  written_ = 0;
  return OkStatus();
}

Status ProgramCache::Write(uint64_t offset, const std::string& data) {
  if (fd_ < 0) return Error(Code::kArg, "program piece without a transfer");
  if (offset != written_ || data.size() > size_ - written_) {
    return Error(Code::kArg, "program piece at %llu does not follow %llu of %llu bytes",
                 static_cast<unsigned long long>(offset),
                 static_cast<unsigned long long>(written_), static_cast<unsigned long long>(size_));
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error(Code::kOther, "cannot write %s: %s", partial_.c_str(), strerror(errno));
    done += static_cast<size_t>(n);
  }
  written_ += data.size();
  return OkStatus();
}

StatusOr<std::string> ProgramCache::Finish() {
  if (fd_ < 0 || written_ != size_) {
    Abandon();
    return Error(Code::kArg, "program transfer incomplete");
  }
  close(fd_);
  fd_ = -1;
  StatusOr<proto::Hash> got = HashFile(partial_);
  if (!got.ok() || got.value() != hash_) {
    Abandon();
    return Error(Code::kArg, "received program does not match its hash");
  }
  std::string path = PathOf(hash_);
  if (chmod(partial_.c_str(), for_others_ ? 0755 : 0700) != 0 || rename(partial_.c_str(), path.c_str()) != 0) {
    Status s = Error(Code::kOther, "cannot store %s: %s", path.c_str(), strerror(errno));
    Abandon();
    return s;
  }
  partial_.clear();
  return path;
}

void ProgramCache::Abandon() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (!partial_.empty()) unlink(partial_.c_str());
  partial_.clear();
}

}  // namespace zmpi::launcher::agent
