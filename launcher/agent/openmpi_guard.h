// OpenMpiGuard: turns Open MPI's failure on zrun's pml guard (common/contract.h
// kOpenMpiGuardEnv) into one line of the launcher's. A rank whose program loaded Open MPI's
// library instead of zmpi's (an mpi4py built for Open MPI, a program built with mpicc.openmpi
// started by a script: zrun cannot see those before they run) fails in MPI_Init on the guard,
// and Open MPI prints some 35 lines that name the component but not the cause. The filter
// recognises the component in the rank's stderr and drops Open MPI's text; the owner
// (IoForwarder) prints OpenMpiGuardReport() once instead.
//
// Open MPI writes each help message at once as a block between lines of dashes, so the filter
// holds lines from a dash line on only until the end of the read that brought them (or the
// closing dash line); a block that did not name the guard leaves unchanged, so a zmpi rank's
// output is never held beyond one read nor changed. Once tripped, the rank's later stderr
// (Open MPI's abort banner) is dropped too. Trips only on the component name standing alone
// at the end of a line, as Open MPI prints it ("Component: <name>"), not on the variable in
// an `env` listing ("OMPI_MCA_pml=<name>").
#ifndef ZMPI_LAUNCHER_AGENT_OPENMPI_GUARD_H_
#define ZMPI_LAUNCHER_AGENT_OPENMPI_GUARD_H_

#include <cstddef>
#include <string>
#include <vector>

#include "launcher/agent/env_block.h"
#include "launcher/agent/line_buffer.h"

namespace zmpi::launcher::agent {

// Sets the guard and what makes Open MPI print its reason locally, in a rank's environment.
void SetOpenMpiGuard(EnvBlock* env);

class OpenMpiGuardFilter {
 public:
  using LineSink = LineBuffer::LineSink;

  // One whole line of the rank's stderr (ending in '\n', as LineBuffer gives them): passed
  // on to `sink`, held, or dropped.
  void Line(const char* data, size_t size, const LineSink& sink);
  // The read that brought the lines is done (or the stream ended): releases held lines.
  void EndOfRead(const LineSink& sink);
  // The rank's stderr named the guard: it loaded Open MPI's library.
  bool tripped() const { return tripped_; }

 private:
  void Release(const LineSink& sink);

  std::vector<std::string> held_;
  bool tripped_ = false;
};

// The one line (with '\n') for a rank that tripped the guard; `mpicc` is zmpi's wrapper.
std::string OpenMpiGuardReport(int rank, const std::string& host, const std::string& mpicc);

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_OPENMPI_GUARD_H_
