#include "launcher/zrun/rank_sessions.h"

#include "common/platform/platform.h"

namespace zmpi::launcher::zrun {

StatusOr<RankSessions> ParseRankSessions(const std::string& text) {
  if (text == "auto") return RankSessions::kAuto;
  if (text == "own") return RankSessions::kOwn;
  if (text == "shared") return RankSessions::kShared;
  return Error(Code::kArg, "--rank-sessions wants auto, own or shared, not '%s'", text.c_str());
}

RankSessionPlan PlanRankSessions(RankSessions mode, bool oversubscribed, double load, int cores) {
  const bool busy = cores > 0 && load >= 2.0 * cores;
  RankSessionPlan plan;
  switch (mode) {
    case RankSessions::kOwn:
      plan.own_sessions = true;
      plan.sleep_when_waiting = oversubscribed;
      break;
    case RankSessions::kShared:
      plan.own_sessions = false;
      break;
    case RankSessions::kAuto:
      plan.own_sessions = !oversubscribed;
      plan.sleep_when_waiting = oversubscribed && busy;
      break;
  }
  return plan;
}

}  // namespace zmpi::launcher::zrun
