#include "mpi/bootstrap/pmi_kvs.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>

#include "common/log.h"

namespace zmpi::bootstrap {

Status PmiKvsBootstrap::Put(const std::string& key, const std::string& value) {
  std::string encoded = EncodeValue(value);
  if (encoded.size() >= max_value_) {
    return Error(Code::kOther, "PMI: value of %s is %zu bytes, the launcher stores at most %zu",
                 key.c_str(), encoded.size(), max_value_ - 1);
  }
  return KvsPut(KvsKey(key, rank_), encoded);
}

StatusOr<std::string> PmiKvsBootstrap::Get(int rank, const std::string& key) {
  ZMPI_ASSIGN_OR_RETURN(std::string encoded, KvsGet(KvsKey(key, rank), rank));
  return DecodeValue(encoded);
}

void PmiKvsBootstrap::SetJobId(const std::string& launcher_name) {
  job_id_ = launcher_name.empty() ? "pmi-" + std::to_string(getppid()) : launcher_name;
  for (char& c : job_id_) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
}

Status PmiKvsBootstrap::FindLocalRanks(const std::string& mapping) {
  local_.clear();
  if (!mapping.empty()) {
    auto nodes = ParseProcessMapping(mapping, size_);
    if (nodes.ok()) {
      for (int r = 0; r < size_; ++r) {
        if ((*nodes)[r] == (*nodes)[rank_]) local_.push_back(r);
      }
      return OkStatus();
    }
    ZMPI_LOG(kInfo, "bootstrap", "%s; comparing host names instead",
             nodes.status().ToString().c_str());
  }
  // No usable mapping: every rank publishes its host name and reads everyone's.
  char host[256] = "";
  gethostname(host, sizeof(host) - 1);
  const char kHostKey[] = "zmpi.host";
  ZMPI_RETURN_IF_ERROR(Put(kHostKey, host));
  ZMPI_RETURN_IF_ERROR(KvsFence());
  for (int r = 0; r < size_; ++r) {
    if (r == rank_) {
      local_.push_back(r);
      continue;
    }
    ZMPI_ASSIGN_OR_RETURN(std::string peer_host, Get(r, kHostKey));
    if (peer_host == host) local_.push_back(r);
  }
  return OkStatus();
}

void PmiKvsBootstrap::ReportAbort(const std::string& message) const {
  fprintf(stderr, "zmpi: rank %d: %s\n", rank_, message.c_str());
  fflush(stderr);
  // The launcher kills the job on our abort command and may drop what it has not yet read
  // from our stderr pipe: give it up to 250 ms to read the line (FIONREAD fails on a tty or
  // file, which need no wait).
  for (int waited_ms = 0; waited_ms < 250; ++waited_ms) {
    int unread = 0;
    if (ioctl(STDERR_FILENO, FIONREAD, &unread) != 0 || unread == 0) break;
    usleep(1000);
  }
}

}  // namespace zmpi::bootstrap
