// Supervisor: the event loop of one job on one host. It watches the ranks (SIGCHLD via the
// signal pipe), their PMIx events and their output, and decides when and how the job ends.
//
// Policy: the first rank that exits non-zero, dies by a signal, calls abort, or exits 0 after
// PMIx_Init without PMIx_Finalize while others still run, ends the job: one line on stderr
// naming rank, host and cause; SIGTERM to every rank's process group; SIGKILL after the grace
// period. A rank whose MPI_Init failed aborts with the reason (contract::kStartFailurePrefix):
// "rank R on H failed in MPI_Init: ...". SIGINT/SIGTERM/SIGHUP to the launcher are forwarded
// the same way (a second one kills at once). The job's exit code is the first failure's
// (signal -> 128 + signal), else 0.
//
// Single-threaded: everything runs in Run() on the caller's thread. Every wait is bounded.
#ifndef ZMPI_LAUNCHER_AGENT_SUPERVISOR_H_
#define ZMPI_LAUNCHER_AGENT_SUPERVISOR_H_

#include <poll.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "launcher/agent/io_forwarder.h"
#include "launcher/agent/wireup_server.h"
#include "launcher/agent/signal_pipe.h"

namespace zmpi::launcher::agent {

struct SupervisorOptions {
  std::string label = "zrun";  // starts every report line
  std::string nspace;          // the job's PMIx namespace
  std::string host;            // this host's name, for report lines
  int timeout_seconds = 0;     // 0 = no limit
  // --timeout counts from here: the launcher's start, not the end of
  // spawning. Default: when the Supervisor is made.
  std::optional<std::chrono::steady_clock::time_point> clock_start;
  // The job ends if StartupDone() has not been called this long after the first rank
  // connected to PMIx (a start-up stuck in PMIx_Init or before MPI_Init's exchange). 0 = none.
  int startup_timeout_seconds = 0;
  int grace_ms = 2000;         // SIGTERM -> SIGKILL
  int drain_ms = 1000;         // output still read after the last rank exited
  // A rank's abort that reports another process's failure (MPI_ERR_PROC_ABORTED: a peer died)
  // is a consequence, not a cause: it is held this long while the real cause (that peer's
  // death, seen here or reported by another host) may still arrive, then reported.
  int consequence_hold_ms = 500;
  // A rank that exits non-zero after connecting, where the wire-up server may read its abort
  // after the exit is seen (PMI-1: the abort line is not answered): the bare exit status is
  // reported only if no abort of that rank comes within this long.
  int abort_wait_ms = 500;
  // After the job: output still queued for a reader is written while it makes progress,
  // giving up after this long without any (or at once when the job failed, after drain_ms).
  int output_stall_ms = 10000;
  // Ranks of this job run on other hosts too (zrund's part of a job across hosts): a rank that
  // exits 0 without finalizing ends the job even when it was this host's last.
  bool ranks_elsewhere = false;
};

// Exit code used when --timeout ends the job (as timeout(1) does).
inline constexpr int kTimeoutExitCode = 124;

// Extra file descriptors served by the Supervisor's loop (zrund: the connection to zrun, the
// mDNS publisher, the listening socket). Called on the loop's thread only.
class LoopHook {
 public:
  virtual ~LoopHook() = default;
  virtual void AppendPollFds(std::vector<pollfd>* fds) = 0;
  // Called for each of the hook's fds with its revents (possibly 0), once per loop round.
  virtual void Handle(const pollfd& fd) = 0;
  // The longest the loop may sleep for the hook (ms); -1 = no limit of its own.
  virtual int TimeoutMs() { return -1; }
  // Called once per loop round, after Handle (zrund: the owner's limits and pause).
  virtual void OnRound() {}
};

class Supervisor {
 public:
  using Clock = std::chrono::steady_clock;
  // Called for each fence of this job; the default completes it with this host's data alone
  // (right when every rank is on this host). zrund replaces it to relay blobs between hosts.
  using FenceHandler = std::function<void(const WireupEvent&)>;

  Supervisor(SupervisorOptions options, WireupServer* pmix, SignalPipe* signals, IoForwarder* io);

  void AddRank(int rank, pid_t pid);
  void set_fence_handler(FenceHandler handler) { fence_handler_ = std::move(handler); }
  // Told about every rank exit (wait(2) status), including those caused by ending the job.
  using ExitHandler = std::function<void(int rank, int wait_status)>;
  void set_exit_handler(ExitHandler handler) { exit_handler_ = std::move(handler); }
  // Told once when the job starts ending, with the exit code and the reason ("" if none).
  using EndHandler = std::function<void(int exit_code, const std::string& reason)>;
  void set_end_handler(EndHandler handler) { end_handler_ = std::move(handler); }
  void set_hook(LoopHook* hook) { hook_ = hook; }
  // MPI start-up went through on this host (zrund: its ranks reached the first fence).
  void StartupDone() { startup_done_ = true; }
  bool ending() const { return phase_ == Phase::kEnding; }
  // The first SIGINT/SIGTERM/SIGHUP the launcher itself received during Run(), or 0. One
  // that comes while output is drained after the job stops the drain (and makes the exit
  // code 128 + signal if the job had succeeded).
  int received_signal() const { return received_signal_; }
  // Ends the job now (e.g. a rank could not be started). Only the first call reports.
  void EndJob(int exit_code, const std::string& reason);
  // Runs until every rank is reaped and its output drained; returns the job's exit code.
  int Run();
  // One round of the loop without waiting (signals, PMIx events, output, deadlines), for the
  // launcher to call between spawns so that a long start-up stays under --timeout and
  // Ctrl-C. Returns true once the job is ending (stop spawning).
  bool Tick();

 private:
  struct Rank {
    int rank = 0;
    pid_t pid = -1;
    bool running = true;
    bool connected = false;
    bool finalized = false;
    bool aborted = false;  // called abort: its exit is not news
  };
  // A consequence (an abort for a peer's failure) waiting for its cause (consequence_hold_ms).
  struct Held {
    int code = 0;
    std::string reason;
    Clock::time_point until;
  };
  enum class Phase { kRunning, kEnding };

  void Step(int max_wait_ms = -1);
  void CheckHeld(Clock::time_point now);
  void EndForEarlyExit();
  // Writes queued output after the job, bounded (output_stall_ms, drain_ms, the time limit).
  void DrainOutput();
  int PollTimeoutMs(Clock::time_point now) const;
  void OnSignal(int signo);
  // Reaps ended ranks. While `spawning`, no rank running yet does not mean all have ended.
  void ReapChildren(bool spawning = false);
  void OnRankExit(Rank* rank, int wait_status);
  void OnWireupEvent(const WireupEvent& event);
  void SignalRanks(int signo);
  void CheckStartup(Clock::time_point now);
  Rank* FindRank(int rank);
  int running_count() const;
  std::string RankName(int rank) const;

  SupervisorOptions options_;
  WireupServer* pmix_;
  SignalPipe* signals_;
  IoForwarder* io_;
  FenceHandler fence_handler_;
  ExitHandler exit_handler_;
  EndHandler end_handler_;
  LoopHook* hook_ = nullptr;
  std::vector<Rank> ranks_;
  Phase phase_ = Phase::kRunning;
  int exit_code_ = 0;
  Clock::time_point start_;
  Clock::time_point kill_deadline_;
  Clock::time_point drain_deadline_;
  bool killed_ = false;
  bool all_exited_ = false;
  int received_signal_ = 0;
  bool startup_done_ = false;
  std::optional<Clock::time_point> first_connect_;
  std::optional<Held> held_;
  // A rank that exited 0 without ever connecting to PMIx (a non-MPI program, or an MPI
  // program that quit before MPI_Init): fine alone, but ranks that connect are then stuck in
  // MPI start-up's exchange, which needs every rank.
  std::optional<int> early_exit_;
  // A bare non-zero exit waiting for the rank's abort (abort_wait_ms), and whose.
  std::optional<Held> pending_exit_;
  int pending_rank_ = -1;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_SUPERVISOR_H_
