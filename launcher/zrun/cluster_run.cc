#include "launcher/zrun/cluster_run.h"

#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "common/check.h"
#include "common/contract.h"
#include "common/log.h"
#include "common/platform/platform.h"
#include "launcher/agent/host_info.h"
#include "launcher/agent/io_forwarder.h"
#include "launcher/agent/job_dir.h"
#include "launcher/agent/net_iface.h"
#include "launcher/agent/plan_spec.h"
#include "launcher/agent/program_arch.h"
#include "launcher/agent/signal_pipe.h"
#include "launcher/zrun/agent_connector.h"
#include "launcher/zrun/launch_request.h"

namespace zmpi::launcher::zrun {

using agent::HostName;

namespace {

// After the job starts ending: agents take up to 2 s (SIGTERM -> SIGKILL) plus 1 s of output.
constexpr auto kEndGrace = std::chrono::seconds(6);
// Output queued for a slow reader: at most this much (then dropped), and written after the
// job while it moves (kOutputStallMs), or for kOutputAfterFailureMs after a failure.
constexpr size_t kOutputLimit = 4u << 20;
constexpr int kOutputStallMs = 10000;
constexpr int kOutputAfterFailureMs = 1000;
// How long an agent's report of a consequence (an abort for a dead peer) waits for the cause.
constexpr auto kHold = std::chrono::milliseconds(500);
// Every host's first fence is MPI_Init's exchange (agents number fences 1, 2, ... per job).
constexpr uint64_t kStartupFence = 1;

// "rank 3" or "ranks 0,2".
std::string RankList(const std::vector<int>& ranks) {
  std::string out = ranks.size() == 1 ? "rank " : "ranks ";
  for (size_t i = 0; i < ranks.size(); ++i) out += (i ? "," : "") + std::to_string(ranks[i]);
  return out;
}

}  // namespace

Status ClusterRun::LaunchAll(const agent::JobPlan& plan) {
  LaunchCommon common;
  common.job_id = job_id_;
  common.nspace = nspace_;
  common.bind = options_.bind;
  common.map = options_.map;
  common.argv = options_.command;
  common.env = ForwardedEnvironment(options_.env_specs);
  if (options_.mpich_binaries) common.env.push_back(std::string(agent::kPreloadEnv) + "=1");
  common.program = program_ = DescribeProgram(options_.command[0]);
  for (const StageSource& f : staged_) common.stage.push_back(f.file);
  common.collect = options_.collect;
  common.shared_fs = options_.shared_fs;
  common.stdin_rank = options_.stdin_rank;
  ZMPI_RETURN_IF_ERROR(ChooseWireupAndNet(common.env));
  for (size_t i = 0; i < hosts_.size(); ++i) {
    ranks_.emplace_back();
    for (const agent::RankSlot& slot : plan.RanksOn(static_cast<int>(i))) {
      ranks_.back().push_back(slot.rank);
    }
    // Each host gets the program of its architecture: ./model, ./model.<arch> beside it, or
    // --program ARCH=PATH; none is one line naming the host (agent/program_arch.h).
    Host& h = hosts_[i];
    const std::string arch = agent::CanonicalArch(h.agent.arch);
    h.program = program_;
    if (program_.here && !arch.empty() && arch != "?") {
      ZMPI_ASSIGN_OR_RETURN(std::string path, agent::ProgramForArch(program_.path, arch,
                                                                    options_.programs,
                                                                    h.agent.name));
      if (path != program_.path) h.program = DescribeProgram(path);
    }
    common.program = h.program;
    ZMPI_ASSIGN_OR_RETURN(proto::Launch launch,
                          MakeLaunch(common, plan, static_cast<int>(i), hosts_[i].here));
    if (arch != "?") launch.arch = arch;
    if (choice_.has_value()) {
      launch.wireup = choice_->wireup;
      launch.net = choice_->net;
    }
    if (!hosts_[i].here && !options_.collect.empty()) {
      hosts_[i].collected = std::make_unique<CollectSink>(cwd_, hosts_[i].agent.name);
    }
    ZMPI_RETURN_IF_ERROR(hosts_[i].link->Send(launch));
  }
  return OkStatus();
}

void ClusterRun::CheckStartup(Clock::time_point now) {
  int limit = options_.startup_timeout_seconds;
  if (ending_ || limit <= 0 || !startup_since_.has_value() ||
      now < *startup_since_ + std::chrono::seconds(limit)) {
    return;
  }
  const auto& slots = fences_[kStartupFence];
  std::string late, waiting;
  for (size_t i = 0; i < hosts_.size(); ++i) {
    std::string& list = slots[i].has_value() ? waiting : late;
    list += (list.empty() ? "" : "; ") + RankList(ranks_[i]) + " on " + hosts_[i].agent.name;
  }
  Fail(1, late + " did not reach MPI start-up's exchange (MPI_Init) within " +
              std::to_string(limit) + " s while " + waiting +
              " waited there; ending the job (--startup-timeout)");
}

void ClusterRun::Fail(int code, const std::string& reason) {
  if (failed_) return;
  failed_ = true;
  exit_code_ = code;
  if (!reason.empty()) {
    std::string line = "zrun: " + reason + "\n";
    err_->Write(line.data(), line.size());
  }
  EndEverywhere();
}

void ClusterRun::EndEverywhere() {
  if (ending_) return;
  ending_ = true;
  end_deadline_ = Clock::now() + kEndGrace;
  for (Host& h : hosts_) {
    if (h.done) continue;
    proto::JobEnd end;
    end.job_id = job_id_;
    end.reason = proto::EndReason::kRankFailed;
    end.status = exit_code_;
    h.link->Send(end).IgnoreError();
  }
}

bool ClusterRun::AllDone() const {
  for (const Host& h : hosts_) {
    if (!h.done) return false;
  }
  return true;
}

void ClusterRun::ReportHeld() {
  Held held = std::move(held_.value());
  held_.reset();
  Fail(held.code, held.reason);
}

void ClusterRun::OnRankExit(int host, const proto::RankExit& exit) {
  // Failures are reported by the agents; an exit 0 matters only before MPI start-up's
  // exchange: after it (or once the host contributed to it) the rank took part.
  if (exit.how != proto::ExitHow::kExited || exit.value != 0 || startup_released_ ||
      early_exit_.has_value()) {
    return;
  }
  auto fence = fences_.find(kStartupFence);
  if (fence != fences_.end() && fence->second[host].has_value()) return;
  early_exit_ = std::make_pair(static_cast<int>(exit.rank), host);
  CheckEarlyExit();
}

void ClusterRun::CheckEarlyExit() {
  if (!early_exit_.has_value() || ending_ || !startup_since_.has_value()) return;
  Fail(1, "rank " + std::to_string(early_exit_->first) + " on " +
              hosts_[early_exit_->second].agent.name +
              " exited with code 0 before MPI_Init while other ranks wait for it in MPI "
              "start-up; ending the job");
}

void ClusterRun::OnFence(int host, proto::FenceContribution contribution) {
  auto& slots = fences_[contribution.fence_id];
  if (slots.empty()) {
    slots.resize(hosts_.size());
    if (contribution.fence_id == kStartupFence) startup_since_ = Clock::now();
  }
  slots[host] = std::move(contribution.blob);
  if (contribution.fence_id == kStartupFence) CheckEarlyExit();
  if (failed_) return;
  std::string all;
  for (const auto& blob : slots) {
    if (!blob.has_value()) return;  // still waiting for some host
    all += blob.value();
  }
  proto::FenceRelease release{job_id_, contribution.fence_id, std::move(all)};
  fences_.erase(contribution.fence_id);
  if (contribution.fence_id == kStartupFence) {
    startup_since_.reset();
    startup_released_ = true;
  }
  for (Host& h : hosts_) {
    if (!h.done) h.link->Send(release).IgnoreError();  // a lost agent shows up on its fd
  }
}

void ClusterRun::SendWanted(int host, const proto::LaunchReply& reply) {
  Host& h = hosts_[host];
  Status sent = OkStatus();
  if (reply.need_executable) {
    sent = SendProgram(h.link.get(), job_id_, h.program);
    ZMPI_LOG(kInfo, "zrun", "sent %s (%llu bytes) to %s", h.program.path.c_str(),
             static_cast<unsigned long long>(h.program.size), h.agent.name.c_str());
    if (!sent.ok()) {
      Fail(1, "cannot send the program to " + h.agent.name + ": " + sent.message());
      return;
    }
  }
  for (uint32_t i : reply.need_files) {
    if (i >= staged_.size() || h.here) {
      Fail(1, "the agent on " + h.agent.name + " asked for a file zrun did not stage");
      return;
    }
    sent = SendStagedFile(h.link.get(), job_id_, staged_[i]);
    ZMPI_LOG(kInfo, "zrun", "staged %s (%llu bytes) to %s", staged_[i].file.name.c_str(),
             static_cast<unsigned long long>(staged_[i].file.size), h.agent.name.c_str());
    if (!sent.ok()) {
      Fail(1, "cannot stage " + staged_[i].path + " to " + h.agent.name + ": " + sent.message());
      return;
    }
  }
}

bool ClusterRun::StdinReady() const {
  if (stdin_ == nullptr || ending_) return false;
  for (const Host& h : hosts_) {
    if (!h.started) return false;  // an agent still receiving files reads frames in order
  }
  return stdin_->WantRead();
}

void ClusterRun::ForwardStdin() {
  for (auto& [host, piece] : stdin_->Read()) {
    Host& h = hosts_[host];
    if (!h.done) h.link->Send(piece).IgnoreError();  // a lost agent shows up on its fd
  }
}

void ClusterRun::OnCollected(int host, const proto::FileChunk& chunk) {
  // Files come after the host's ranks ended; while they flow, the end of the job may wait.
  if (ending_) end_deadline_ = std::max(end_deadline_, Clock::now() + kEndGrace);
  std::vector<std::string> notes;
  Status s = hosts_[host].collected->Take(chunk, &notes);
  if (!s.ok()) {
    notes.push_back("zrun: " + s.message());
    if (exit_code_ == 0) collect_failed_ = true;
  }
  for (std::string& line : notes) {
    line += "\n";
    err_->Write(line.data(), line.size());
  }
}

void ClusterRun::OnFrame(int host, const proto::Frame& frame) {
  Host& h = hosts_[host];
  switch (frame.type()) {
    case proto::MessageType::kRankOutput: {
      StatusOr<proto::RankOutput> m = agent::DecodeAs<proto::RankOutput>(frame);
      if (!m.ok()) break;
      // Agents send whole lines (line_buffer.h); one without its '\n' still ends here, so
      // that it cannot be glued to another rank's output.
      std::string text = m->data;
      if (options_.tag_output) text = "[" + std::to_string(m->rank) + "] " + text;
      if (text.empty() || text.back() != '\n') text.push_back('\n');
      WriteOutput(m->stream == proto::OutputStream::kStderr, text);
      return;
    }
    case proto::MessageType::kLaunchReply: {
      StatusOr<proto::LaunchReply> m = agent::DecodeAs<proto::LaunchReply>(frame);
      if (!m.ok()) break;
      if (m->need_executable || !m->need_files.empty()) {
        SendWanted(host, m.value());
        return;
      }
      h.started = true;
      bool all = true;
      for (const Host& other : hosts_) all = all && other.started;
      if (all) {
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
        ZMPI_LOG(kInfo, "zrun", "all %d ranks on %zu hosts started %.1f ms after zrun began",
                 nranks_, hosts_.size(), ms);
      }
      return;
    }
    case proto::MessageType::kRankExit: {
      StatusOr<proto::RankExit> m = agent::DecodeAs<proto::RankExit>(frame);
      if (!m.ok()) break;
      OnRankExit(host, m.value());
      return;
    }
    case proto::MessageType::kPing:
      return;
    case proto::MessageType::kStdinData: {
      StatusOr<proto::StdinData> m = agent::DecodeAs<proto::StdinData>(frame);
      if (!m.ok() || stdin_ == nullptr) break;
      stdin_->OnAck(m.value());
      return;
    }
    case proto::MessageType::kFileChunk: {
      StatusOr<proto::FileChunk> m = agent::DecodeAs<proto::FileChunk>(frame);
      if (!m.ok() || h.collected == nullptr) break;  // only asked-for files come back
      OnCollected(host, m.value());
      return;
    }
    case proto::MessageType::kFenceContribution: {
      StatusOr<proto::FenceContribution> m = agent::DecodeAs<proto::FenceContribution>(frame);
      if (!m.ok()) break;
      OnFence(host, std::move(m.value()));
      return;
    }
    case proto::MessageType::kError: {
      StatusOr<proto::ErrorMessage> m = agent::DecodeAs<proto::ErrorMessage>(frame);
      if (!m.ok()) break;
      int code = m->code >= 1 && m->code <= 255 ? static_cast<int>(m->code) : 1;
      std::string reason =
          h.started ? m->reason : "cannot launch on " + h.agent.name + ": " + m->reason;
      if (m->reason.find(" called abort with code ") != std::string::npos &&
          contract::IsPeerFailureAbort(static_cast<int>(m->code), m->reason)) {
        // A rank saw a peer die (MPI_ERR_PROC_ABORTED): the peer's host may report the real
        // cause a moment later. Hold this one briefly (the first consequence is kept).
        if (!held_.has_value() && !failed_) held_ = Held{code, reason, Clock::now() + kHold};
        return;
      }
      Fail(code, reason);
      return;
    }
    case proto::MessageType::kJobEnd: {
      StatusOr<proto::JobEnd> m = agent::DecodeAs<proto::JobEnd>(frame);
      if (!m.ok()) break;
      h.done = true;
      h.status = m->status;
      if (m->status != 0 && held_.has_value()) {
        // That host ended because of the consequence it reported; the cause may still come
        // from another host until the hold ends (Loop reports it then).
      } else if (m->status != 0) {
        Fail(m->status & 0xff ? m->status & 0xff : 1, "the agent on " + h.agent.name +
                                                          " ended the job with status " +
                                                          std::to_string(m->status));
      }
      return;
    }
    default:
      break;
  }
  h.done = true;
  Fail(1, "the agent on " + h.agent.name + " sent a bad " + proto::TypeName(frame.header.type) +
              "; ending the job");
}

void ClusterRun::OnLinkReadable(int host) {
  Host& h = hosts_[host];
  Status pumped = h.link->Pump();
  proto::Frame frame;
  while (!h.done) {
    StatusOr<bool> got = h.link->Next(&frame);
    if (!got.ok()) {
      pumped = got.status();
      break;
    }
    if (!got.value()) break;
    OnFrame(host, frame);
  }
  if (!pumped.ok() && !h.done) {
    h.done = true;
    Fail(1, "lost the agent on " + h.agent.name + " (" + pumped.message() + "); ending the job");
  }
}

void ClusterRun::WriteOutput(bool is_stderr, const std::string& text) {
  agent::OutputWriter* w = is_stderr ? err_.get() : out_.get();
  if (w->full()) {
    dropped_ += text.size();
    return;
  }
  w->Write(text.data(), text.size());
}

void ClusterRun::DrainOutput(agent::SignalPipe* signals) {
  int max_ms = exit_code_ != 0 ? kOutputAfterFailureMs : -1;
  if (options_.timeout_seconds > 0) {
    auto limit = start_ + std::chrono::seconds(options_.timeout_seconds) +
                 std::chrono::milliseconds(kOutputAfterFailureMs);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(limit - Clock::now());
    int to_limit = static_cast<int>(std::max<int64_t>(0, left.count()));
    max_ms = max_ms < 0 ? to_limit : std::min(max_ms, to_limit);
  }
  // A signal ends the drain at once (a stalled reader could hold zrun for kOutputStallMs).
  bool interrupted = false;
  auto stop = [&] {
    for (int signo : signals->Drain()) {
      interrupted = true;
      if (exit_code_ == 0) exit_code_ = 128 + signo;
    }
    return interrupted;
  };
  out_->Drain(kOutputStallMs, max_ms, stop);
  if (dropped_ > 0 && !err_->reader_gone()) {
    std::string line = "zrun: warning: dropped " + std::to_string(dropped_) +
                       " bytes of the ranks' output: it was not read fast enough\n";
    err_->Write(line.data(), line.size());
  }
  err_->Drain(kOutputStallMs, max_ms < 0 ? kOutputAfterFailureMs : max_ms, stop);
}

int ClusterRun::Loop() {
  agent::SignalPipe signals;
  Status s = signals.Install({SIGINT, SIGTERM, SIGHUP});
  if (!s.ok()) Fail(1, s.message());
  Clock::time_point limit = start_ + std::chrono::seconds(options_.timeout_seconds);
  while (!AllDone()) {
    Clock::time_point now = Clock::now();
    if (ending_ && now >= end_deadline_) break;
    CheckStartup(now);
    if (held_.has_value() && now >= held_->until) ReportHeld();
    if (options_.timeout_seconds > 0 && now >= limit) {
      Fail(124, "the job reached its time limit of " + std::to_string(options_.timeout_seconds) +
                    " s; ending the job");
    }
    if (!ending_ && (out_->reader_gone() || err_->reader_gone())) {
      // `zrun ... | head -1`: the reader left; end the job as SIGPIPE would, quietly.
      Fail(128 + SIGPIPE, "");
    }
    // An output with nothing queued is left out (-1): a broken pipe would wake poll at once.
    std::vector<pollfd> fds{{signals.fd(), POLLIN, 0},
                            {out_->pending() ? out_->fd() : -1, POLLOUT, 0},
                            {err_->pending() ? err_->fd() : -1, POLLOUT, 0}};
    std::vector<int> owners{-1, -1, -1};
    const bool read_stdin = StdinReady();
    fds.push_back(pollfd{read_stdin ? stdin_->fd() : -1, POLLIN, 0});
    owners.push_back(-1);
    for (size_t i = 0; i < hosts_.size(); ++i) {
      if (hosts_[i].done) continue;
      fds.push_back(pollfd{hosts_[i].link->fd(), POLLIN, 0});
      owners.push_back(static_cast<int>(i));
    }
    if (poll(fds.data(), fds.size(), 200) <= 0) continue;
    if (fds[1].revents != 0) out_->Flush();
    if (fds[2].revents != 0) err_->Flush();
    if (fds[0].revents & POLLIN) {
      for (int signo : signals.Drain()) {
        if (ending_) {
          // A second signal, or one while the job already ends: stop waiting for the agents
          // now (as mpirun does). Each ends what it started when our connection closes.
          end_deadline_ = Clock::now();
          interrupted_ = true;
          continue;
        }
        Fail(128 + signo,
             "got signal " + std::to_string(signo) + " (" + strsignal(signo) + "); ending the job");
      }
    }
    if (fds[3].revents != 0) ForwardStdin();
    for (size_t i = 4; i < fds.size(); ++i) {
      if (fds[i].revents != 0) OnLinkReadable(owners[i]);
    }
  }
  if (held_.has_value()) ReportHeld();
  for (const Host& h : hosts_) {
    if (h.collected != nullptr && h.collected->files() > 0) {
      ZMPI_LOG(kInfo, "zrun", "collected %d files (%llu bytes) from %s", h.collected->files(),
               static_cast<unsigned long long>(h.collected->bytes()), h.agent.name.c_str());
    }
  }
  if (collect_failed_ && exit_code_ == 0) exit_code_ = 1;  // the job's outputs are not all here
  for (const Host& h : hosts_) {
    if (!h.done && !interrupted_) {
      std::string line =
          "zrun: the agent on " + h.agent.name + " did not confirm the end of the job\n";
      err_->Write(line.data(), line.size());
    }
  }
  DrainOutput(&signals);
  return exit_code_;
}

int ClusterRun::Run() {
  start_ = Clock::now();
  signal(SIGPIPE, SIG_IGN);
  out_ = std::make_unique<agent::OutputWriter>(1, kOutputLimit);
  err_ = std::make_unique<agent::OutputWriter>(2, kOutputLimit);
  char cwd[PATH_MAX] = {};
  cwd_ = getcwd(cwd, sizeof(cwd) - 1) != nullptr ? cwd : ".";
  StatusOr<std::vector<StageSource>> staged = ExpandStage(options_.stage);
  if (!staged.ok()) {
    fprintf(stderr, "zrun: %s\n", staged.status().message().c_str());
    return 2;
  }
  staged_ = std::move(staged.value());
  for (const std::string& pattern : options_.collect) {
    Status bad = agent::CheckRelativeName(pattern, "--collect");
    if (!bad.ok()) {
      fprintf(stderr, "zrun: %s\n", bad.message().c_str());
      return 2;
    }
  }
  Status s = LoadKey();
  if (s.ok()) s = ApplyHostfile();
  if (!s.ok()) {
    fprintf(stderr, "zrun: %s\n", s.message().c_str());
    return 1;
  }
  auto ms = [this] {
    return std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
  };
  std::vector<std::unique_ptr<agent::Link>> links;
  StatusOr<std::vector<FoundAgent>> found = FindUsable(&links);
  if (!found.ok()) {
    fprintf(stderr, "zrun: %s\n", found.status().message().c_str());
    return 1;
  }
  std::vector<FoundAgent> usable = std::move(found.value());
  ZMPI_LOG(kInfo, "zrun", "%zu agents connected and authenticated after %.1f ms", usable.size(),
           ms());
  for (FoundAgent& a : usable) {
    auto slots = slots_.find(a.name);
    if (slots != slots_.end()) a.cores = slots->second;  // the hostfile's word wins
  }
  std::vector<agent::HostShare> shares;
  int total = 0;
  s = Shares(usable, &shares, &total, &nranks_);
  if (!s.ok()) {
    fprintf(stderr, "zrun: %s\n", s.message().c_str());
    return 2;
  }
  StatusOr<agent::JobPlan> plan =
      agent::JobPlan::Make(nranks_, shares, options_.bind, options_.map);
  if (!plan.ok()) {
    fprintf(stderr, "zrun: %s\n", plan.status().message().c_str());
    return 1;
  }
  // Only hosts that got ranks take part; filling in order keeps the same map without the rest.
  // The others' links close here: their agents drop the connection, nothing started.
  std::vector<agent::HostShare> used;
  for (size_t i = 0; i < shares.size(); ++i) {
    if (plan->RanksOn(static_cast<int>(i)).empty()) continue;
    used.push_back(shares[i]);
    Host host;
    host.agent = usable[i];
    host.link = std::move(links[i]);
    host.here = agent::IsLocalAddress(host.agent.address);
    hosts_.push_back(std::move(host));
  }
  links.clear();
  plan = agent::JobPlan::Make(nranks_, used, options_.bind, options_.map);
  if (plan->oversubscribed() && !options_.oversubscribe) {
    fprintf(stderr, "zrun: warning: %d ranks on %d offered cores\n", nranks_, total);
  }
  ZMPI_CHECK(platform::FillRandom(&job_id_, sizeof(job_id_), /*block=*/true));
  char hex[17];
  snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(job_id_));
  nspace_ = std::string("zrun.") + hex;
  if (options_.stdin_rank >= nranks_) {
    fprintf(stderr, "zrun: --stdin %d: no such rank (the job has %d)\n", options_.stdin_rank,
            nranks_);
    for (Host& h : hosts_) h.link.reset();
    return 2;
  }
  if (options_.stdin_rank != Options::kStdinNone) {
    std::vector<StdinSender::Target> targets;
    for (size_t i = 0; i < hosts_.size(); ++i) {
      for (const agent::RankSlot& slot : plan->RanksOn(static_cast<int>(i))) {
        if (options_.stdin_rank == Options::kStdinAll || options_.stdin_rank == slot.rank) {
          targets.push_back(StdinSender::Target{slot.rank, static_cast<int>(i)});
        }
      }
    }
    stdin_ = std::make_unique<StdinSender>(std::move(targets), 0, job_id_);
  }
  s = LaunchAll(plan.value());
  if (!s.ok()) {
    fprintf(stderr, "zrun: %s\n", s.message().c_str());
    for (Host& h : hosts_) h.link.reset();  // agents end what they started when we go
    return 1;
  }
  return Loop();
}

}  // namespace zmpi::launcher::zrun
