// StdinFeeder: gives zrun's standard input to the ranks that --stdin names (rank 0 by default),
// like Open MPI's and MPICH's launchers do, for a job on this machine.
//
// One reader and stdin not a terminal: that rank inherits zrun's fd 0 itself (no copying; EOF
// and seeking behave as for a plain program). Otherwise (a terminal, which a rank in its own
// process group could not read without SIGTTIN, or --stdin all) each reading rank gets a pipe,
// and a small feeder process forked from zrun, in zrun's process group, copies fd 0 into every
// pipe until EOF; a rank that exits (EPIPE) just stops getting input. Every other rank reads
// /dev/null. The feeder dies with zrun (platform::KillWhenParentDies) and is killed by Stop().
#ifndef ZMPI_LAUNCHER_ZRUN_STDIN_FEEDER_H_
#define ZMPI_LAUNCHER_ZRUN_STDIN_FEEDER_H_

#include <sys/types.h>

#include <vector>

#include "common/status.h"

namespace zmpi::launcher::zrun {

class StdinFeeder {
 public:
  StdinFeeder() = default;
  ~StdinFeeder() { Stop(); }
  StdinFeeder(const StdinFeeder&) = delete;
  StdinFeeder& operator=(const StdinFeeder&) = delete;

  // `reader` is a rank, Options::kStdinAll or Options::kStdinNone. Errors (kArg) for a rank
  // outside the job; creates the pipes if any are needed.
  Status Prepare(int reader, int nranks);
  // The fd to make `rank`'s stdin (valid until Start()), -1 for /dev/null.
  int FdFor(int rank) const;
  // After every rank is spawned: forks the feeder if pipes are used and closes zrun's own pipe
  // ends, so the ranks see EOF when the feeder ends.
  Status Start();
  // Ends the feeder (if any) and reaps it. Idempotent.
  void Stop();

 private:
  void ClosePipes();

  std::vector<int> fd_for_rank_;  // -1 = /dev/null
  std::vector<int> read_ends_;    // ours to close after spawning
  std::vector<int> write_ends_;   // the feeder's
  pid_t feeder_ = -1;
};

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_STDIN_FEEDER_H_
