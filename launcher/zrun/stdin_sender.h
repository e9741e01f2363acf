// StdinSender: zrun's standard input for ranks started by agents (a multi-host job), the
// counterpart of zrund's StdinRelay: reads fd 0 and sends StdinData pieces to the agent of
// each reading rank (--stdin RANK, rank 0 by default, or all), at most
// StdinData::kStdinWindow bytes unacknowledged per rank; the slowest live reader paces
// reading. EOF (or a read error) is sent as an eof piece. A rank whose pipe closed (acked
// with eof) gets nothing more. A terminal is read only while zrun is in its foreground
// process group (else reading would stop zrun with SIGTTIN).
#ifndef ZMPI_LAUNCHER_ZRUN_STDIN_SENDER_H_
#define ZMPI_LAUNCHER_ZRUN_STDIN_SENDER_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "launcher/proto/messages.h"

namespace zmpi::launcher::zrun {

class StdinSender {
 public:
  struct Target {
    int rank = 0;
    int host = 0;  // index of the agent that runs it
    uint64_t sent = 0;
    uint64_t acked = 0;
    bool gone = false;  // its pipe closed: send nothing more
  };
  // The pieces to send, with the host index each goes to.
  using Pieces = std::vector<std::pair<int, proto::StdinData>>;

  StdinSender(std::vector<Target> targets, int fd, uint64_t job_id)
      : targets_(std::move(targets)), fd_(fd), job_id_(job_id) {}

  // True while fd should be polled for reading: input not at its end, some reader alive, and
  // every live reader with room in its window.
  bool WantRead() const;
  int fd() const { return fd_; }
  // Reads once (after poll said readable) and returns the pieces for every live reader.
  Pieces Read();
  void OnAck(const proto::StdinData& ack);

 private:
  std::vector<Target> targets_;
  int fd_;
  uint64_t job_id_;
  bool eof_ = false;
};

}  // namespace zmpi::launcher::zrun

#endif  // ZMPI_LAUNCHER_ZRUN_STDIN_SENDER_H_
