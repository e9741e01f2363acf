// PlanSpec: what an agent must know about a multi-host job beyond its own ranks, so that it
// registers the same PMIx namespace as every other agent: the job's hosts in order with their
// core counts (from which JobPlan::Make derives the same rank map everywhere), which host it
// is, the binding policy and the namespace name.
//
// zrun sends it inside Launch.env as the reserved entry kPlanSpecEnv=<EncodePlanSpec()>; the
// agent removes that entry before ranks see the environment.
// Text form: "1;<host index>;<c|n>;<nspace>;<name>:<cores>,<name>:<cores>,...[;node]"
// (";node": ranks dealt one per host in turn, MapBy::kNode; absent: filled host by host).
#ifndef ZMPI_LAUNCHER_AGENT_PLAN_SPEC_H_
#define ZMPI_LAUNCHER_AGENT_PLAN_SPEC_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/agent/job_plan.h"

namespace zmpi::launcher::agent {

inline constexpr char kPlanSpecEnv[] = "ZMPI_ZRUND_PLAN";
// Also reserved: "ZMPI_ZRUND_PRELOAD=1" asks the agent to LD_PRELOAD its own libmpi.so.12 for
// the ranks (an MPICH-built program with a DT_RPATH, or zrun --mpich-binaries).
inline constexpr char kPreloadEnv[] = "ZMPI_ZRUND_PRELOAD";

struct PlanSpec {
  std::vector<HostShare> hosts;  // in rank-fill order
  int host = 0;                  // the receiving agent's index in `hosts`
  BindPolicy bind = BindPolicy::kCore;
  MapBy map = MapBy::kCore;
  std::string nspace;
};

// kArg if a name or the namespace holds characters outside [A-Za-z0-9._-] or is empty.
StatusOr<std::string> EncodePlanSpec(const PlanSpec& spec);
// Parses untrusted text (bounded: at most 4096 hosts, names of at most 255 characters).
StatusOr<PlanSpec> DecodePlanSpec(const std::string& text);

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_PLAN_SPEC_H_
