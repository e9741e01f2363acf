// ClusterRun: one job over several agents (zrund). Finds the agents (agent_finder.h), connects
// and authenticates to each, plans the ranks (JobPlan: filled host by host), sends each agent
// its Launch, then runs one poll loop: prints rank output, relays fences (each agent's blob,
// concatenated in host order, back to every agent), and ends the job everywhere on the first
// failure with one line naming rank/host and why. A start-up that stalls on some host (its ranks
// never reach MPI_Init's exchange while others wait there) ends the job after
// --startup-timeout. Also serves --discover.
#ifndef ZMPI_LAUNCHER_ZRUN_CLUSTER_RUN_H_
#define ZMPI_LAUNCHER_ZRUN_CLUSTER_RUN_H_

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "launcher/agent/job_plan.h"
#include "launcher/agent/link.h"
#include "launcher/agent/output_writer.h"
#include "launcher/agent/signal_pipe.h"
#include "launcher/proto/key_file.h"
#include "launcher/zrun/agent_finder.h"
#include "launcher/zrun/file_staging.h"
#include "launcher/zrun/job_choice.h"
#include "launcher/zrun/stdin_sender.h"
#include "launcher/zrun/launch_request.h"
#include "launcher/zrun/options.h"

namespace zmpi::launcher::zrun {

class ClusterRun {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ClusterRun(Options options) : options_(std::move(options)) {}
  ClusterRun(const ClusterRun&) = delete;
  ClusterRun& operator=(const ClusterRun&) = delete;

  // True if these options ask for a multi-host job (--host, --key-file, --discover, or the
  // default key file exists and --local was not given).
  static bool Wanted(const Options& options);

  int Run();
  int Discover();

 private:
  struct Host {
    FoundAgent agent;
    std::unique_ptr<agent::Link> link;
    bool started = false;  // LaunchReply received
    bool done = false;     // JobEnd received or connection gone
    int status = 0;
    bool here = false;     // the agent runs on this host (its ranks work in our directory)
    std::unique_ptr<CollectSink> collected;  // files it sends back (--collect)
    ProgramInfo program;  // what this host runs: per architecture (agent/program_arch.h)
  };

  Status LoadKey();
  // Appends the --hostfile hosts to options_.hosts and remembers their slots.
  Status ApplyHostfile();
  // Connects to `found` at once (agent_connector.h); returns the agents that answered, with
  // their links in `links`. A named (--host) agent that fails sets `error`; a discovered one
  // is skipped with one warning line.
  // Finds the agents and connects to the usable ones (ConnectUsable); waits (bounded) for a
  // named agent that answers it is restarting (Code::kPending), with one line.
  StatusOr<std::vector<FoundAgent>> FindUsable(std::vector<std::unique_ptr<agent::Link>>* links);
  std::vector<FoundAgent> ConnectUsable(std::vector<FoundAgent> found,
                                        std::vector<std::unique_ptr<agent::Link>>* links,
                                        Status* error);
  // Each agent's share of the job (the hostfile's slots win over what it offers; -ppn N
  // gives each N, kArg when a host offers fewer), their total, and the job's size.
  Status Shares(const std::vector<FoundAgent>& agents, std::vector<agent::HostShare>* shares,
                int* total, int* nranks) const;
  // Before any connection: the agents among `found` that would get ranks and announced an
  // offer (mDNS TXT) must have a wire-up and a network in common, with the user's
  // ZMPI_WIREUP/ZMPI_NET: if not, ChooseForJob's one-line refusal, without a handshake.
  // Agents without an announced offer are left to the handshake's check (ChooseWireupAndNet).
  Status CheckAnnouncedOffers(const std::vector<FoundAgent>& found) const;
  // The job's wire-up and network from every host's offer (job_choice.h): none when some
  // agent speaks protocol 2 (each then uses its own ZMPI_WIREUP/ZMPI_NET, as before).
  Status ChooseWireupAndNet(const std::vector<std::string>& env);
  Status LaunchAll(const agent::JobPlan& plan);
  int Loop();
  void OnLinkReadable(int host);
  void OnFrame(int host, const proto::Frame& frame);
  void OnFence(int host, proto::FenceContribution contribution);
  // An agent asked for the program and/or staged files (LaunchReply with needs).
  void SendWanted(int host, const proto::LaunchReply& reply);
  void OnCollected(int host, const proto::FileChunk& chunk);
  // Ends the job if MPI start-up (fence 1: MPI_Init's exchange) has waited too long for some
  // host since the first host contributed (--startup-timeout).
  void CheckStartup(Clock::time_point now);
  void Fail(int code, const std::string& reason);
  void EndEverywhere();
  bool AllDone() const;

  // Rank output and zrun's own lines (never blocking, output_writer.h). zrun must keep
  // reading the agents' connections (fences, exits), so output beyond the writers' bound is
  // dropped and counted, and said once at the end.
  void WriteOutput(bool is_stderr, const std::string& text);
  // Ends early on a signal from `signals`.
  void DrainOutput(agent::SignalPipe* signals);

  Options options_;
  std::unique_ptr<agent::OutputWriter> out_;
  std::unique_ptr<agent::OutputWriter> err_;
  uint64_t dropped_ = 0;
  std::unique_ptr<proto::KeyFile> key_;
  std::vector<Host> hosts_;
  uint64_t job_id_ = 0;
  std::string nspace_;
  int nranks_ = 0;
  ProgramInfo program_;
  std::optional<JobChoice> choice_;  // sent in every Launch (protocol 3)
  std::vector<StageSource> staged_;  // --stage, expanded and hashed before any agent is asked
  std::string cwd_;                  // where collected files go
  std::unique_ptr<StdinSender> stdin_;  // zrun's stdin for the reading ranks (--stdin)
  // Whether zrun's stdin may be read now: every reading rank's host has started its ranks.
  bool StdinReady() const;
  void ForwardStdin();
  std::map<std::string, int> slots_;  // from --hostfile
  std::map<uint64_t, std::vector<std::optional<std::string>>> fences_;
  std::vector<std::vector<int>> ranks_;  // by host index (hosts_), for start-up reports
  std::optional<Clock::time_point> startup_since_;  // fence 1's first contribution, until released
  bool startup_released_ = false;                   // fence 1 went through
  // A rank that exited 0 on a host that had not reached MPI start-up's exchange: once another
  // host waits there, that exchange can never complete.
  std::optional<std::pair<int, int>> early_exit_;  // (rank, host index)
  void OnRankExit(int host, const proto::RankExit& exit);
  // An agent's report of a consequence (a rank's abort for a dead peer), held briefly while
  // the cause may still be reported by the peer's host; Fail() of anything else wins.
  struct Held {
    int code = 0;
    std::string reason;
    Clock::time_point until;
  };
  std::optional<Held> held_;
  void ReportHeld();
  void CheckEarlyExit();
  bool failed_ = false;
  bool collect_failed_ = false;  // a collected file could not be saved
  int exit_code_ = 0;
  bool ending_ = false;
  bool interrupted_ = false;  // a signal came while the job was ending: zrun leaves at once
  Clock::time_point start_;
  Clock::time_point end_deadline_;
};

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_CLUSTER_RUN_H_
