// AgentJob under the owner's control (docs/owner.md): the per-job limits (memory per rank,
// wall time, disk of the job directory), the pause (SIGSTOP/SIGCONT of the ranks' process groups) and --when-idle's
// policy when the owner is back. Checked once per loop round of the job's Supervisor.
#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include "common/platform/platform.h"
#include "launcher/zrund/agent_job.h"
#include "launcher/zrund/disk_usage.h"

namespace zmpi::launcher::zrund {

namespace {

constexpr auto kMemoryCheckPeriod = std::chrono::milliseconds(100);
// The job directory is walked this often (a walk of a few thousand files takes ~1 ms).
constexpr auto kDiskCheckPeriod = std::chrono::milliseconds(250);

void SignalGroup(pid_t pid, int signo) {
  if (kill(-pid, signo) != 0) kill(pid, signo);  // not (or no longer) leading its group
}

}  // namespace

std::string AgentJob::DescribeForOwner() const {
  std::string ranks;
  for (const auto& [rank, pid] : ranks_) ranks += (ranks.empty() ? "" : ",") + std::to_string(rank);
  auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_)
          .count();
  return "job " + std::to_string(launch_.job_id) + " from " + link_->peer_name() + ": ranks " +
         ranks + " " + (stopped_ ? "stopped by the owner" : "running") + ", " +
         std::to_string(seconds) + " s";
}

void AgentJob::Notify(const std::string& text) {
  if (link_lost_ || ranks_.empty()) return;
  proto::RankOutput out;
  out.job_id = launch_.job_id;
  out.rank = static_cast<uint32_t>(ranks_.front().first);
  out.stream = proto::OutputStream::kStderr;
  out.data = text.substr(0, proto::kMaxOutputData - 1) + "\n";
  SendOrEnd(link_->Send(out));
}

void AgentJob::ApplyPause(bool stop) {
  for (const auto& [rank, pid] : ranks_) SignalGroup(pid, stop ? SIGSTOP : SIGCONT);
  stopped_ = stop;
}

void AgentJob::CheckMemory() {
  const uint64_t limit = context_.owner->policy().max_memory;
  auto now = std::chrono::steady_clock::now();
  if (limit == 0 || now < next_memory_check_) return;
  next_memory_check_ = now + kMemoryCheckPeriod;
  for (const auto& [rank, pid] : ranks_) {
    uint64_t resident = platform::ResidentBytes(pid);
    if (resident <= limit) continue;
    supervisor_->EndJob(128 + SIGKILL, "rank " + std::to_string(rank) + " on " + context_.host +
                                           " exceeded the owner's memory limit (" +
                                           FormatSize(limit) + " per rank, zrund --max-memory): " +
                                           FormatSize(resident) + " resident; ending the job");
    SignalGroup(pid, SIGKILL);  // after EndJob: its death is no longer news
    return;
  }
}

// The staged files and what the ranks wrote into the job directory, against --max-disk (the
// program and staged files were checked against it before the launch was taken).
void AgentJob::CheckDisk() {
  const uint64_t limit = context_.owner->policy().max_disk;
  auto now = std::chrono::steady_clock::now();
  if (limit == 0 || files_ == nullptr || files_->dir().empty() || supervisor_->ending() ||
      now < next_disk_check_) {
    return;
  }
  next_disk_check_ = now + kDiskCheckPeriod;
  uint64_t used = DiskUsage(files_->dir());
  if (used <= limit) return;
  supervisor_->EndJob(1, "the job's folder on " + context_.host + " holds " + FormatSize(used) +
                             ", more than the owner's disk limit (" + FormatSize(limit) +
                             " per job, zrund --max-disk); ending the job");
}

int AgentJob::TimeoutMs() {
  int ms = context_.publisher != nullptr ? context_.publisher->TimeoutMs() : -1;
  if (context_.owner != nullptr && context_.owner->policy().max_memory > 0) {
    int period = static_cast<int>(kMemoryCheckPeriod.count());
    ms = ms < 0 ? period : std::min(ms, period);
  }
  if (context_.owner != nullptr && context_.owner->policy().max_disk > 0) {
    int period = static_cast<int>(kDiskCheckPeriod.count());
    ms = ms < 0 ? period : std::min(ms, period);
  }
  return ms;
}

void AgentJob::OnRound() {
  if (supervisor_ == nullptr) return;
  std::vector<pid_t> running;
  for (const auto& [rank, pid] : ranks_) {
    if (kill(pid, 0) == 0) running.push_back(pid);
  }
  if (context_.owner_tick) context_.owner_tick(running);
  Owner* owner = context_.owner;
  if (owner == nullptr) return;
  if (supervisor_->ending()) {
    if (stopped_) ApplyPause(false);  // stopped ranks would sit on the SIGTERM
    return;
  }
  if (owner->EndRunningJob()) {
    supervisor_->EndJob(1, "the owner of " + context_.host +
                               " is back at the machine (zrund "
                               "--when-idle --on-return end); ending the job");
    return;
  }
  bool stop = owner->JobShouldStop();
  if (stop != stopped_) {
    ApplyPause(stop);
    std::string ranks;
    for (const auto& [rank, pid] : ranks_) {
      ranks += (ranks.empty() ? "" : ",") + std::to_string(rank);
    }
    std::string who = "zrund on " + context_.host + ": ";
    if (!stop) {
      Notify(who + "ranks " + ranks + " continue");
    } else if (owner->paused()) {
      Notify(who + "the owner paused the agent (zrund --pause): ranks " + ranks +
             " are stopped until it resumes (zrund --resume)");
    } else {
      Notify(who + "the owner is back at the machine (zrund --when-idle): ranks " + ranks +
             " are stopped until the owner is away again");
    }
    fprintf(stderr, "zrund: ranks %s of job %llu %s\n", ranks.c_str(),
            static_cast<unsigned long long>(launch_.job_id), stop ? "stopped" : "continue");
  }
  const int max_time = owner->policy().max_time_seconds;
  if (max_time > 0 &&
      std::chrono::steady_clock::now() >= started_ + std::chrono::seconds(max_time)) {
    supervisor_->EndJob(agent::kTimeoutExitCode,
                        "the job reached the owner's time limit on " + context_.host + " (" +
                            std::to_string(max_time) + " s, zrund --max-time); ending the job");
    return;
  }
  CheckMemory();
  CheckDisk();
}

}  // namespace zmpi::launcher::zrund
