// RankSessions: whether each rank zrun starts on its own host leads a session of its own, and
// whether ranks that outnumber the cores sleep when they wait.
//
// Linux's autogroup (sched_autogroup_enabled, Debian's default) shares the CPU between
// sessions first. A session per rank gives a job one share per rank on a machine busy with
// other work (WRF at 4 ranks on 2 cores at load 36-43: 103 s against 493 s in one session,
// docs/wrf.md). But sched_yield only picks among the caller's own session, so when ranks
// outnumber the cores a waiting rank that leads its own session cannot hand its core to the
// peer it waits for: it must sleep, and a sleeping rank in a session of its own waits for the
// scheduler to place its session again after the wake, tens to hundreds of microseconds on a
// busy machine. Measured on 2 busy cores (load 9-15; docs/benchmarks.md, "Oversubscribed
// hosts"): a 4-rank MPI_Scan of 8-256 B took 30-115 us per call with a session per rank and
// 2-6 us in zrun's session (Open MPI, whose ranks share mpirun's session: 1.5-2), and 1000
// rounds of oversub_test 1.5 s against 0.36-0.42 s (yielding) and 0.09-0.14 s (sleeping).
// So by default ("auto") ranks that outnumber the cores share zrun's session, and on a busy
// machine (a 1-minute load average of twice the cores or more at launch) they yield 20 us and
// then sleep (ZMPI_OVERSUB_WAIT=sleep), so that a wait does not spend the session's one CPU
// share on yields while other sessions keep the machine busy. Ranks that each have a core
// lead sessions of their own (they poll; nothing to hand over). `--rank-sessions own` keeps
// a share per rank for compute-bound jobs on a busy machine (WRF above); its ranks sleep.
#ifndef ZMPI_LAUNCHER_ZRUN_RANK_SESSIONS_H_
#define ZMPI_LAUNCHER_ZRUN_RANK_SESSIONS_H_

#include <string>

#include "common/status.h"

namespace zmpi::launcher::zrun {

enum class RankSessions { kAuto, kOwn, kShared };

// "auto", "own" or "shared" (--rank-sessions); kArg otherwise.
StatusOr<RankSessions> ParseRankSessions(const std::string& text);

// How zrun starts the ranks of one host.
struct RankSessionPlan {
  bool own_sessions = true;         // each rank leads a session of its own
  bool sleep_when_waiting = false;  // ZMPI_OVERSUB_WAIT=sleep unless the user set it
};

// The plan under `mode` for a job whose ranks outnumber the host's `cores` (`oversubscribed`)
// on a machine whose 1-minute load average is `load` (platform::LoadAverage; negative:
// unknown, taken as not busy).
RankSessionPlan PlanRankSessions(RankSessions mode, bool oversubscribed, double load, int cores);

// Ranks that outnumber the cores and lead sessions of their own, or share zrun's on a busy
// machine, sleep when they wait: this variable = "sleep" (unless the user set it); otherwise
// they yield, the library's default.
inline constexpr char kOversubWaitEnv[] = "ZMPI_OVERSUB_WAIT";

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_RANK_SESSIONS_H_
