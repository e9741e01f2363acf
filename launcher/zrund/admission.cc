#include "launcher/zrund/admission.h"

#include <algorithm>

namespace zmpi::launcher::zrund {

namespace {

// The oldest unauthenticated peer of `source`, if any.
std::optional<size_t> Oldest(const std::vector<PendingView>& peers, const std::string& source) {
  std::optional<size_t> oldest;
  for (size_t i = 0; i < peers.size(); ++i) {
    if (peers[i].authenticated || peers[i].source != source) continue;
    if (!oldest.has_value() || peers[i].since < peers[*oldest].since) oldest = i;
  }
  return oldest;
}

}  // namespace

AdmitDecision Admit(const std::vector<PendingView>& peers, const std::string& source) {
  std::map<std::string, size_t> unauthenticated;
  for (const PendingView& p : peers) {
    if (!p.authenticated) ++unauthenticated[p.source];
  }
  AdmitDecision d;
  if (unauthenticated[source] >= kMaxPerSource) {
    d.evict = Oldest(peers, source);
    d.why = "more than " + std::to_string(kMaxPerSource) + " unauthenticated connections from " +
            source;
    return d;
  }
  if (peers.size() < kMaxPending) return d;
  std::string heaviest;
  size_t most = 0;
  for (const auto& [s, n] : unauthenticated) {
    if (n > most) {
      most = n;
      heaviest = s;
    }
  }
  if (most == 0) {  // every slot holds an authenticated peer
    d.accept = false;
    d.why = std::to_string(peers.size()) + " authenticated connections pending already";
    return d;
  }
  d.evict = Oldest(peers, heaviest);
  d.why = "too many pending connections; " + heaviest + " holds the most (" + std::to_string(most) +
          ")";
  return d;
}

bool LogLimiter::Allow(const std::string& source, std::chrono::steady_clock::time_point now) {
  auto [it, fresh] = buckets_.try_emplace(source);
  Bucket& b = it->second;
  if (!fresh) {
    double seconds = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(kBurst, b.tokens + (seconds > 0 ? seconds : 0));
  }
  b.last = now;
  if (buckets_.size() > 4096) {  // a bound on the table itself; forgetting only allows more
    buckets_.clear();
    return true;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return true;
  }
  ++b.suppressed;
  return false;
}

size_t LogLimiter::TakeSuppressed(const std::string& source) {
  auto it = buckets_.find(source);
  if (it == buckets_.end()) return 0;
  size_t n = it->second.suppressed;
  it->second.suppressed = 0;
  return n;
}

}  // namespace zmpi::launcher::zrund
