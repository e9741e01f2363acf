#include "launcher/zrund/idle_probe.h"

#include <glob.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "common/platform/platform.h"

namespace zmpi::launcher::zrund {

IdleProbe::IdleProbe(std::vector<std::string> inputs) : inputs_(std::move(inputs)) {
  if (inputs_.empty()) inputs_ = {"/dev/input/event*", "/dev/tty[0-9]*", "/dev/pts/[0-9]*"};
  cpus_ = std::max(1, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));
}

double IdleProbe::InputAgeSeconds() const {
  double newest = 0;
  for (const std::string& pattern : inputs_) {
    glob_t g{};
    if (glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        struct stat st;
        if (stat(g.gl_pathv[i], &st) != 0) continue;
        double a = st.st_atim.tv_sec + st.st_atim.tv_nsec * 1e-9;
        double m = st.st_mtim.tv_sec + st.st_mtim.tv_nsec * 1e-9;
        newest = std::max(newest, std::max(a, m));
      }
    }
    globfree(&g);
  }
  if (newest == 0) return 1e9;
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return std::max(0.0, now.tv_sec + now.tv_nsec * 1e-9 - newest);
}

double IdleProbe::OthersLoad(const std::vector<pid_t>& ours) {
  uint64_t busy = 0, total = 0;
  if (!platform::SystemCpuTicks(&busy, &total)) return 0;  // the OS cannot tell: not busy
  std::map<pid_t, uint64_t> now_ours;
  uint64_t ours_delta = 0;
  for (pid_t pid : ours) {
    uint64_t t = platform::ProcessCpuTicks(pid);
    now_ours[pid] = t;
    auto it = last_ours_.find(pid);
    if (it != last_ours_.end() && t >= it->second) ours_delta += t - it->second;
  }
  last_ours_ = std::move(now_ours);
  double load = 0;
  if (last_total_ != 0 && total > last_total_) {
    double busy_delta = static_cast<double>(busy - last_busy_) - static_cast<double>(ours_delta);
    load = std::max(0.0, busy_delta) / static_cast<double>(total - last_total_) * cpus_;
  }
  last_busy_ = busy;
  last_total_ = total;
  return load;
}

}  // namespace zmpi::launcher::zrund
