// WireupServer: how an agent (zrun's embedded one, zrund) tells its ranks who they are and
// relays their address exchange (fences) between hosts. Two back ends:
//   PmixServer (pmix_server.h)  the embedded libpmix server; ranks are PMIx clients;
//   PmiServer  (pmi_server.h)   PMI-1 over a private socket per rank (PMI_FD), for builds and
//                               hosts without PMIx (ZMPI_PORTABLE, Haiku): the rank's
//                               library uses its PMI-1 back end (mpi/bootstrap/pmi1.cc).
// Fence data are opaque blobs to everyone but the back end that made them: zrun concatenates
// every host's blob and each agent hands the whole to CompleteFence. So all agents of one
// job must run the same back end.
//
// The server decides nothing: it queues a WireupEvent for everything a rank does that matters
// (connected, finalized, aborted, entered a fence) and wakes the owner's event loop through
// event_fd(); the loop takes the events and completes them (Complete, CompleteFence), which is
// when the waiting rank is released. Not thread-safe except where a back end says so: the
// owner's loop makes every call.
#ifndef ZMPI_LAUNCHER_AGENT_WIREUP_SERVER_H_
#define ZMPI_LAUNCHER_AGENT_WIREUP_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/agent/job_plan.h"

namespace zmpi::launcher::agent {

struct WireupEvent {
  enum class Kind { kConnected, kFinalized, kAbort, kFence };
  Kind kind = Kind::kConnected;
  std::string nspace;
  int rank = -1;        // the rank concerned (for kFence: -1)
  int status = 0;       // kAbort: the status the rank passed
  std::string message;  // kAbort: the rank's message
  std::string data;     // kFence: this host's contributions, as the back end packed them
  // The back end's completion callback and its argument (type-erased to keep its headers
  // private; PmiServer leaves them null).
  void* callback = nullptr;
  void* cbdata = nullptr;
};

// What one job's namespace tells its ranks.
struct JobInfo {
  std::string nspace;
  int host = 0;  // which host of the plan this server serves
  std::string tmpdir;
  // The ranks' account (they connect with it; libpmix checks): -1 = this process's.
  long uid = -1;
  long gid = -1;
};

class WireupServer {
 public:
  virtual ~WireupServer() = default;
  WireupServer() = default;
  WireupServer(const WireupServer&) = delete;
  WireupServer& operator=(const WireupServer&) = delete;

  // "pmix" or "pmi", for logs.
  virtual const char* Name() const = 0;
  // Starts the server with its rendezvous files in `tmpdir` (private, owned by the caller).
  // `hwloc_topology` (may be null) spares libpmix its own hardware discovery.
  virtual Status Init(const std::string& tmpdir, void* hwloc_topology) = 0;
  // Registers the namespace (job-level and per-rank data of `plan`) and this host's ranks.
  virtual Status RegisterJob(const JobInfo& job, const JobPlan& plan) = 0;
  // The NAME=VALUE variables a rank needs to find this server.
  virtual StatusOr<std::vector<std::string>> ForkEnvironment(const std::string& nspace,
                                                             int rank) = 0;
  // A descriptor the rank must inherit under its own number (the spawner clears its
  // close-on-exec flag in the child), or -1. Valid after ForkEnvironment for that rank.
  virtual int RankDescriptor(const std::string& /*nspace*/, int /*rank*/) { return -1; }
  // Drops the namespace and its ranks.
  virtual void DeregisterJob(const std::string& nspace) = 0;

  // False once the server stopped answering for good (PmixServer: docs/zrund.md).
  virtual bool responsive() const { return true; }
  // Whether a rank's abort can reach the owner after the rank's exit is seen (an abort the
  // server does not answer, so the rank exits at once). PMIx_Abort waits for its answer.
  virtual bool abort_may_follow_exit() const { return false; }
  // What did not complete ("" while responsive).
  virtual const std::string& stall() const { return no_stall_; }

  // Readable when events are queued.
  virtual int event_fd() const = 0;
  virtual std::vector<WireupEvent> TakeEvents() = 0;
  // Releases the rank behind a kConnected/kFinalized/kAbort event.
  virtual void Complete(const WireupEvent& event, bool success) = 0;
  // Releases every participant of a kFence event with the job-wide `data` (all hosts' blobs).
  virtual void CompleteFence(const WireupEvent& event, std::string data) = 0;

 private:
  std::string no_stall_;
};

enum class WireupKind { kPmix, kPmi };

// Whether this build has the PMIx server (not in the portable build).
bool HavePmixServer();
// "pmix" / "pmi"; ParseWireupKind accepts those (false for anything else).
const char* WireupKindName(WireupKind kind);
bool ParseWireupKind(const std::string& text, WireupKind* kind);
// ZMPI_WIREUP: auto (pmix where this build has it, else pmi), pmix or pmi; kArg otherwise.
StatusOr<WireupKind> WireupKindFromEnvironment();
// The back end for `kind`, not yet initialized; kUnsupported for kPmix without PMIx.
StatusOr<std::unique_ptr<WireupServer>> CreateWireupServer(WireupKind kind);

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_WIREUP_SERVER_H_
