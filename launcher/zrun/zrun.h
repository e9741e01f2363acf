// Zrun: one job on this host through the embedded agent (launcher/agent): plan the ranks, start
// the PMIx server, spawn and bind the ranks, supervise them, clean up. The launcher's one
// global object (STYLE.md rule 11); main() only parses options and calls Run().
#ifndef ZMPI_LAUNCHER_ZRUN_ZRUN_H_
#define ZMPI_LAUNCHER_ZRUN_ZRUN_H_

#include <string>

#include "common/status.h"
#include "launcher/agent/env_block.h"
#include "launcher/agent/io_forwarder.h"
#include "launcher/agent/job_plan.h"
#include "launcher/agent/wireup_server.h"
#include "launcher/agent/supervisor.h"
#include "launcher/agent/topology.h"
#include "launcher/zrun/options.h"
#include "launcher/zrun/stdin_feeder.h"

namespace zmpi::launcher::zrun {

class Zrun {
 public:
  explicit Zrun(Options options) : options_(std::move(options)) {}
  Zrun(const Zrun&) = delete;
  Zrun& operator=(const Zrun&) = delete;

  // Runs the job; returns zrun's exit status. Every setup error prints one "zrun: " line.
  int Run();

 private:
  // Removes inherited PMIx/MPI launcher variables from this process and the ranks' base env.
  void ScrubEnvironment();
  StatusOr<agent::JobPlan> MakePlan();
  // Reads the program's ELF dependencies: refuses an MPICH binary zmpi cannot stand in for,
  // sets preload_ where LD_LIBRARY_PATH is not enough (mpich_binaries.h).
  Status PlanMpichBinary();
  // The complete environment of `rank`.
  StatusOr<agent::EnvBlock> RankEnvironment(agent::WireupServer* pmix, int rank);
  // Starts every rank; on failure ends the job through `supervisor`.
  void StartRanks(const agent::JobPlan& plan, agent::WireupServer* pmix,
                  agent::Supervisor* supervisor, agent::IoForwarder* io, StdinFeeder* input);

  Options options_;
  agent::Topology topology_;
  agent::EnvBlock base_env_;
  std::string host_;
  std::string nspace_;
  std::string shm_prefix_;
  std::string program_path_;
  std::string lib_dir_;
  std::string preload_;  // LD_PRELOAD for the ranks, "" for none
};

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_ZRUN_H_
