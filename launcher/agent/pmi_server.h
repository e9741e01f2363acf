// PmiServer: the WireupServer that speaks PMI-1 (the simple line protocol of MPICH's PMI, as
// Flux RFC 13 describes it) to each rank over a private socket pair: the rank inherits its
// end as PMI_FD (with PMI_RANK and PMI_SIZE), so only that rank can speak for its rank number.
// For hosts and builds without PMIx (ZMPI_PORTABLE, Haiku); the rank's library answers with
// its PMI-1 back end (mpi/bootstrap/pmi1.cc).
//
// The key-value space is per job. Puts wait on this host until every local rank has entered
// the fence (barrier_in); the host's puts then leave as one kFence event whose data the owner
// relays (zrun concatenates every host's, pmi_blob.h), and CompleteFence stores all of them
// and releases the local ranks (barrier_out). PMI_process_mapping comes from the plan, so a
// rank finds its host's peers without a fence.
//
// A thread of the server reads the ranks' sockets and answers them; everything the owner must
// decide is queued as events as wireup_server.h describes. Public calls are made from the
// owner's loop (a mutex guards what both threads touch).
#ifndef ZMPI_LAUNCHER_AGENT_PMI_SERVER_H_
#define ZMPI_LAUNCHER_AGENT_PMI_SERVER_H_

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "launcher/agent/job_plan.h"
#include "launcher/agent/wireup_server.h"

namespace zmpi::launcher::agent {

class PmiServer final : public WireupServer {
 public:
  PmiServer() = default;
  ~PmiServer() override;

  const char* Name() const override { return "pmi"; }
  // `tmpdir` and `hwloc_topology` are not needed: the sockets are anonymous pairs.
  Status Init(const std::string& tmpdir, void* hwloc_topology) override;
  Status RegisterJob(const JobInfo& job, const JobPlan& plan) override;
  StatusOr<std::vector<std::string>> ForkEnvironment(const std::string& nspace, int rank) override;
  int RankDescriptor(const std::string& nspace, int rank) override;
  void DeregisterJob(const std::string& nspace) override;

  // PMI-1's abort is not answered: the rank exits right after writing it.
  bool abort_may_follow_exit() const override { return true; }

  int event_fd() const override { return wake_read_fd_; }
  std::vector<WireupEvent> TakeEvents() override;
  void Complete(const WireupEvent&, bool) override {}  // the reply went out already
  void CompleteFence(const WireupEvent& event, std::string data) override;

 private:
  struct Job {
    int size = 0;
    int local_ranks = 0;
    std::string mapping;                      // PMI_process_mapping
    std::map<std::string, std::string> kvs;   // after the fences so far
    std::map<std::string, std::string> puts;  // this host's, since the last fence
    std::set<int> in_fence;                   // server ends of ranks in barrier_in
    std::map<int, int> child_fds;             // rank -> the rank's end until it speaks
  };
  struct Client {
    std::string nspace;
    int rank = -1;
    bool spoke = false;
    std::string input;  // an incomplete line
  };

  void Loop();
  void ReadClient(int fd);
  void Handle(int fd, Client& client, const std::string& line);
  void Post(WireupEvent event);
  void CloseClient(int fd);
  void Poke();

  std::mutex mutex_;  // guards jobs_, clients_, stop_
  std::map<std::string, Job> jobs_;
  std::map<int, Client> clients_;  // by the server's end
  bool stop_ = false;
  std::thread thread_;
  int poke_read_fd_ = -1;  // wakes the thread when clients_ changed
  int poke_write_fd_ = -1;

  std::mutex events_mutex_;
  std::deque<WireupEvent> events_;
  int wake_read_fd_ = -1;
  int wake_write_fd_ = -1;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_PMI_SERVER_H_
