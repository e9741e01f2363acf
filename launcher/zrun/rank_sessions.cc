#include "launcher/zrun/rank_sessions.h"

#include "common/platform/platform.h"

namespace zmpi::launcher::zrun {

StatusOr<RankSessions> ParseRankSessions(const std::string& text) {
  if (text == "auto") return RankSessions::kAuto;
  if (text == "own") return RankSessions::kOwn;
  if (text == "shared") return RankSessions::kShared;
  return Error(Code::kArg, "--rank-sessions wants auto, own or shared, not '%s'", text.c_str());
}

bool RanksLeadOwnSessions(RankSessions mode, bool oversubscribed, double load, int cores) {
  switch (mode) {
    case RankSessions::kOwn:
      return true;
    case RankSessions::kShared:
      return false;
    case RankSessions::kAuto:
      break;
  }
  if (!oversubscribed) return true;
  return cores > 0 && load >= 2.0 * cores;
}

}  // namespace zmpi::launcher::zrun
