#include "launcher/zrund/agent_job.h"

#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>

#include "common/contract.h"
#include "common/log.h"
#include "launcher/agent/job_offer.h"
#include "launcher/agent/openmpi_guard.h"
#include "launcher/agent/plan_spec.h"
#include "launcher/agent/program_arch.h"
#include "launcher/agent/program_cache.h"
#include "launcher/agent/shm_cleaner.h"
#include "launcher/agent/spawner.h"
#include "launcher/discovery/agent_info.h"
#include "launcher/zrund/deregistration.h"
#include "launcher/zrund/disk_usage.h"

namespace zmpi::launcher::zrund {

namespace {

// Variables of other launchers and of a surrounding PMIx job: a rank must see only ours.
const std::vector<std::string> kScrubbedPrefixes = {"PMIX_", "OMPI_", "PMI_", "PRTE_", "PRRTE_"};

// The answer to a launch that cannot start. An Error's code is the job's exit status for zrun:
// 1 here (docs/zrund.md), not the Status code.
proto::ErrorMessage LaunchFailure(const Status& why) {
  proto::ErrorMessage m = proto::ErrorMessage::From(why);
  m.code = 1;
  return m;
}

bool HashMatches(const std::string& path, const proto::Hash& want) {
  StatusOr<proto::Hash> hash = agent::HashFile(path);
  return hash.ok() && hash.value() == want;
}

}  // namespace

Status AgentJob::Prepare() {
  // The plan travels as a reserved Launch.env entry; everything else is for the ranks.
  std::string spec_text;
  const std::string spec_prefix = std::string(agent::kPlanSpecEnv) + "=";
  for (const std::string& e : launch_.env) {
    if (e.compare(0, spec_prefix.size(), spec_prefix) == 0) {
      spec_text = e.substr(spec_prefix.size());
    } else if (e == std::string(agent::kPreloadEnv) + "=1") {
      preload_ = true;
    } else if (e.find('=') != std::string::npos && e[0] != '=') {
      extra_env_.push_back(e);
    }
  }
  ZMPI_ASSIGN_OR_RETURN(agent::PlanSpec spec, agent::DecodePlanSpec(spec_text));
  ZMPI_ASSIGN_OR_RETURN(plan_, agent::JobPlan::Make(static_cast<int>(launch_.world_size),
                                                    spec.hosts, spec.bind, spec.map));
  std::vector<agent::RankSlot> mine = plan_.RanksOn(spec.host);
  bool same = mine.size() == launch_.ranks.size();
  for (size_t i = 0; same && i < mine.size(); ++i) {
    same = static_cast<uint32_t>(mine[i].rank) == launch_.ranks[i];
  }
  if (!same || mine.empty()) {
    return Error(Code::kArg, "the launch's ranks do not match its plan for host %d", spec.host);
  }
  const int max_ranks = context_.owner != nullptr ? context_.owner->policy().max_ranks : 0;
  if (max_ranks > 0 && launch_.ranks.size() > static_cast<size_t>(max_ranks)) {
    return Error(Code::kArg, "%s runs at most %d ranks of a job (its owner's limit, zrund "
                 "--max-ranks); this job asked for %zu", context_.host.c_str(), max_ranks,
                 launch_.ranks.size());
  }
  if (context_.owner != nullptr) {
    ZMPI_RETURN_IF_ERROR(
        CheckStaging(launch_, context_.owner->policy().max_disk, context_.host));
  }
  if (spec.hosts[spec.host].cores > context_.cores) {
    return Error(Code::kArg, "asked for %d cores, %s offers %d", spec.hosts[spec.host].cores,
                 context_.host.c_str(), context_.cores);
  }
  nspace_ = spec.nspace;
  host_index_ = spec.host;

  agent::EnvBlock env = agent::EnvBlock::FromProcess();
  env.UnsetPrefixes(kScrubbedPrefixes);
  env.Set("PMIX_MCA_gds", "hash");  // ~10x faster client init (CLUSTER-TESTS.md)
  agent::SetOpenMpiGuard(&env);
  ZMPI_RETURN_IF_ERROR(
      agent::CheckJobChoice(context_.offer, launch_.wireup, launch_.net, context_.host));
  if (!launch_.net.empty()) env.Set("ZMPI_NET", launch_.net);  // zrun's choice for every rank
  base_env_ = env;
  ZMPI_RETURN_IF_ERROR(FindProgram());
  // A program of another architecture would fail in every rank with "Exec format error":
  // refuse it here, once, naming the program and this host.
  const std::string here = discovery::LocalArch();
  if (!launch_.arch.empty() && agent::CanonicalArch(launch_.arch) != here) {
    return Error(Code::kArg, "zrun chose the program for %s, but host %s is %s",
                 launch_.arch.c_str(), context_.host.c_str(), here.c_str());
  }
  return agent::CheckProgramRunsHere(program_, here, context_.host);
}

Status AgentJob::FindProgram() {
  constexpr int kChunkTimeoutMs = 10000;
  StatusOr<std::string> local = agent::Spawner::ResolveProgram(
      launch_.executable, base_env_.Find("PATH").value_or("/usr/bin:/bin"));
  // Ranks running as another user (zrund is root) read and execute the cached programs.
  const bool for_others = context_.job_user != nullptr && context_.job_user->switch_to;
  ZMPI_ASSIGN_OR_RETURN(agent::ProgramCache cache,
                        agent::ProgramCache::Open(context_.cache_dir, for_others));
  cache_ = std::make_unique<agent::ProgramCache>(std::move(cache));
  files_ = std::make_unique<JobFiles>(cache_.get(), context_.work_dir, context_.host);
  ZMPI_ASSIGN_OR_RETURN(std::vector<uint32_t> missing, files_->Missing(launch_));
  bool need_program = false;
  if (launch_.exe_size == 0) {  // zrun offers no copy: the path must work here
    if (!local.ok()) {
      return Error(Code::kArg, "%s on %s", local.status().message().c_str(), context_.host.c_str());
    }
    program_ = local.value();
  } else if (local.ok() && HashMatches(local.value(), launch_.exe_hash)) {
    program_ = local.value();
  } else if (std::optional<std::string> cached = cache_->Find(launch_.exe_hash)) {
    fprintf(stderr, "zrund: program %s (%s) from the cache\n",
            agent::HashHex(launch_.exe_hash).substr(0, 16).c_str(), launch_.executable.c_str());
    program_ = cached.value();
  } else {
    need_program = true;
  }
  if (need_program || !missing.empty()) {
    ZMPI_RETURN_IF_ERROR(link_->Send(proto::LaunchReply{launch_.job_id, need_program, missing}));
  }
  if (need_program) {
    ZMPI_RETURN_IF_ERROR(cache_->Begin(launch_.exe_hash, launch_.exe_size));
    for (uint64_t got = 0; got < launch_.exe_size;) {
      StatusOr<proto::Frame> frame = link_->Receive(kChunkTimeoutMs);
      StatusOr<proto::ExeChunk> chunk =
          frame.ok() ? agent::DecodeAs<proto::ExeChunk>(frame.value()) : frame.status();
      Status written = chunk.ok() ? cache_->Write(chunk->offset, chunk->data) : chunk.status();
      if (!written.ok()) {
        cache_->Abandon();
        return written;
      }
      got += chunk->data.size();
    }
    ZMPI_ASSIGN_OR_RETURN(program_, cache_->Finish());
    fprintf(stderr, "zrund: program %s (%s) received, %llu bytes, kept in %s\n",
            agent::HashHex(launch_.exe_hash).substr(0, 16).c_str(), launch_.executable.c_str(),
            static_cast<unsigned long long>(launch_.exe_size), cache_->dir().c_str());
  }
  for (uint32_t i : missing) ZMPI_RETURN_IF_ERROR(files_->Receive(link_, launch_.stage[i]));
  if (!program_.empty() && program_[0] != '/') {  // the ranks may work elsewhere
    char* real = realpath(program_.c_str(), nullptr);
    if (real != nullptr) program_ = real;
    free(real);
  }
  return PrepareWorkDir();
}

namespace {

uid_t chown_uid = 0;
gid_t chown_gid = 0;
int ChownEntry(const char* path, const struct stat*, int, struct FTW*) {
  return lchown(path, chown_uid, chown_gid) == 0 ? 0 : -1;
}

}  // namespace

// The job's directory and its staged files belong to the job user (zrund is root and ranks
// run as another account): the ranks write their outputs there. Its parent stays zrund's,
// passable but not listable.
Status AgentJob::GiveToJobUser(const std::string& dir) {
  const agent::JobUser* user = context_.job_user;
  if (user == nullptr || !user->switch_to) return OkStatus();
  std::string parent = dir.substr(0, dir.find_last_of('/'));
  chown_uid = user->uid;
  chown_gid = user->gid;
  if ((!parent.empty() && chmod(parent.c_str(), 0711) != 0) ||
      nftw(dir.c_str(), ChownEntry, 16, FTW_PHYS) != 0) {
    return Error(Code::kOther, "cannot give %s to the job user %s: %s", dir.c_str(),
                 user->name.c_str(), strerror(errno));
  }
  return OkStatus();
}

Status AgentJob::PrepareWorkDir() {
  if (launch_.job_dir) {
    ZMPI_ASSIGN_OR_RETURN(cwd_, files_->Make(launch_, nspace_));
    return GiveToJobUser(cwd_);
  }
  cwd_ = launch_.cwd;
  struct stat st;
  if (!cwd_.empty() && (stat(cwd_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))) {
    return Error(Code::kArg, "the working directory %s is not on %s (zrun --shared-fs says the "
                 "hosts share it)", cwd_.c_str(), context_.host.c_str());
  }
  return OkStatus();
}

StatusOr<agent::EnvBlock> AgentJob::RankEnvironment(int rank) {
  agent::EnvBlock env = base_env_;
  ZMPI_ASSIGN_OR_RETURN(std::vector<std::string> vars, pmix_->ForkEnvironment(nspace_, rank));
  for (const std::string& kv : vars) {
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env.Set(kv.substr(0, eq), kv.substr(eq + 1));
  }
  env.Set(contract::kOfiIfaceEnv, context_.iface);
  env.Set(contract::kJobHostEnv, context_.host);
  env.Set(contract::kJobHostsEnv, std::to_string(plan_.hosts().size()));
  env.Set(contract::kJobShmPrefixEnv, shm_prefix_);
  if (context_.job_user != nullptr && context_.job_user->switch_to) {  // not root's
    env.Set("HOME", context_.job_user->home);
    env.Set("USER", context_.job_user->name);
    env.Set("LOGNAME", context_.job_user->name);
  }
  if (!context_.lib_dir.empty()) env.PrependPath("LD_LIBRARY_PATH", context_.lib_dir);
  if (preload_ && !context_.lib_dir.empty()) {  // its MPI symbols win over an RPATH's MPICH
    env.PrependPath("LD_PRELOAD", context_.lib_dir + "/libmpi.so.12");
  }
  for (const std::string& kv : extra_env_) env.SetFromSpec(kv, base_env_);
  return env;
}

void AgentJob::StartRanks(agent::Supervisor* supervisor, agent::IoForwarder* io) {
  agent::Spawner spawner(context_.topology);
  for (const agent::RankSlot& slot : plan_.RanksOn(host_index_)) {
    if (supervisor->Tick()) return;  // zrun ended the job, or a rank failed, while spawning
    std::string who = "rank " + std::to_string(slot.rank) + " on " + context_.host;
    StatusOr<agent::EnvBlock> env = RankEnvironment(slot.rank);
    if (!env.ok()) {
      supervisor->EndJob(1, "cannot prepare " + who + ": " + env.status().message());
      return;
    }
    agent::SpawnRequest request;
    request.path = program_;
    request.argv = launch_.argv;
    request.env = env->entries();
    request.core = slot.core;
    request.cpus = context_.cpus;
    request.user = context_.job_user;
    if (context_.owner != nullptr && context_.owner->policy().max_memory > 0) {
      // A backstop for a burst between two checks of CheckMemory (docs/owner.md).
      request.data_limit = 2 * context_.owner->policy().max_memory;
    }
    request.cwd = cwd_;
    request.inherit_fd = pmix_->RankDescriptor(nspace_, slot.rank);
    const bool reads_stdin = launch_.stdin_rank == proto::Launch::kStdinAll ||
                             launch_.stdin_rank == slot.rank;
    if (reads_stdin) {
      StatusOr<int> fd = stdin_.Open(slot.rank);
      if (!fd.ok()) {
        supervisor->EndJob(1, "cannot prepare " + who + ": " + fd.status().message());
        return;
      }
      request.stdin_fd = fd.value();
    }
    StatusOr<agent::SpawnedProcess> p = spawner.Spawn(request);
    if (reads_stdin) stdin_.Spawned(slot.rank);
    if (!p.ok()) {
      supervisor->EndJob(1, "cannot start " + who + ": " + p.status().message());
      return;
    }
    io->Add(p->stdout_fd, slot.rank, false);
    io->Add(p->stderr_fd, slot.rank, true);
    supervisor->AddRank(slot.rank, p->pid);
    rank_pids_.push_back(p->pid);
    ranks_.emplace_back(slot.rank, p->pid);
  }
}

void AgentJob::SendOrEnd(const Status& sent) {
  if (sent.ok() || link_lost_) return;
  link_lost_ = true;
  supervisor_->EndJob(1, "lost zrun (" + sent.message() + "); ending the job");
}

void AgentJob::SetCoresUsed(uint32_t used) {
  if (context_.publisher == nullptr) return;
  discovery::AgentInfo info = context_.publisher->info();
  info.cores_used = used;
  Status s = context_.publisher->Update(info);
  if (!s.ok()) ZMPI_LOG(kWarn, "zrund", "mDNS update failed: %s", s.message().c_str());
}

Status AgentJob::PickWireupServer() {
  pmix_ = context_.pmix;
  if (launch_.wireup.empty() || launch_.wireup == pmix_->Name()) return OkStatus();
  agent::WireupKind kind;
  // libpmix serves one server per process: only PMI-1 can be a job's own.
  if (!agent::ParseWireupKind(launch_.wireup, &kind) || kind != agent::WireupKind::kPmi) {
    return Error(Code::kArg, "zrun chose the wire-up %s, but %s serves %s", launch_.wireup.c_str(),
                 context_.host.c_str(), pmix_->Name());
  }
  ZMPI_ASSIGN_OR_RETURN(job_server_, agent::CreateWireupServer(kind));
  ZMPI_RETURN_IF_ERROR(job_server_->Init(context_.tmpdir, context_.topology->hwloc_handle()));
  pmix_ = job_server_.get();
  return OkStatus();
}

Status AgentJob::Run() {
  Status prepared = Prepare();
  if (!prepared.ok()) {
    link_->Send(LaunchFailure(prepared)).IgnoreError();
    return prepared;
  }
  Status s = PickWireupServer();
  if (!s.ok()) {
    link_->Send(LaunchFailure(s)).IgnoreError();
    return s;
  }
  agent::JobInfo info{nspace_, host_index_, context_.tmpdir};
  if (context_.job_user != nullptr) {
    info.uid = context_.job_user->uid;
    info.gid = context_.job_user->gid;
  }
  s = pmix_->RegisterJob(info, plan_);
  if (!s.ok()) {
    link_->Send(LaunchFailure(s)).IgnoreError();
    return s;
  }
  shm_prefix_ = agent::MakeJobShmPrefix();
  uint64_t job = launch_.job_id;
  agent::IoForwarder io([this, job](int rank, bool is_stderr, const char* data, size_t size) {
    proto::RankOutput out;
    out.job_id = job;
    out.rank = static_cast<uint32_t>(rank);
    out.stream = is_stderr ? proto::OutputStream::kStderr : proto::OutputStream::kStdout;
    out.data.assign(data, std::min<size_t>(size, proto::kMaxOutputData));
    SendOrEnd(link_->Send(out));
  });
  agent::SupervisorOptions options;
  options.label = "zrund";
  options.nspace = nspace_;
  options.host = context_.host;
  // On one host libpmix completes fences by itself: no upcall tells that start-up went through.
  if (plan_.hosts().size() > 1) options.startup_timeout_seconds = context_.startup_timeout_seconds;
  options.ranks_elsewhere = plan_.hosts().size() > 1;
  agent::Supervisor supervisor(options, pmix_, context_.signals, &io);
  supervisor_ = &supervisor;
  supervisor.set_hook(this);
  supervisor.set_fence_handler([this, job](const agent::WireupEvent& e) {
    uint64_t id = next_fence_++;
    if (id == 1) supervisor_->StartupDone();  // the first fence is MPI_Init's exchange
    fences_[id] = e;
    SendOrEnd(link_->Send(proto::FenceContribution{job, id, e.data}));
  });
  supervisor.set_exit_handler([this, job](int rank, int status) {
    proto::RankExit exit;
    exit.job_id = job;
    exit.rank = static_cast<uint32_t>(rank);
    exit.how = WIFSIGNALED(status) ? proto::ExitHow::kSignaled : proto::ExitHow::kExited;
    exit.value = WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status);
    if (!link_lost_) link_->Send(exit).IgnoreError();
  });
  supervisor.set_end_handler([this](int code, const std::string& reason) {
    if (reason.empty() || link_lost_) return;
    proto::ErrorMessage m;
    m.code = static_cast<uint32_t>(code);  // the job's exit status, for zrun
    // "got signal 15 ..." happened to the agent, not to zrun: say whose.
    std::string said = reason.compare(0, 10, "got signal") == 0
                           ? "the agent on " + context_.host + " " + reason
                           : reason;
    m.reason = said.substr(0, proto::kMaxReason);
    link_->Send(m).IgnoreError();
  });
  SetCoresUsed(static_cast<uint32_t>(plan_.RanksOn(host_index_).size()));
  started_ = std::chrono::steady_clock::now();
  StartRanks(&supervisor, &io);
  if (!supervisor.ending()) SendOrEnd(link_->Send(proto::LaunchReply{job, false, {}}));
  // Frames read together with the Launch or the program (a JobEnd sent while this agent was
  // slow to start) wait in the link's buffer, and poll() will never report them.
  if (!link_lost_) HandleFrames(OkStatus());
  int code = supervisor.Run();
  if (context_.job_status != nullptr) context_.job_status->clear();
  received_signal_ = supervisor.received_signal();
  supervisor_ = nullptr;
  for (auto& [id, e] : fences_) pmix_->CompleteFence(e, e.data);  // never leave libpmix waiting
  fences_.clear();
  agent::RemoveShmSegments(shm_prefix_);
  if (!link_lost_) {  // before JobEnd: zrun takes the files until then
    Status collected = files_->Collect(link_, launch_);
    if (!collected.ok()) {
      fprintf(stderr, "zrund: job %s: collecting files failed: %s\n", nspace_.c_str(),
                collected.message().c_str());
    }
  }
  files_->Remove();
  SetCoresUsed(0);
  proto::JobEnd end;
  end.job_id = job;
  end.reason = ended_by_zrun_ ? proto::EndReason::kPeerGone
               : code == 0    ? proto::EndReason::kCompleted
                              : proto::EndReason::kRankFailed;
  end.status = code;
  if (!link_lost_) link_->Send(end).IgnoreError();
  // After the JobEnd: a libpmix that stopped answering holds this up to its limit (then zrund
  // restarts), and the job's outcome does not depend on it. The agent answers meanwhile.
  DeregisterWhileServing(context_, pmix_, nspace_);
  ZMPI_LOG(kInfo, "zrund", "job %s ended with %d", nspace_.c_str(), code);
  return OkStatus();
}

void AgentJob::AppendPollFds(std::vector<pollfd>* fds) {
  if (!link_lost_) fds->push_back(pollfd{link_->fd(), POLLIN, 0});
  stdin_.AppendPollFds(fds);
  if (context_.publisher != nullptr) fds->push_back(pollfd{context_.publisher->fd(), POLLIN, 0});
  fds->push_back(pollfd{context_.listen_fd, POLLIN, 0});
  if (context_.control != nullptr) fds->push_back(pollfd{context_.control->fd(), POLLIN, 0});
}

void AgentJob::Handle(const pollfd& fd) {
  if (!link_lost_ && fd.fd == link_->fd()) {
    if (fd.revents != 0) OnLinkReadable();
  } else if (context_.publisher != nullptr && fd.fd == context_.publisher->fd()) {
    context_.publisher->Step((fd.revents & POLLIN) != 0).IgnoreError();
  } else if (fd.fd == context_.listen_fd && (fd.revents & POLLIN)) {
    RefusePending(context_.listen_fd, "agent " + context_.host + " is busy with another job");
  } else if (context_.control != nullptr && fd.fd == context_.control->fd() && fd.revents != 0) {
    if (context_.job_status != nullptr) *context_.job_status = DescribeForOwner();
    context_.control->ServeOne([this](const std::string& command) {
      return context_.owner->Command(command, context_.status_text ? context_.status_text() : "");
    });
  } else if (fd.revents != 0) {
    for (const proto::StdinData& ack : stdin_.OnWritable(fd.fd, launch_.job_id)) {
      if (!link_lost_) SendOrEnd(link_->Send(ack));
    }
  }
}

void AgentJob::OnLinkReadable() { HandleFrames(link_->Pump()); }

void AgentJob::HandleFrames(Status pumped) {
  proto::Frame frame;
  for (;;) {
    StatusOr<bool> got = link_->Next(&frame);
    if (!got.ok()) {
      pumped = got.status();
      break;
    }
    if (!got.value()) break;
    OnFrame(frame);
  }
  if (!pumped.ok() && !link_lost_) {
    link_lost_ = true;
    ended_by_zrun_ = true;
    supervisor_->EndJob(1, "lost zrun (" + pumped.message() + "); ending the job");
  }
}

void AgentJob::OnFrame(const proto::Frame& frame) {
  switch (frame.type()) {
    case proto::MessageType::kFenceRelease: {
      StatusOr<proto::FenceRelease> m = agent::DecodeAs<proto::FenceRelease>(frame);
      auto it = m.ok() ? fences_.find(m->fence_id) : fences_.end();
      if (it == fences_.end()) {
        supervisor_->EndJob(1, "zrun sent a bad fence release; ending the job");
        return;
      }
      pmix_->CompleteFence(it->second, std::move(m->blobs));
      fences_.erase(it);
      return;
    }
    case proto::MessageType::kJobEnd:
      ended_by_zrun_ = true;
      supervisor_->EndJob(1, "");  // zrun reports why; ranks ending now are not news
      return;
    case proto::MessageType::kPing:
      return;
    case proto::MessageType::kStdinData: {
      StatusOr<proto::StdinData> m = agent::DecodeAs<proto::StdinData>(frame);
      Status taken = m.ok() ? stdin_.Take(m.value()) : m.status();
      if (!taken.ok()) supervisor_->EndJob(1, taken.message() + "; ending the job");
      return;
    }
    default:
      supervisor_->EndJob(1, "zrun sent an unexpected " +
                                 proto::TypeName(frame.header.type) + "; ending the job");
  }
}

}  // namespace zmpi::launcher::zrund
