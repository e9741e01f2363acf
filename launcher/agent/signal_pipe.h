// SignalPipe: turns asynchronous signals into bytes on a pipe the event loop polls.
//
// The handler only writes the signal number (one byte) to a non-blocking pipe; everything else
// happens in the loop. One SignalPipe may exist per process (the handler needs the write end in a
// write-once global). The destructor restores the previous dispositions.
#ifndef ZMPI_LAUNCHER_AGENT_SIGNAL_PIPE_H_
#define ZMPI_LAUNCHER_AGENT_SIGNAL_PIPE_H_

#include <signal.h>

#include <vector>

#include "common/status.h"

namespace zmpi::launcher::agent {

class SignalPipe {
 public:
  SignalPipe() = default;
  ~SignalPipe();
  SignalPipe(const SignalPipe&) = delete;
  SignalPipe& operator=(const SignalPipe&) = delete;

  // Installs handlers for `signals` (e.g. SIGINT, SIGTERM, SIGCHLD).
  Status Install(const std::vector<int>& signals);
  // File descriptor that becomes readable when a signal arrived.
  int fd() const { return read_fd_; }
  // Reads every pending signal number (never blocks).
  std::vector<int> Drain();

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
  std::vector<std::pair<int, struct sigaction>> previous_;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_SIGNAL_PIPE_H_
