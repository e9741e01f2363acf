// Zrund: the agent daemon. Publishes itself over mDNS (launcher/discovery), accepts zrun
// connections that pass the cluster-key handshake (launcher/proto), and runs one job at a time
// with the agent pieces (launcher/agent) through AgentJob. Handshakes run in the event loop
// (many peers at once, each bounded), so a silent or slow peer delays nobody. Refused or broken
// peers are logged and the agent keeps serving. When libpmix stops answering (a registration
// call runs out of time, agent::PmixServer::responsive) the agent reports the job as usual, then
// cleans up and re-executes itself in place (launcher/zrund/restart.h). The process's one
// global object (STYLE.md rule 11).
#ifndef ZMPI_LAUNCHER_ZRUND_ZRUND_H_
#define ZMPI_LAUNCHER_ZRUND_ZRUND_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/platform/platform.h"
#include "common/status.h"
#include "launcher/agent/link.h"
#include "launcher/agent/wireup_server.h"
#include "launcher/agent/signal_pipe.h"
#include "launcher/agent/temp_dir.h"
#include "launcher/agent/topology.h"
#include "launcher/discovery/backend.h"
#include "launcher/proto/key_file.h"
#include "launcher/proto/messages.h"
#include "launcher/agent/job_user.h"
#include "launcher/zrund/admission.h"
#include "launcher/zrund/control.h"
#include "launcher/zrund/idle_probe.h"
#include "launcher/zrund/owner.h"

namespace zmpi::launcher::zrund {

struct ZrundOptions {
  std::string key_file;  // default proto::KeyFile::DefaultPath()
  int port = 0;          // 0 = any free port
  int cores = 0;         // cores offered; 0 = all this process may use
  std::string name;      // announced name; default the host name
  std::string iface;     // interface to publish on and for ranks' ofi; default first non-lo
  std::string cache_dir; // staged programs; default agent::ProgramCache::DefaultDir()
  std::string work_dir;  // job directories of remote jobs; default <cache dir>/../jobs
  // A multi-host job whose ranks here connected to PMIx but did not reach MPI_Init's exchange
  // this long after the first connected ends (agent::SupervisorOptions). 0 = no limit.
  int startup_timeout_seconds = 60;
  bool help = false;
  // The owner's decisions (docs/owner.md).
  std::string run_as;        // --run-as USER (as root; default zmpi or nobody)
  bool run_as_root = false;  // --run-as-root
  OwnerPolicy owner;
  std::string control;       // --control PATH (default DefaultControlPath(name))
  // A control command to send to a running agent instead of serving ("pause", "resume",
  // "status", "approve CLIENT", "deny CLIENT"); empty = serve.
  std::string command;
};

StatusOr<ZrundOptions> ParseZrundOptions(const std::vector<std::string>& args);
std::string ZrundUsage();
// The announced name (--name, else the host name, sanitized) and the control socket's path.
std::string AgentName(const ZrundOptions& options);
std::string ControlPath(const ZrundOptions& options);

// What AgentJob needs from the daemon.
struct AgentContext {
  const proto::KeyFile* key = nullptr;
  agent::Topology* topology = nullptr;
  agent::WireupServer* pmix = nullptr;
  // What this agent tells zrun it can run a job with (agent/job_offer.h); a Launch's choice
  // must be in it.
  proto::JobOffer offer;
  agent::SignalPipe* signals = nullptr;
  discovery::AgentPublisher* publisher = nullptr;
  int listen_fd = -1;
  std::string host;      // host name, for reports and PMIX_HOSTNAME checks
  std::string iface;     // ZMPI_OFI_IFACE for ranks
  std::string tmpdir;    // the PMIx server's directory
  std::string lib_dir;   // <dir of zrund>/../lib, prefixed to ranks' LD_LIBRARY_PATH
  int cores = 0;
  std::string cache_dir;  // staged programs (agent::ProgramCache)
  int startup_timeout_seconds = 60;
  // Owner control; each may be null (no confinement, no switch, no owner: in-process tests).
  const platform::CpuSet* cpus = nullptr;  // the offered CPUs every rank is confined to
  const agent::JobUser* job_user = nullptr;  // whom ranks run as
  Owner* owner = nullptr;                  // limits, pause, --when-idle
  IdleProbe* idle_probe = nullptr;         // with --when-idle
  ControlServer* control = nullptr;        // served during jobs too
  // The daemon's state for `zrund --status` while a job runs (set by AgentJob).
  std::string* job_status = nullptr;
  // Called every loop round of a job with its running ranks: the daemon's OwnerTick.
  std::function<void(const std::vector<pid_t>&)> owner_tick;
  std::function<std::string()> status_text;  // the reply to `zrund --status`
  std::string work_dir;  // where job directories are made (JobFiles)
};

// Accepts one pending connection on `listen_fd` and refuses it at once with `reason`.
void RefusePending(int listen_fd, const std::string& reason);

class Zrund {
 public:
  // `argv`: the whole command line, run again if the agent has to restart.
  Zrund(ZrundOptions options, std::vector<std::string> argv)
      : options_(std::move(options)), argv_(std::move(argv)) {}
  Zrund(const Zrund&) = delete;
  Zrund& operator=(const Zrund&) = delete;

  // Serves until SIGINT/SIGTERM/SIGHUP; returns the exit status.
  int Run();

 private:
  Status Setup();
  Status Listen();
  // A connection on its way in: handshaking, then waiting for its Launch (both bounded).
  struct Peer {
    std::unique_ptr<agent::Link> link;
    std::string source;  // the peer's address (admission.h counts per source)
    std::chrono::steady_clock::time_point since;
    std::chrono::steady_clock::time_point deadline;
    // Under --ask: the launch that waits for the owner's answer, and who asks.
    std::optional<proto::Launch> waiting;
    std::string client;
    bool asked = false;  // the question was printed
  };
  using Clock = std::chrono::steady_clock;

  // Accepts what is pending on the listening socket (a bounded number per round), admitting
  // each by admission.h's rules.
  void Accept();
  void Drop(size_t i, const std::string& source, const std::string& peer, const Status& why);
  std::optional<proto::Launch> StepPeer(size_t i, bool readable);
  // The owner's gate for a launch that arrived on peer `i`: true if it may run now; else the
  // peer was refused (and dropped) or waits for the owner's answer (--ask).
  bool Admitted(size_t i, proto::Launch* launch);
  // A peer whose launch waits for consent: its answer, a timeout, or a lost connection.
  std::optional<proto::Launch> StepWaiting(size_t i, bool readable);
  Status SetupOwner(int cores);
  // Samples --when-idle's measurements (at most once a second) and announces the offer
  // (cores, or 0 while paused or the owner is present) when it changed.
  void OwnerTick(const std::vector<pid_t>& ranks);
  std::string StatusText() const;
  // Runs one job; returns true if the agent should stop (it got SIGTERM/SIGINT/SIGHUP, or
  // could not restart). Restarts the agent if libpmix stopped answering during the job.
  bool RunJob(std::unique_ptr<agent::Link> link, proto::Launch launch);
  // Cleans up what the destructors would (they would wait for libpmix): the ranks' process
  // groups, the job's shared memory, the mDNS records, the PMIx directory; then re-executes
  // zrund. Returns only if that failed.
  Status Restart(const std::vector<pid_t>& rank_groups, const std::string& shm_prefix);

  ZrundOptions options_;
  std::vector<std::string> argv_;
  std::set<int> inherited_fds_;  // open when the process started: passed on to a restart
  int exit_status_ = 0;
  std::unique_ptr<proto::KeyFile> key_;
  agent::Topology topology_;
  agent::SignalPipe signals_;
  agent::TempDir tmpdir_;
  std::unique_ptr<agent::WireupServer> pmix_;
  std::unique_ptr<discovery::AgentPublisher> publisher_;
  AgentContext context_;
  std::vector<std::unique_ptr<Peer>> peers_;
  LogLimiter log_limiter_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::string address_;
  // Owner control (docs/owner.md).
  agent::JobUser job_user_;
  std::unique_ptr<Owner> owner_;
  std::unique_ptr<IdleProbe> idle_probe_;
  std::unique_ptr<IdleMonitor> idle_monitor_;
  ControlServer control_;
  std::string job_status_;
  Clock::time_point next_idle_sample_{};
  bool offered_ = true;
  int cores_ = 0;
};

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_LAUNCHER_ZRUND_ZRUND_H_
