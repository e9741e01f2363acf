// ClusterRun's first part: which agents run the job. The cluster key, --hostfile, discovery
// (or the named --host agents), the authenticated connection to each (skipping, with one line,
// discovered agents that cannot be used; waiting for a named one that restarts), and the
// wire-up and network every host can serve (job_choice.h).
#include <stdio.h>
#include <unistd.h>

#include "common/log.h"
#include "launcher/agent/host_info.h"
#include "launcher/zrun/agent_connector.h"
#include "launcher/zrun/cluster_run.h"
#include "launcher/zrun/launch_request.h"

namespace zmpi::launcher::zrun {

using agent::HostName;

namespace {

// The longest zrun waits for a named agent that restarts (libpmix's 10 s limit, the restart).
constexpr auto kRestartWait = std::chrono::seconds(20);

}  // namespace

bool ClusterRun::Wanted(const Options& options) {
  if (!options.hosts.empty() || !options.hostfile.empty() || !options.key_file.empty() ||
      options.discover) {
    return true;
  }
  return !options.local && access(proto::KeyFile::DefaultPath().c_str(), F_OK) == 0;
}

Status ClusterRun::LoadKey() {
  std::string path = options_.key_file.empty() ? proto::KeyFile::DefaultPath() : options_.key_file;
  ZMPI_ASSIGN_OR_RETURN(key_, proto::KeyFile::Load(path));
  return OkStatus();
}

Status ClusterRun::ApplyHostfile() {
  if (options_.hostfile.empty()) return OkStatus();
  ZMPI_ASSIGN_OR_RETURN(std::vector<HostfileEntry> entries, ReadHostfile(options_.hostfile));
  if (entries.empty())
    return Error(Code::kArg, "hostfile %s names no host", options_.hostfile.c_str());
  for (const HostfileEntry& e : entries) {
    options_.hosts.push_back(e.name);
    if (e.slots > 0) slots_[e.name] = e.slots;
  }
  return OkStatus();
}

int ClusterRun::Discover() {
  Status s = LoadKey();
  if (s.ok()) s = ApplyHostfile();
  StatusOr<std::vector<FoundAgent>> agents =
      s.ok() ? FindAgents(options_.iface, key_->ClusterId(), options_.browse_ms, options_.hosts)
             : StatusOr<std::vector<FoundAgent>>(s);
  if (!agents.ok()) {
    fprintf(stderr, "zrun: %s\n", agents.status().message().c_str());
    return 1;
  }
  fputs(DescribeAgents(agents.value()).c_str(), stdout);
  if (agents->empty()) {
    fprintf(stderr, "zrun: no agents of this cluster answered within %d ms\n", options_.browse_ms);
    return 1;
  }
  return 0;
}

std::vector<FoundAgent> ClusterRun::ConnectUsable(std::vector<FoundAgent> found,
                                                  std::vector<std::unique_ptr<agent::Link>>* links,
                                                  Status* error) {
  std::vector<AgentLink> tried = ConnectAgents(found, *key_, HostName(), kConnectBudgetMs);
  const bool named = !options_.hosts.empty();
  std::vector<FoundAgent> usable;
  for (size_t i = 0; i < found.size(); ++i) {
    const FoundAgent& a = found[i];
    if (tried[i].link != nullptr) {
      usable.push_back(a);
      links->push_back(std::move(tried[i].link));
      continue;
    }
    std::string why = tried[i].status.message();
    if (named) {  // the user asked for this agent: the job cannot run as asked
      // kPending: the agent asks to try again (it restarts: zrund/deregistration.h).
      Code code = tried[i].status.code() == Code::kPending ? Code::kPending : Code::kOther;
      *error = Error(code, "cannot use the agent on %s (%s:%u): %s", a.name.c_str(),
                     a.address.c_str(), a.port, why.c_str());
      return {};
    }
    // A discovered agent that is busy, silent or fails the handshake (anyone on the LAN can
    // announce the cluster id) is not this job's problem: one line, and the others run it.
    fprintf(stderr, "zrun: warning: skipped the agent %s (%s:%u): %s\n", a.name.c_str(),
            a.address.c_str(), a.port, why.c_str());
  }
  if (usable.empty()) {
    *error =
        Error(Code::kOther, "none of the %zu agents of this cluster that answered could be used",
              found.size());
  }
  return usable;
}

StatusOr<std::vector<FoundAgent>> ClusterRun::FindUsable(
    std::vector<std::unique_ptr<agent::Link>>* links) {
  const Clock::time_point deadline = Clock::now() + kRestartWait;
  bool waiting = false;
  for (;;) {
    StatusOr<std::vector<FoundAgent>> agents =
        FindAgents(options_.iface, key_->ClusterId(), options_.browse_ms, options_.hosts);
    if (agents.ok() && agents->empty()) {
      agents = Error(Code::kOther, "no agents of this cluster answered within %d ms",
                     options_.browse_ms);
    }
    Status s = agents.status();
    if (agents.ok()) {
      ZMPI_LOG(kInfo, "zrun", "%zu agents found", agents->size());
      ZMPI_RETURN_IF_ERROR(CheckAnnouncedOffers(agents.value()));
      links->clear();
      std::vector<FoundAgent> usable = ConnectUsable(std::move(agents.value()), links, &s);
      if (s.ok()) return usable;
    }
    // A named agent that restarts (kPending) is waited for; while it does, it may not answer
    // discovery or connections at all for a moment (a new process, maybe a new port).
    if ((s.code() != Code::kPending && !waiting) || Clock::now() >= deadline) return s;
    if (!waiting) {
      fprintf(stderr, "zrun: %s; waiting for it (at most %lld s)\n", s.message().c_str(),
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::seconds>(kRestartWait).count()));
      waiting = true;
    }
    usleep(300 * 1000);
  }
}

Status ClusterRun::Shares(const std::vector<FoundAgent>& agents,
                          std::vector<agent::HostShare>* shares, int* total, int* nranks) const {
  shares->clear();
  *total = 0;
  for (const FoundAgent& a : agents) {
    int cores = a.cores;
    if (options_.ranks_per_host > 0) {  // -ppn N: N ranks on each host, filled host by host
      if (cores < options_.ranks_per_host) {
        return Error(Code::kArg, "-ppn %d: %s offers %d cores", options_.ranks_per_host,
                     a.name.c_str(), cores);
      }
      cores = options_.ranks_per_host;
    }
    shares->push_back(agent::HostShare{a.name, cores});
    *total += cores;
  }
  *nranks = options_.auto_ranks || (options_.ranks_per_host > 0 && !options_.nranks_given)
                ? *total
                : options_.nranks;
  return OkStatus();
}

Status ClusterRun::CheckAnnouncedOffers(const std::vector<FoundAgent>& found) const {
  std::vector<FoundAgent> agents = found;
  for (FoundAgent& a : agents) {
    auto slots = slots_.find(a.name);
    if (slots != slots_.end()) a.cores = slots->second;
  }
  std::vector<agent::HostShare> shares;
  int total = 0, nranks = 0;
  if (!Shares(agents, &shares, &total, &nranks).ok()) return OkStatus();  // Run() says why
  StatusOr<agent::JobPlan> plan = agent::JobPlan::Make(nranks, shares, options_.bind, options_.map);
  if (!plan.ok()) return OkStatus();
  std::vector<HostOffer> offers;
  for (size_t i = 0; i < agents.size(); ++i) {
    if (plan->RanksOn(static_cast<int>(i)).empty() || !agents[i].offer.has_value()) continue;
    offers.push_back(HostOffer{agents[i].name, *agents[i].offer});
  }
  if (offers.empty()) return OkStatus();
  std::vector<std::string> env = ForwardedEnvironment(options_.env_specs);
  StatusOr<JobChoice> choice =
      ChooseForJob(offers, EnvValue(env, "ZMPI_WIREUP"), EnvValue(env, "ZMPI_NET"));
  if (!choice.ok()) return choice.status();
  ZMPI_LOG(kDebug, "zrun", "the announced offers of %zu agents allow wire-up %s, network %s",
           offers.size(), choice->wireup.c_str(), choice->net.c_str());
  return OkStatus();
}

Status ClusterRun::ChooseWireupAndNet(const std::vector<std::string>& env) {
  std::vector<HostOffer> offers;
  for (const Host& h : hosts_) {
    if (h.link->version() < proto::kOfferVersion) {
      ZMPI_LOG(kInfo, "zrun",
               "agent %s speaks protocol %u: every agent uses its own "
               "ZMPI_WIREUP/ZMPI_NET",
               h.agent.name.c_str(), h.link->version());
      return OkStatus();
    }
    offers.push_back(HostOffer{h.agent.name, h.link->peer_offer()});
  }
  // The user's ZMPI_WIREUP / ZMPI_NET (zrun's environment or -x) also reach the ranks, and
  // there win over the Launch's: the choice must be theirs.
  ZMPI_ASSIGN_OR_RETURN(JobChoice choice, ChooseForJob(offers, EnvValue(env, "ZMPI_WIREUP"),
                                                       EnvValue(env, "ZMPI_NET")));
  ZMPI_LOG(kInfo, "zrun", "job wire-up %s, network %s (from %zu agents' offers)",
           choice.wireup.c_str(), choice.net.c_str(), offers.size());
  choice_ = choice;
  return OkStatus();
}

}  // namespace zmpi::launcher::zrun
