// PmixServer: the embedded PMIx server (libpmix) that ranks connect to as PMIx clients, the
// WireupServer of builds with PMIx (wireup_server.h).
//
// One per process (libpmix's server is a process singleton). PMIx calls the module callbacks on
// its own progress thread; they never block: each one queues a PmixEvent and wakes the owner's
// event loop through event_fd(). The loop takes the events and completes them with Complete() or
// CompleteFence(), which is when the waiting client is released; Post is the one call made from
// libpmix's thread. This keeps every decision
// (abort policy, fence relaying between hosts for zrund) on the loop's thread.
//
// Registration calls (RegisterJob, DeregisterJob) block the caller for at most `op_limit`
// (10 s) per libpmix operation while libpmix finishes them (agent/op_waiter.h: a callback that
// comes later is harmless). An operation that runs out of time means libpmix's thread no longer
// answers (libpmix 4.2.2 can block it for good: docs/zrund.md): responsive() turns false, later
// registration calls fail at once without calling into libpmix, and the destructor leaves
// libpmix alone (PMIx_server_finalize would wait for that thread forever). Only a new process
// brings libpmix back; zrund re-executes itself.
#ifndef ZMPI_LAUNCHER_AGENT_PMIX_SERVER_H_
#define ZMPI_LAUNCHER_AGENT_PMIX_SERVER_H_

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/agent/job_plan.h"
#include "launcher/agent/wireup_server.h"

namespace zmpi::launcher::agent {

class PmixServer final : public WireupServer {
 public:
  static constexpr std::chrono::milliseconds kDefaultOpLimit{10000};

  explicit PmixServer(std::chrono::milliseconds op_limit = kDefaultOpLimit) : op_limit_(op_limit) {}
  ~PmixServer() override;

  // Starts libpmix's server with its rendezvous files in `tmpdir` (private, owned by the caller).
  // `hwloc_topology` (may be null) spares libpmix its own ~50 ms hardware discovery.
  const char* Name() const override { return "pmix"; }
  Status Init(const std::string& tmpdir, void* hwloc_topology) override;
  // Registers the namespace (job-level and per-rank data of `plan`) and this host's clients.
  Status RegisterJob(const JobInfo& job, const JobPlan& plan) override;
  // The NAME=VALUE variables a rank needs to find this server (PMIx_server_setup_fork).
  StatusOr<std::vector<std::string>> ForkEnvironment(const std::string& nspace,
                                                      int rank) override;
  // Drops the namespace and its clients; clients still connected keep working until they go.
  void DeregisterJob(const std::string& nspace) override;

  // False once a libpmix operation did not complete within the limit (see above).
  bool responsive() const override { return responsive_; }
  // What did not complete, e.g. "PMIx_server_register_nspace took over 10000 ms" ("" while
  // responsive).
  const std::string& stall() const override { return stall_; }

  // Readable when events are queued.
  int event_fd() const override { return wake_read_fd_; }
  std::vector<WireupEvent> TakeEvents() override;
  // Releases the client behind a kConnected/kFinalized/kAbort event.
  void Complete(const WireupEvent& event, bool success) override;
  // Releases every participant of a kFence event with the job-wide `data` (all hosts' blobs).
  void CompleteFence(const WireupEvent& event, std::string data) override;

  // Called from libpmix's thread by the module callbacks only.
  void Post(WireupEvent event);

 private:
  void DeregisterNamespace(const std::string& nspace);
  // Runs one libpmix call that completes through a pmix_op_cbfunc_t, bounded by op_limit_:
  // `call` gets the callback and its cbdata and returns the call's status.
  template <typename Call>
  int RunOp(const char* what, Call call);

  std::chrono::milliseconds op_limit_;
  bool responsive_ = true;
  std::string stall_;
  bool initialized_ = false;
  int wake_read_fd_ = -1;
  int wake_write_fd_ = -1;
  std::mutex mutex_;
  std::deque<WireupEvent> events_;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_PMIX_SERVER_H_
