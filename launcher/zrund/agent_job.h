// AgentJob: one job on this agent, for one authenticated zrun connection. Registers the job's
// namespace with the PMIx server (the full job, so remote ranks' data is served from fences),
// starts this host's ranks bound to offered cores, and runs the Supervisor loop with itself as
// the loop hook: rank output, exits and fence contributions go to zrun; FenceRelease completes
// the local fence with all hosts' blobs; JobEnd from zrun or a lost connection ends the ranks.
#ifndef ZMPI_LAUNCHER_ZRUND_AGENT_JOB_H_
#define ZMPI_LAUNCHER_ZRUND_AGENT_JOB_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/agent/env_block.h"
#include "launcher/agent/job_plan.h"
#include "launcher/agent/link.h"
#include "launcher/agent/supervisor.h"
#include "launcher/proto/messages.h"
#include "launcher/agent/program_cache.h"
#include "launcher/zrund/job_files.h"
#include "launcher/zrund/stdin_relay.h"
#include "launcher/zrund/zrund.h"

namespace zmpi::launcher::zrund {

class AgentJob : public agent::LoopHook {
 public:
  AgentJob(const AgentContext& context, agent::Link* link, proto::Launch launch)
      : context_(context), link_(link), launch_(std::move(launch)) {}

  // Runs the job to its end and reports JobEnd to zrun. A launch that cannot start is
  // answered with an Error message; the returned Status says why (for the agent's log).
  Status Run();
  // The signal (SIGTERM, ...) the agent received while the job ran, or 0: the agent stops.
  int received_signal() const { return received_signal_; }
  // The ranks started (each leads its own process group; reaped once Run returned) and the
  // prefix of the job's shared-memory segments, for a clean-up beyond the job's own.
  const std::vector<pid_t>& rank_pids() const { return rank_pids_; }
  const std::string& shm_prefix() const { return shm_prefix_; }

  // agent::LoopHook
  void AppendPollFds(std::vector<pollfd>* fds) override;
  void Handle(const pollfd& fd) override;
  int TimeoutMs() override;
  void OnRound() override;

 private:
  Status Prepare();
  // Finds the program: at its path if it is there with the right hash, else in the program
  // cache, else asks zrun for it (LaunchReply need_executable) and receives it.
  // Also receives the staged files the cache lacks (one LaunchReply asks for all), then
  // prepares the ranks' working directory (PrepareWorkDir).
  Status FindProgram();
  // A fresh job directory with the staged files (Launch.job_dir), else Launch.cwd.
  Status PrepareWorkDir();
  StatusOr<agent::EnvBlock> RankEnvironment(int rank);
  void StartRanks(agent::Supervisor* supervisor, agent::IoForwarder* io);
  void OnLinkReadable();
  // Handles every complete frame in the link's buffer; `pumped` is the last read's status.
  void HandleFrames(Status pumped);
  void OnFrame(const proto::Frame& frame);
  void SendOrEnd(const Status& sent);
  void SetCoresUsed(uint32_t used);
  Status GiveToJobUser(const std::string& dir);
  // The owner's limits and pause (agent_job_owner.cc), every loop round.
  void CheckMemory();
  void CheckDisk();
  void ApplyPause(bool stop);
  void Notify(const std::string& text);  // one line on zrun's stderr, the job goes on
  std::string DescribeForOwner() const;

  AgentContext context_;
  agent::Link* link_;
  proto::Launch launch_;
  std::string nspace_;
  int host_index_ = 0;
  agent::JobPlan plan_;
  agent::EnvBlock base_env_;
  std::vector<std::string> extra_env_;
  std::string program_;
  std::unique_ptr<agent::ProgramCache> cache_;
  std::unique_ptr<JobFiles> files_;
  std::string cwd_;  // the ranks' working directory ("" = the agent's)
  StdinRelay stdin_;
  bool preload_ = false;  // LD_PRELOAD libmpi.so.12 (agent::kPreloadEnv)  // zrun's stdin for the ranks here that read it
  std::string shm_prefix_;
  std::vector<pid_t> rank_pids_;
  agent::Supervisor* supervisor_ = nullptr;
  // The job's wire-up: the agent's own server, or one of this job alone (Launch.wireup "pmi"
  // on an agent whose own is PMIx: a PMI-1 server costs a thread and no set-up).
  std::unique_ptr<agent::WireupServer> job_server_;
  agent::WireupServer* pmix_ = nullptr;
  // Makes job_server_ where Launch.wireup asks for another server than the agent's own.
  Status PickWireupServer();
  uint64_t next_fence_ = 1;
  std::map<uint64_t, agent::WireupEvent> fences_;  // waiting for FenceRelease, by fence id
  bool link_lost_ = false;
  bool ended_by_zrun_ = false;
  int received_signal_ = 0;
  // Owner control.
  std::vector<std::pair<int, pid_t>> ranks_;  // (rank, pid) started here
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point next_memory_check_{};
  std::chrono::steady_clock::time_point next_disk_check_{};
  bool stopped_ = false;  // the ranks are SIGSTOPped by the owner's pause
};

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_LAUNCHER_ZRUND_AGENT_JOB_H_
