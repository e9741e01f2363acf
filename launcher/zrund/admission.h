// Admission: which connections an agent keeps while they are on their way in (handshake, then
// their Launch). Anyone on the LAN can open TCP connections to an agent without the key, so
// the table of such peers must not be a resource one source can take:
//
// - a source (IPv4 address) holds at most kMaxPerSource unauthenticated connections; a new one
//   beyond that replaces the source's oldest;
// - when the table is full, a new connection replaces the oldest unauthenticated connection of
//   the source holding the most, so a source with few connections (a real zrun) always gets in;
// - authenticated peers (they hold the key) are never replaced;
// - each unauthenticated connection has a short deadline (zrund.cc) and small buffers
//   (proto::kMaxPreAuthFrame), so holding one costs the agent a few KiB for a few seconds.
//
// Pure logic, unit-tested (tests/launcher/zrund/admission_test.cc).
#ifndef ZMPI_LAUNCHER_ZRUND_ADMISSION_H_
#define ZMPI_LAUNCHER_ZRUND_ADMISSION_H_

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zmpi::launcher::zrund {

inline constexpr size_t kMaxPending = 64;
inline constexpr size_t kMaxPerSource = 4;

struct PendingView {
  std::string source;  // the peer's address, without its port
  bool authenticated = false;
  std::chrono::steady_clock::time_point since;
};

struct AdmitDecision {
  bool accept = true;
  std::optional<size_t> evict;  // index of the peer to drop first
  std::string why;              // for the dropped (or refused) peer and the log
};

// Decides on a new connection from `source`, given the peers on their way in.
AdmitDecision Admit(const std::vector<PendingView>& peers, const std::string& source);

// Bounds the agent's log under a flood: at most kBurst lines per source at once, then one
// per second. Allow() says whether to log now; suppressed() counts what was left out.
class LogLimiter {
 public:
  static constexpr double kBurst = 10;
  bool Allow(const std::string& source, std::chrono::steady_clock::time_point now);
  // Lines left out for `source` since it was last allowed (reset by the call).
  size_t TakeSuppressed(const std::string& source);

 private:
  struct Bucket {
    double tokens = kBurst;
    std::chrono::steady_clock::time_point last;
    size_t suppressed = 0;
  };
  std::map<std::string, Bucket> buckets_;
};

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_LAUNCHER_ZRUND_ADMISSION_H_
