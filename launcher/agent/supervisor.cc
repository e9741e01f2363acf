#include "launcher/agent/supervisor.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <string.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>

#include "common/contract.h"
#include "common/status.h"
#include "common/log.h"

namespace zmpi::launcher::agent {

namespace {

int MsUntil(Supervisor::Clock::time_point now, Supervisor::Clock::time_point then) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(then - now).count();
  return static_cast<int>(std::max<long long>(0, ms));
}

}  // namespace

Supervisor::Supervisor(SupervisorOptions options, WireupServer* pmix, SignalPipe* signals,
                       IoForwarder* io)
    : options_(std::move(options)), pmix_(pmix), signals_(signals), io_(io) {
  fence_handler_ = [this](const WireupEvent& e) { pmix_->CompleteFence(e, e.data); };
  start_ = options_.clock_start.value_or(Clock::now());
}

void Supervisor::AddRank(int rank, pid_t pid) { ranks_.push_back(Rank{rank, pid}); }

std::string Supervisor::RankName(int rank) const {
  return "rank " + std::to_string(rank) + " on " + options_.host;
}

void Supervisor::EndJob(int exit_code, const std::string& reason) {
  if (phase_ == Phase::kEnding) return;
  phase_ = Phase::kEnding;
  exit_code_ = exit_code;
  if (!reason.empty()) io_->WriteReport(options_.label + ": " + reason + "\n");
  if (end_handler_) end_handler_(exit_code, reason);
  SignalRanks(SIGTERM);
  kill_deadline_ = Clock::now() + std::chrono::milliseconds(options_.grace_ms);
}

void Supervisor::SignalRanks(int signo) {
  const pid_t own_group = getpgrp();
  for (const Rank& r : ranks_) {
    if (!r.running || r.pid <= 1) continue;
    // The rank's own group, but never ours: a rank that has not moved to its group yet (or
    // whose group is gone) gets the signal alone.
    pid_t group = getpgid(r.pid);
    if (group > 1 && group != own_group && kill(-group, signo) == 0) continue;
    kill(r.pid, signo);
  }
}

Supervisor::Rank* Supervisor::FindRank(int rank) {
  for (Rank& r : ranks_) {
    if (r.rank == rank) return &r;
  }
  return nullptr;
}

int Supervisor::running_count() const {
  return static_cast<int>(std::count_if(ranks_.begin(), ranks_.end(),
                                        [](const Rank& r) { return r.running; }));
}

int Supervisor::Run() {
  for (;;) {
    ReapChildren();  // also catches a SIGCHLD that raced with installing the handler
    CheckHeld(Clock::now());
    // A bare exit status still waiting for its abort is reported first (CheckHeld).
    const bool exit_pending = pending_exit_.has_value() && phase_ == Phase::kRunning;
    if (all_exited_ && !exit_pending &&
        (io_->open_streams() == 0 || Clock::now() >= drain_deadline_)) {
      break;
    }
    Step();
    // Output the ranks left in their pipes is still on its way to a slow reader: keep going
    // while it moves (a stalled reader runs into drain_deadline_).
    // Not after a signal: the user wants out, not the rest of the output.
    if (all_exited_ && io_->TakeProgress() > 0 && received_signal_ == 0) {
      drain_deadline_ = Clock::now() + std::chrono::milliseconds(options_.drain_ms);
    }
  }
  io_->CloseAll();
  DrainOutput();
  return exit_code_;
}

bool Supervisor::Tick() {
  ReapChildren(/*spawning=*/true);
  CheckHeld(Clock::now());
  Step(0);
  return phase_ == Phase::kEnding;
}

void Supervisor::DrainOutput() {
  if (!io_->output_pending()) return;
  int max_ms = -1;
  // A failed, interrupted or timed-out job ends now; its remaining output is best effort.
  if (exit_code_ != 0 || received_signal_ != 0) max_ms = options_.drain_ms;
  if (options_.timeout_seconds > 0) {
    Clock::time_point limit = start_ + std::chrono::seconds(options_.timeout_seconds) +
                              std::chrono::milliseconds(options_.drain_ms);
    int to_limit = MsUntil(Clock::now(), limit);
    max_ms = max_ms < 0 ? to_limit : std::min(max_ms, to_limit);
  }
  // A signal during this drain (a successful job's output to a stalled reader) ends it at once.
  bool interrupted = false;
  io_->DrainOutput(options_.output_stall_ms, max_ms, [this, &interrupted] {
    for (int signo : signals_->Drain()) {
      if (signo == SIGCHLD) continue;
      interrupted = true;
      if (received_signal_ == 0) received_signal_ = signo;
      if (exit_code_ == 0) exit_code_ = 128 + signo;
    }
    return interrupted;
  });
}

void Supervisor::CheckHeld(Clock::time_point now) {
  if (pending_exit_.has_value() && phase_ == Phase::kRunning && now >= pending_exit_->until) {
    Held exit = std::move(pending_exit_.value());
    pending_exit_.reset();
    return EndJob(exit.code, exit.reason);
  }
  if (!held_.has_value() || phase_ != Phase::kRunning) return;
  // Nobody left whose death could be the cause: report what is held.
  bool others_run = false;
  for (const Rank& r : ranks_) others_run = others_run || (r.running && !r.aborted);
  if (now < held_->until && others_run) return;
  Held held = std::move(held_.value());
  held_.reset();
  EndJob(held.code, held.reason);
}

int Supervisor::PollTimeoutMs(Clock::time_point now) const {
  int ms = 1000;  // periodic wake-up: deadlines and a missed SIGCHLD are checked at least 1/s
  if (phase_ == Phase::kEnding && !killed_) ms = std::min(ms, MsUntil(now, kill_deadline_));
  if (phase_ == Phase::kRunning && options_.timeout_seconds > 0) {
    ms = std::min(ms, MsUntil(now, start_ + std::chrono::seconds(options_.timeout_seconds)));
  }
  if (all_exited_) ms = std::min(ms, MsUntil(now, drain_deadline_));
  if (hook_ != nullptr && hook_->TimeoutMs() >= 0) ms = std::min(ms, hook_->TimeoutMs());
  if (held_.has_value()) ms = std::min(ms, MsUntil(now, held_->until));
  if (pending_exit_.has_value()) ms = std::min(ms, MsUntil(now, pending_exit_->until));
  return ms;
}

void Supervisor::Step(int max_wait_ms) {
  std::vector<pollfd> fds;
  fds.push_back(pollfd{signals_->fd(), POLLIN, 0});
  fds.push_back(pollfd{pmix_->event_fd(), POLLIN, 0});
  io_->AppendPollFds(&fds);
  size_t io_end = fds.size();
  if (hook_ != nullptr) hook_->AppendPollFds(&fds);
  int wait = PollTimeoutMs(Clock::now());
  if (max_wait_ms >= 0) wait = std::min(wait, max_wait_ms);
  int n = poll(fds.data(), fds.size(), wait);
  if (n > 0) {
    if (fds[0].revents & POLLIN) {
      for (int signo : signals_->Drain()) OnSignal(signo);
    }
    if (fds[1].revents & POLLIN) {
      for (const WireupEvent& e : pmix_->TakeEvents()) OnWireupEvent(e);
    }
    for (size_t i = 2; i < io_end; ++i) {
      if (fds[i].revents != 0) io_->Handle(fds[i].fd, fds[i].revents);
    }
  }
  if (hook_ != nullptr) {
    for (size_t i = io_end; i < fds.size(); ++i) hook_->Handle(fds[i]);
    hook_->OnRound();
  }
  if (phase_ == Phase::kRunning && io_->reader_gone()) {
    // `zrun ... | head -1`: the reader left. A plain program would die of SIGPIPE, quietly.
    EndJob(128 + SIGPIPE, "");
  }
  Clock::time_point now = Clock::now();
  CheckHeld(now);
  if (phase_ == Phase::kRunning && options_.timeout_seconds > 0 &&
      now >= start_ + std::chrono::seconds(options_.timeout_seconds)) {
    EndJob(kTimeoutExitCode,
           "the job reached its time limit of " + std::to_string(options_.timeout_seconds) +
               " s; ending the job");
  }
  CheckStartup(now);
  if (phase_ == Phase::kEnding && !killed_ && now >= kill_deadline_) {
    SignalRanks(SIGKILL);
    killed_ = true;
  }
}

void Supervisor::CheckStartup(Clock::time_point now) {
  int limit = options_.startup_timeout_seconds;
  if (phase_ != Phase::kRunning || startup_done_ || limit <= 0 || !first_connect_.has_value() ||
      now < *first_connect_ + std::chrono::seconds(limit)) {
    return;
  }
  std::string ranks;
  int count = 0;
  for (const Rank& r : ranks_) {
    if (!r.running) continue;
    ranks += (count++ ? "," : "") + std::to_string(r.rank);
  }
  EndJob(1, (count == 1 ? "rank " : "ranks ") + ranks + " on " + options_.host +
                " did not reach MPI start-up's exchange (MPI_Init) within " +
                std::to_string(limit) + " s of connecting to PMIx; ending the job");
}

void Supervisor::OnSignal(int signo) {
  if (signo == SIGCHLD) return;  // Run() reaps on every round
  if (received_signal_ == 0) received_signal_ = signo;
  // Every rank is gone and only output is left (a descendant may hold a pipe open, a reader
  // may be slow): stop reading it now.
  if (all_exited_) drain_deadline_ = Clock::now();
  if (phase_ == Phase::kRunning) {
    EndJob(128 + signo, "got signal " + std::to_string(signo) + " (" + strsignal(signo) +
                            "); ending the job");
    if (signo != SIGTERM) SignalRanks(signo);  // ranks see what the user sent
    return;
  }
  SignalRanks(SIGKILL);  // a second interrupt: no more grace
  killed_ = true;
}

void Supervisor::ReapChildren(bool spawning) {
  for (Rank& r : ranks_) {
    if (!r.running) continue;
    int status = 0;
    pid_t got = waitpid(r.pid, &status, WNOHANG);
    if (got == r.pid) {
      OnRankExit(&r, status);
    } else if (got < 0 && errno == ECHILD) {
      OnRankExit(&r, 0);  // reaped elsewhere: nothing more to learn
    }
  }
  if (!spawning && !all_exited_ && running_count() == 0) {
    all_exited_ = true;
    drain_deadline_ = Clock::now() + std::chrono::milliseconds(options_.drain_ms);
  }
}

void Supervisor::OnRankExit(Rank* rank, int wait_status) {
  rank->running = false;
  if (exit_handler_) exit_handler_(rank->rank, wait_status);
  if (phase_ != Phase::kRunning) return;  // consequences of ending the job are not news
  if (rank->aborted) return;              // its abort is the news (held or reported)
  if (!rank->finalized) {
    // A finalize (or abort) the wire-up server took before this exit may still be queued
    // (PMI-1's server thread posts it just before its ack): read it before judging the exit.
    for (const WireupEvent& e : pmix_->TakeEvents()) OnWireupEvent(e);
    if (rank->aborted || phase_ != Phase::kRunning) return;
  }
  std::string who = RankName(rank->rank);
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    EndJob(128 + sig, who + " was killed by signal " + std::to_string(sig) + " (" +
                          strsignal(sig) + "); ending the job");
  } else if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) != 0 && rank->finalized) {
    // The program's own status after a clean MPI_Finalize (e.g. `return 1;` after it): the job
    // still runs to its end, quietly, and zrun exits with the first such status (as mpiexec).
    // (A rank whose MPI_Init failed aborts with the reason instead of finalizing:
    // contract::kStartFailurePrefix.)
    if (exit_code_ == 0) exit_code_ = WEXITSTATUS(wait_status);
  } else if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) != 0) {
    int code = WEXITSTATUS(wait_status);
    std::string reason = who + " exited with code " + std::to_string(code) + "; ending the job";
    if (rank->connected && pmix_->abort_may_follow_exit()) {
      // Its abort (with the reason) may still be on its way through the wire-up server:
      // reported if it comes within abort_wait_ms, else this bare status. A second bare exit
      // while one is held waits under the same hold (two ranks whose MPI_Init failed at once:
      // either abort's reason is the news, not the second exit's code).
      if (pending_exit_.has_value()) return;
      pending_exit_ = Held{code, std::move(reason),
                           Clock::now() + std::chrono::milliseconds(options_.abort_wait_ms)};
      pending_rank_ = rank->rank;
      return;
    }
    EndJob(code, reason);
  } else if (rank->connected && !rank->finalized &&
             (running_count() > 0 || options_.ranks_elsewhere)) {
    EndJob(1, who + " exited with code 0 without calling PMIx_Finalize (MPI_Finalize) while " +
                  "other ranks still run; ending the job");
  } else if (!rank->connected && !early_exit_.has_value()) {
    early_exit_ = rank->rank;
    for (const Rank& r : ranks_) {
      if (r.running && r.connected && !r.finalized) return EndForEarlyExit();
    }
  }
}

void Supervisor::EndForEarlyExit() {
  EndJob(1, RankName(*early_exit_) +
                " exited with code 0 before MPI_Init while other ranks wait for it in MPI "
                "start-up; ending the job");
}

void Supervisor::OnWireupEvent(const WireupEvent& event) {
  if (event.nspace != options_.nspace) {  // not ours: release it so the client does not hang
    if (event.kind == WireupEvent::Kind::kFence) {
      pmix_->CompleteFence(event, event.data);
    } else {
      pmix_->Complete(event, false);
    }
    return;
  }
  Rank* rank = FindRank(event.rank);
  switch (event.kind) {
    case WireupEvent::Kind::kConnected:
      if (rank) rank->connected = true;
      if (!first_connect_.has_value()) first_connect_ = Clock::now();
      pmix_->Complete(event, true);
      if (early_exit_.has_value() && phase_ == Phase::kRunning) EndForEarlyExit();
      break;
    case WireupEvent::Kind::kFinalized:
      if (rank) rank->finalized = true;
      pmix_->Complete(event, true);
      break;
    case WireupEvent::Kind::kAbort: {
      // An exit status holds 8 bits; 0 would read as success.
      int code = event.status & 0xff ? event.status & 0xff : contract::kFatalErrorExitCode;
      std::string reason = RankName(event.rank) + " called abort with code " +
                           std::to_string(event.status);
      std::string message = event.message;
      std::replace(message.begin(), message.end(), '\n', ' ');
      while (!message.empty() && message.back() == ' ') message.pop_back();
      if (!message.empty()) reason += " (" + message + ")";
      pmix_->Complete(event, true);
      if (rank) rank->aborted = true;
      const bool start_failed = message.rfind(contract::kStartFailurePrefix, 0) == 0;
      // A held bare exit is replaced by its own rank's abort, or by any rank's failed start
      // (whose reason says more than an exit code).
      if (pending_exit_.has_value() && (pending_rank_ == event.rank || start_failed)) {
        pending_exit_.reset();
      }
      if (start_failed) reason = RankName(event.rank) + " failed in " + message;
      if (start_failed && phase_ == Phase::kRunning) {
        // MPI_Init failed here. Ranks already in start-up's exchange learn of it from the
        // wire-up server and fail in MPI_Init too (consequences, not news): held briefly so
        // that they can, which also spares libpmix 4.2.2 ranks killed inside a pending fence
        // (its server can stall after that: docs/zrund.md). The first failure is the line.
        if (!held_.has_value()) {
          held_ = Held{code, reason + "; ending the job",
                       Clock::now() + std::chrono::milliseconds(options_.consequence_hold_ms)};
        }
        break;
      }
      if (contract::IsPeerFailureAbort(event.status, message) && phase_ == Phase::kRunning) {
        // MPI_ERR_PROC_ABORTED: this rank saw a peer die. That death is the cause to report;
        // wait a little for it (the peer's exit may be reaped a moment later, or reported by
        // its own host). The first such consequence is the one kept.
        if (!held_.has_value()) {
          held_ = Held{code, reason + "; ending the job",
                       Clock::now() + std::chrono::milliseconds(options_.consequence_hold_ms)};
        }
        break;
      }
      EndJob(code, reason + "; ending the job");
      break;
    }
    case WireupEvent::Kind::kFence:
      ZMPI_LOG(kDebug, "agent", "fence upcall for %s with %zu bytes", event.nspace.c_str(),
               event.data.size());
      fence_handler_(event);
      break;
  }
}

}  // namespace zmpi::launcher::agent
