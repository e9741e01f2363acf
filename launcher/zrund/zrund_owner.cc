// Zrund's owner control (docs/owner.md): the job user, the offer as the owner's state makes
// it, consent under --ask, and the control socket.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "launcher/agent/host_info.h"
#include "launcher/zrund/zrund.h"

namespace zmpi::launcher::zrund {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

std::string AgentName(const ZrundOptions& options) {
  return discovery::SanitizeName(options.name.empty() ? agent::HostName() : options.name);
}

std::string ControlPath(const ZrundOptions& options) {
  return options.control.empty() ? DefaultControlPath(AgentName(options)) : options.control;
}

Status Zrund::SetupOwner(int cores) {
  (void)cores;
  ZMPI_ASSIGN_OR_RETURN(job_user_, agent::JobUser::Resolve(options_.run_as, options_.run_as_root));
  owner_ = std::make_unique<Owner>(options_.owner);
  const OwnerPolicy& p = owner_->policy();
  if (p.when_idle) {
    idle_probe_ = std::make_unique<IdleProbe>(p.idle_inputs);
    idle_monitor_ = std::make_unique<IdleMonitor>(p.idle_after_seconds, p.idle_load);
    idle_probe_->OthersLoad({});  // the first sample only sets the baseline
    owner_->set_away(false);      // present until measured away for idle_after seconds
  }
  Status listening = control_.Listen(ControlPath(options_));
  if (!listening.ok()) {
    // Without the socket the owner could not answer --ask or resume a pause: only an agent
    // that needs neither may go on without it.
    if (p.ask || p.when_idle || !options_.control.empty()) return listening;
    fprintf(stderr, "zrund: warning: no owner control: %s\n", listening.message().c_str());
  }
  return OkStatus();
}

void Zrund::OwnerTick(const std::vector<pid_t>& ranks) {
  Clock::time_point now = Clock::now();
  if (idle_monitor_ != nullptr && now >= next_idle_sample_) {
    next_idle_sample_ = now + std::chrono::seconds(1);
    double t = std::chrono::duration<double>(now.time_since_epoch()).count();
    bool was_away = owner_->away();
    owner_->set_away(
        idle_monitor_->Update(t, idle_probe_->InputAgeSeconds(), idle_probe_->OthersLoad(ranks)));
    if (owner_->away() != was_away) {
      fprintf(stderr, "zrund: the owner is %s\n", owner_->away() ? "away" : "back");
    }
  }
  if (owner_->offering() == offered_ || publisher_ == nullptr) return;
  offered_ = owner_->offering();
  discovery::AgentInfo info = publisher_->info();
  info.cores_offered = static_cast<uint32_t>(offered_ ? owner_->OfferedSlots(cores_) : 0);
  Status s = publisher_->Update(info);
  if (!s.ok()) fprintf(stderr, "zrund: mDNS update failed: %s\n", s.message().c_str());
  if (offered_) {
    fprintf(stderr, "zrund: offering %u cores again\n", info.cores_offered);
  } else {
    fprintf(stderr, "zrund: offer withdrawn: %s\n", owner_->WhyNotOffering(info.name).c_str());
  }
}

std::string Zrund::StatusText() const {
  std::string name = publisher_ != nullptr ? publisher_->info().name : AgentName(options_);
  std::string out = "agent " + name + ": ";
  if (owner_->offering()) {
    out += "offering " + std::to_string(owner_->OfferedSlots(cores_)) + " cores (cpus " +
           topology_.offered_list() + ")\n";
  } else {
    out += "not offering: " + owner_->WhyNotOffering(name) + "\n";
  }
  out += "jobs run as " + job_user_.Describe() + "\n";
  out += job_status_.empty() ? "no job\n" : job_status_ + "\n";
  return out;
}

bool Zrund::Admitted(size_t i, proto::Launch* launch) {
  Peer& p = *peers_[i];
  const std::string name = publisher_->info().name;
  Status refused = OkStatus();
  if (!owner_->offering()) {
    refused = Error(Code::kOther, "%s", owner_->WhyNotOffering(name).c_str());
  } else {
    if (p.client.empty()) p.client = p.link->peer_name() + "@" + p.source;
    const int limit = owner_->policy().ask_timeout_seconds;
    switch (owner_->Ask(p.client, Clock::now())) {
      case Owner::Consent::kApproved:
        return true;
      case Owner::Consent::kWaiting:
        if (!p.asked) {
          p.asked = true;
          fprintf(stderr,
                  "zrund: question: may client %s run jobs here? It asks for job %llu (%zu "
                  "ranks of %s). Answer within %d s: zrund --approve %s (or --deny %s)\n",
                  p.client.c_str(), static_cast<unsigned long long>(launch->job_id),
                  launch->ranks.size(), launch->executable.c_str(), limit, p.client.c_str(),
                  p.client.c_str());
        }
        p.waiting = std::move(*launch);
        return false;
      case Owner::Consent::kDenied:
        refused = Error(Code::kOther, "the owner of %s denied client %s (zrund --ask)",
                        name.c_str(), p.client.c_str());
        break;
      case Owner::Consent::kTimedOut:
        refused = Error(Code::kOther,
                        "the owner of %s did not answer within %d s whether client %s may run "
                        "jobs there (zrund --ask); job refused",
                        name.c_str(), limit, p.client.c_str());
        break;
    }
  }
  // As a launch that cannot start (agent_job.cc): zrun exits with status 1.
  proto::ErrorMessage m = proto::ErrorMessage::From(refused);
  m.code = 1;
  p.link->Send(m).IgnoreError();
  Drop(i, p.source, p.link->peer(), refused);
  return false;
}

std::optional<proto::Launch> Zrund::StepWaiting(size_t i, bool readable) {
  Peer& p = *peers_[i];
  Status pumped = readable ? p.link->Pump() : OkStatus();
  if (!pumped.ok()) {
    owner_->Forget(p.client);
    Drop(i, p.source, p.link->peer(),
         Error(Code::kOther, "gone while its job waited for the owner's answer (%s)",
               pumped.message().c_str()));
    return std::nullopt;
  }
  std::optional<proto::Launch> launch = std::move(p.waiting);
  p.waiting.reset();
  return launch;  // Admitted() asks again: answered, timed out, or back to waiting
}

}  // namespace zmpi::launcher::zrund
