// RankSessions: whether each rank zrun starts on its own host leads a session of its own.
//
// Linux's autogroup (sched_autogroup_enabled, Debian's default) shares the CPU between
// sessions first. A session per rank gives a job one share per rank on a machine busy with
// other work (WRF at 4 ranks on 2 busy cores: 103 s against 493 s in one session,
// docs/wrf.md). But sched_yield only picks among the caller's own session, so when ranks
// outnumber the cores a waiting rank that leads its own session cannot hand its core to the
// peer it waits for by yielding: it must sleep, and on an idle machine the wake costs tens of
// microseconds per message (docs/benchmarks.md, "Oversubscribed hosts"). So by default
// ("auto") ranks that outnumber the cores share zrun's session unless the machine is busy at
// launch (a 1-minute load average of twice the cores or more: jobs run back to back keep it
// near the core count on an otherwise idle machine, and the count of runnable tasks at one
// instant jumps by several on an idle one).
#ifndef ZMPI_LAUNCHER_ZRUN_RANK_SESSIONS_H_
#define ZMPI_LAUNCHER_ZRUN_RANK_SESSIONS_H_

#include <string>

#include "common/status.h"

namespace zmpi::launcher::zrun {

enum class RankSessions { kAuto, kOwn, kShared };

// "auto", "own" or "shared" (--rank-sessions); kArg otherwise.
StatusOr<RankSessions> ParseRankSessions(const std::string& text);

// Whether ranks lead sessions of their own under `mode`, for a job whose ranks outnumber the
// host's `cores` (`oversubscribed`) on a machine whose 1-minute load average is `load`
// (platform::LoadAverage; negative: unknown, taken as not busy).
bool RanksLeadOwnSessions(RankSessions mode, bool oversubscribed, double load, int cores);

// Ranks that outnumber the cores and lead sessions of their own cannot hand a core to a peer
// by yielding, so zrun makes them sleep when they wait (this variable = "sleep") unless the
// user set it; in zrun's session they yield, the library's default.
inline constexpr char kOversubWaitEnv[] = "ZMPI_OVERSUB_WAIT";


}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_RANK_SESSIONS_H_
