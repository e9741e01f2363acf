// Re-execution of zrund in place: the way back when libpmix's thread stopped answering
// (agent::PmixServer::responsive, docs/zrund.md), which nothing short of a new process mends.
// The PID stays the same, so a service manager or a test harness keeps tracking the agent.
// Where the platform cannot name the running executable, ReExec fails and zrund exits.
#ifndef ZMPI_LAUNCHER_ZRUND_RESTART_H_
#define ZMPI_LAUNCHER_ZRUND_RESTART_H_

#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace zmpi::launcher::zrund {

// The descriptors open in this process now.
std::set<int> OpenDescriptors();
// Marks every open descriptor not in `keep` close-on-exec.
void CloseOnExecExcept(const std::set<int>& keep);
// Marks every descriptor not in `inherited` (those open when the process started, which are
// passed on again) close-on-exec, unblocks all signals, gives SIGPIPE its default action back,
// and executes this program (platform::ExecutablePath) again with `argv`. Returns only if that failed.
Status ReExec(const std::vector<std::string>& argv, const std::set<int>& inherited);

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_LAUNCHER_ZRUND_RESTART_H_
