// Owner: what the owner of this machine decided about the agent (docs/owner.md), and the state
// that follows from it: whether the agent offers its cores now (paused by `zrund --pause`, or
// the owner is at the machine under --when-idle), which clients the owner approved under --ask
// and which questions wait for an answer. Pure logic over the times and measurements it is
// given (the daemon samples them), so that it is testable without a machine to be idle on.
// Single-threaded: the agent's event loop owns it.
#ifndef ZMPI_LAUNCHER_ZRUND_OWNER_H_
#define ZMPI_LAUNCHER_ZRUND_OWNER_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace zmpi::launcher::zrund {

// What happens to a running job when the owner comes back under --when-idle.
enum class OnReturn { kPause, kEnd };

struct OwnerPolicy {
  uint64_t max_memory = 0;   // bytes resident per rank; 0 = no limit (--max-memory)
  int max_time_seconds = 0;  // wall time per job; 0 = no limit (--max-time)
  int max_ranks = 0;         // ranks of one job on this host; 0 = the cores offered (--max-ranks)
  uint64_t max_disk = 0;     // bytes a job stages and holds in its job directory; 0 = no limit
  bool when_idle = false;    // offer cores only while the owner is away (--when-idle)
  int idle_after_seconds = 300;  // no input and low load this long = away (--idle-after)
  double idle_load = 0.5;  // cores busy with work not the agent's above this = present; <0 off
  std::vector<std::string> idle_inputs;   // files whose access marks input (--idle-input)
  OnReturn on_return = OnReturn::kPause;  // --on-return pause|end
  bool ask = false;                       // consent before a new client's first job (--ask)
  int ask_timeout_seconds = 60;
};

// "2G", "512M", "64MiB", "1048576" -> bytes.
StatusOr<uint64_t> ParseSize(const std::string& text);
// 2147483648 -> "2 GiB"; 1500000 -> "1.4 MiB".
std::string FormatSize(uint64_t bytes);

// Whether the owner is away, from samples: away once there was no input and the load from
// others stayed low for idle_after seconds; present at once on input or load. Pure.
class IdleMonitor {
 public:
  IdleMonitor(int idle_after_seconds, double max_load)
      : idle_after_(idle_after_seconds), max_load_(max_load) {}
  // `now_s`: a monotonic time in seconds; `input_age_s`: seconds since the newest input (a
  // large value if none is known); `others_load`: cores busy with work that is not the agent's
  // jobs, averaged since the previous sample. Returns whether the owner is away now.
  bool Update(double now_s, double input_age_s, double others_load);
  bool away() const { return away_; }

 private:
  int idle_after_;
  double max_load_;
  std::optional<double> busy_at_;  // the last sample with load above max_load_
  bool away_ = false;
};

class Owner {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Owner(OwnerPolicy policy) : policy_(std::move(policy)) {}

  const OwnerPolicy& policy() const { return policy_; }
  // Ranks of one job this agent takes (announced as its cores): `cores`, fewer under
  // --max-ranks.
  int OfferedSlots(int cores) const {
    return policy_.max_ranks > 0 && policy_.max_ranks < cores ? policy_.max_ranks : cores;
  }
  // zrund --pause / --resume.
  void set_paused(bool paused) { paused_ = paused; }
  bool paused() const { return paused_; }
  // The owner is away (--when-idle); always true without --when-idle.
  void set_away(bool away) { away_ = away; }
  bool away() const { return !policy_.when_idle || away_; }
  // Cores are offered now: not paused, and the owner away if that is asked for.
  bool offering() const { return !paused_ && away(); }
  // Why not, for a refused launch ("" while offering).
  std::string WhyNotOffering(const std::string& host) const;
  // A running job's ranks should be stopped now (paused, or the owner back with on_return
  // pause). With on_return end the job ends instead: EndRunningJob().
  bool JobShouldStop() const {
    return paused_ || (!away() && policy_.on_return == OnReturn::kPause);
  }
  bool EndRunningJob() const { return !paused_ && !away() && policy_.on_return == OnReturn::kEnd; }

  // Consent (--ask). `client`: who asks (name and address). Approved clients are remembered
  // while the agent runs.
  enum class Consent { kApproved, kDenied, kWaiting, kTimedOut };
  Consent Ask(const std::string& client, Clock::time_point now);
  // Approves or denies `client`'s waiting question; false if none waits.
  bool Answer(const std::string& client, bool approve);
  void Forget(const std::string& client);  // its question is no longer waiting (peer gone)
  std::vector<std::string> waiting() const;

  // One command of the control socket ("pause", "resume", "status", "approve C", "deny C")
  // -> the reply (one or more lines). `status` is the daemon's description of its state.
  std::string Command(const std::string& line, const std::string& status);

 private:
  struct Question {
    std::string client;
    Clock::time_point deadline;
    std::optional<bool> answer;
  };
  OwnerPolicy policy_;
  bool paused_ = false;
  bool away_ = false;
  std::set<std::string> approved_;
  std::vector<Question> questions_;
};

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_LAUNCHER_ZRUND_OWNER_H_
