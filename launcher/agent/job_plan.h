// JobPlan: where each rank runs (host, core). Pure data, no OS calls, so it is unit-tested.
//
// Ranks fill hosts in the given order up to each host's core count (MapBy::kCore), or are dealt
// one per host in turn while hosts have free cores (MapBy::kNode); ranks beyond the total are
// dealt round-robin over the hosts (oversubscription). On a host, local rank i gets core
// i % cores. With BindPolicy::kNone no rank gets a core.
#ifndef ZMPI_LAUNCHER_AGENT_JOB_PLAN_H_
#define ZMPI_LAUNCHER_AGENT_JOB_PLAN_H_

#include <string>
#include <vector>

#include "common/status.h"

namespace zmpi::launcher::agent {

enum class BindPolicy { kCore, kNone };
enum class MapBy { kCore, kNode };

// The most ranks a job may place per offered core. A bound, so that a typo (-n 100000) is an
// error naming what the hosts offer instead of a launcher growing until the OOM killer; high
// enough for heavily oversubscribed tests (256 ranks on 2 cores).
inline constexpr int kMaxRanksPerCore = 128;

struct HostShare {
  std::string name;
  int cores = 0;  // cores this host offers (> 0)
};

struct RankSlot {
  int rank = 0;
  int host = 0;        // index into JobPlan::hosts()
  int local_rank = 0;  // index among the ranks of this host (also the PMIx node rank)
  int core = -1;       // logical core index on the host, -1 = not bound
};

class JobPlan {
 public:
  // kArg if `nranks` exceeds kMaxRanksPerCore times the cores all hosts offer.
  static StatusOr<JobPlan> Make(int nranks, const std::vector<HostShare>& hosts,
                                BindPolicy bind, MapBy map = MapBy::kCore);

  int size() const { return static_cast<int>(ranks_.size()); }
  const std::vector<HostShare>& hosts() const { return hosts_; }
  const RankSlot& rank(int r) const { return ranks_[r]; }
  // Ranks placed on host `host`, in rank order.
  std::vector<RankSlot> RanksOn(int host) const;
  // "0,1,2": ranks on host `host` (PMIX_LOCAL_PEERS).
  std::string LocalPeers(int host) const;
  // True if some host runs more ranks than it has cores.
  bool oversubscribed() const { return oversubscribed_; }

 private:
  std::vector<HostShare> hosts_;
  std::vector<RankSlot> ranks_;
  bool oversubscribed_ = false;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_JOB_PLAN_H_
