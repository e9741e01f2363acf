// IdleProbe: the measurements behind --when-idle (docs/owner.md): how long ago the owner last
// used an input (the newest access or change time of the terminal and input-device files, as
// w(1) computes idle time), and how many cores were busy with work that is not the agent's
// jobs (the machine's busy time minus the ranks' own CPU time, platform.h; where the OS cannot
// tell, none). Owner::IdleMonitor decides.
#ifndef ZMPI_LAUNCHER_ZRUND_IDLE_PROBE_H_
#define ZMPI_LAUNCHER_ZRUND_IDLE_PROBE_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zmpi::launcher::zrund {

class IdleProbe {
 public:
  // `inputs`: files or glob patterns; empty = /dev/input/event*, /dev/tty[0-9]*, /dev/pts/[0-9]*.
  explicit IdleProbe(std::vector<std::string> inputs);
  // Seconds since the newest input (1e9 if no input file exists).
  double InputAgeSeconds() const;
  // Cores busy since the previous call with work other than the processes `ours` (the ranks).
  double OthersLoad(const std::vector<pid_t>& ours);

 private:
  std::vector<std::string> inputs_;
  uint64_t last_busy_ = 0, last_total_ = 0;
  std::map<pid_t, uint64_t> last_ours_;
  int cpus_ = 1;
};

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_LAUNCHER_ZRUND_IDLE_PROBE_H_
