// StdinRelay: zrun's standard input for the ranks of this agent that read it (Launch.stdin_rank;
// rank 0 by default, docs/zrun.md "Standard input"). Each such rank gets a pipe as its stdin;
// StdinData pieces from zrun are queued (at most StdinData::kStdinWindow bytes, which zrun
// never exceeds) and written without blocking when the pipe takes them; each write is
// acknowledged so zrun sends more. EOF from zrun closes the pipe once drained; a rank that
// exits (EPIPE) drops what is queued and is acknowledged with eof so zrun stops sending.
#ifndef ZMPI_LAUNCHER_ZRUND_STDIN_RELAY_H_
#define ZMPI_LAUNCHER_ZRUND_STDIN_RELAY_H_

#include <poll.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "launcher/proto/messages.h"

namespace zmpi::launcher::zrund {

class StdinRelay {
 public:
  StdinRelay() = default;
  ~StdinRelay();
  StdinRelay(const StdinRelay&) = delete;
  StdinRelay& operator=(const StdinRelay&) = delete;

  // A pipe for `rank`; returns the read end for the spawner (closed by Spawned()).
  StatusOr<int> Open(int rank);
  // After `rank` was spawned (or failed to): closes the agent's copy of its read end.
  void Spawned(int rank);

  // A piece from zrun. Errors: an unknown rank, a gap, more than the window.
  Status Take(const proto::StdinData& piece);
  // Pipes with queued bytes, to poll for POLLOUT.
  void AppendPollFds(std::vector<pollfd>* fds) const;
  // Writes what `fd` takes now; returns the acknowledgements to send (none if `fd` is not ours).
  std::vector<proto::StdinData> OnWritable(int fd, uint64_t job_id);

 private:
  struct Pipe {
    int read_fd = -1;
    int write_fd = -1;
    std::string queued;
    uint64_t written = 0;   // bytes the pipe took
    uint64_t received = 0;  // bytes zrun sent
    bool eof = false;       // zrun has no more
  };
  void Close(Pipe* p);

  std::map<int, Pipe> pipes_;  // by world rank
};

}  // namespace zmpi::launcher::zrund

#endif  // ZMPI_LAUNCHER_ZRUND_STDIN_RELAY_H_
