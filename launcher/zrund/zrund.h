// Zrund: the agent daemon. Publishes itself over mDNS (launcher/discovery), accepts zrun
// connections that pass the cluster-key handshake (launcher/proto), and runs one job at a time
// with the agent pieces (launcher/agent) through AgentJob. Handshakes run in the event loop
// (many peers at once, each bounded), so a silent or slow peer delays nobody. Refused or broken
// peers are logged and the agent keeps serving. The process's one global object (STYLE.md rule 11).
#ifndef ZMPI_LAUNCHER_ZRUND_ZRUND_H_
#define ZMPI_LAUNCHER_ZRUND_ZRUND_H_

#include <chrono>
#include <memory>
#include <optional>
#include <vector>
#include <string>

#include "common/status.h"
#include "launcher/agent/link.h"
#include "launcher/agent/pmix_server.h"
#include "launcher/agent/signal_pipe.h"
#include "launcher/agent/temp_dir.h"
#include "launcher/agent/topology.h"
#include "launcher/discovery/publisher.h"
#include "launcher/proto/key_file.h"
#include "launcher/proto/messages.h"

namespace zmpi::launcher::zrund {

struct ZrundOptions {
  std::string key_file;  // default proto::KeyFile::DefaultPath()
  int port = 0;          // 0 = any free port
  int cores = 0;         // cores offered; 0 = all this process may use
  std::string name;      // announced name; default the host name
  std::string iface;     // interface to publish on and for ranks' ofi; default first non-lo
  std::string cache_dir; // staged programs; default agent::ProgramCache::DefaultDir()
  // A multi-host job whose ranks here connected to PMIx but did not reach MPI_Init's exchange
  // this long after the first connected ends (agent::SupervisorOptions). 0 = no limit.
  int startup_timeout_seconds = 60;
  bool help = false;
};

StatusOr<ZrundOptions> ParseZrundOptions(const std::vector<std::string>& args);
std::string ZrundUsage();

// What AgentJob needs from the daemon.
struct AgentContext {
  const proto::KeyFile* key = nullptr;
  agent::Topology* topology = nullptr;
  agent::PmixServer* pmix = nullptr;
  agent::SignalPipe* signals = nullptr;
  discovery::Publisher* publisher = nullptr;
  int listen_fd = -1;
  std::string host;      // host name, for reports and PMIX_HOSTNAME checks
  std::string iface;     // ZMPI_OFI_IFACE for ranks
  std::string tmpdir;    // the PMIx server's directory
  std::string lib_dir;   // <dir of zrund>/../lib, prefixed to ranks' LD_LIBRARY_PATH
  int cores = 0;
  std::string cache_dir;  // staged programs (agent::ProgramCache)
  int startup_timeout_seconds = 60;
};

// Accepts one pending connection on `listen_fd` and refuses it at once with `reason`.
void RefusePending(int listen_fd, const std::string& reason);

class Zrund {
 public:
  explicit Zrund(ZrundOptions options) : options_(std::move(options)) {}
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
    std::chrono::steady_clock::time_point deadline;
  };
  using Clock = std::chrono::steady_clock;

  void Accept();
  std::optional<proto::Launch> StepPeer(size_t i, bool readable);
  // Runs one job; returns true if the agent should stop (it got SIGTERM/SIGINT/SIGHUP).
  bool RunJob(std::unique_ptr<agent::Link> link, proto::Launch launch);

  ZrundOptions options_;
  std::unique_ptr<proto::KeyFile> key_;
  agent::Topology topology_;
  agent::SignalPipe signals_;
  agent::TempDir tmpdir_;
  std::unique_ptr<agent::PmixServer> pmix_;
  std::unique_ptr<discovery::Publisher> publisher_;
  AgentContext context_;
  std::vector<std::unique_ptr<Peer>> peers_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::string address_;
};

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_LAUNCHER_ZRUND_ZRUND_H_
