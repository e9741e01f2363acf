#include "launcher/agent/job_plan.h"

#include <cstdint>

namespace zmpi::launcher::agent {

StatusOr<JobPlan> JobPlan::Make(int nranks, const std::vector<HostShare>& hosts,
                                BindPolicy bind, MapBy map) {
  if (nranks <= 0) return Error(Code::kArg, "the job needs at least one rank (got %d)", nranks);
  if (hosts.empty()) return Error(Code::kArg, "no host to run on");
  for (const HostShare& h : hosts) {
    if (h.cores <= 0) return Error(Code::kArg, "host %s offers no cores", h.name.c_str());
  }
  int64_t cores = 0;
  for (const HostShare& h : hosts) cores += h.cores;
  if (nranks > cores * kMaxRanksPerCore) {
    return Error(Code::kArg,
                 "%d ranks are more than %s can run: %lld cores offered, at most %d ranks per "
                 "core (%lld in all)",
                 nranks, hosts.size() == 1 ? "this host" : "the job's hosts",
                 static_cast<long long>(cores), kMaxRanksPerCore,
                 static_cast<long long>(cores * kMaxRanksPerCore));
  }
  JobPlan plan;
  plan.hosts_ = hosts;
  std::vector<int> placed(hosts.size(), 0);
  int rank = 0;
  if (map == MapBy::kCore) {
    for (size_t h = 0; h < hosts.size() && rank < nranks; ++h) {
      for (int c = 0; c < hosts[h].cores && rank < nranks; ++c) {
        plan.ranks_.push_back(RankSlot{rank++, static_cast<int>(h), placed[h]++, -1});
      }
    }
  } else {
    for (bool room = true; room && rank < nranks;) {
      room = false;
      for (size_t h = 0; h < hosts.size() && rank < nranks; ++h) {
        if (placed[h] >= hosts[h].cores) continue;
        plan.ranks_.push_back(RankSlot{rank++, static_cast<int>(h), placed[h]++, -1});
        room = true;
      }
    }
  }
  for (size_t h = 0; rank < nranks; h = (h + 1) % hosts.size()) {
    plan.ranks_.push_back(RankSlot{rank++, static_cast<int>(h), placed[h]++, -1});
    plan.oversubscribed_ = true;
  }
  if (bind == BindPolicy::kCore) {
    for (RankSlot& slot : plan.ranks_) slot.core = slot.local_rank % hosts[slot.host].cores;
  }
  return plan;
}

std::vector<RankSlot> JobPlan::RanksOn(int host) const {
  std::vector<RankSlot> out;
  for (const RankSlot& slot : ranks_) {
    if (slot.host == host) out.push_back(slot);
  }
  return out;
}

std::string JobPlan::LocalPeers(int host) const {
  std::string out;
  for (const RankSlot& slot : ranks_) {
    if (slot.host != host) continue;
    if (!out.empty()) out += ',';
    out += std::to_string(slot.rank);
  }
  return out;
}

}  // namespace zmpi::launcher::agent
