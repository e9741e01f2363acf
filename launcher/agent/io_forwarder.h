// IoForwarder: copies ranks' stdout/stderr pipes to the launcher's own stdout/stderr, one whole
// line at a time (optionally prefixed with "[rank] "), so lines of different ranks never mix.
//
// Owned by the event loop: it lists its fds for poll() and is told which became readable.
// It owns (and closes) the pipe read ends given to Add().
#ifndef ZMPI_LAUNCHER_AGENT_IO_FORWARDER_H_
#define ZMPI_LAUNCHER_AGENT_IO_FORWARDER_H_

#include <poll.h>

#include <functional>
#include <map>
#include <vector>

#include "launcher/agent/line_buffer.h"

namespace zmpi::launcher::agent {

class IoForwarder {
 public:
  // Receives each whole line (or a limit-sized piece) of a rank's output, untagged.
  using Sink = std::function<void(int rank, bool is_stderr, const char* data, size_t size)>;

  IoForwarder(int out_fd, int err_fd, bool tag) : out_fd_(out_fd), err_fd_(err_fd), tag_(tag) {}
  // Hands lines to `sink` instead of writing them to fds (zrund sends them to zrun).
  explicit IoForwarder(Sink sink) : out_fd_(-1), err_fd_(-1), tag_(false), sink_(std::move(sink)) {}
  ~IoForwarder() { CloseAll(); }
  IoForwarder(const IoForwarder&) = delete;
  IoForwarder& operator=(const IoForwarder&) = delete;

  void Add(int fd, int rank, bool is_stderr);
  // Appends one pollfd (POLLIN) per open stream.
  void AppendPollFds(std::vector<pollfd>* fds) const;
  // Returns true if `fd` is one of ours; reads what it has, closing it at EOF.
  bool Handle(int fd, short revents);
  // Streams not yet at EOF.
  size_t open_streams() const { return streams_.size(); }
  // Flushes partial lines and closes every stream.
  void CloseAll();

 private:
  struct Stream {
    int rank = 0;
    bool is_stderr = false;
    LineBuffer lines;
  };
  void Emit(const Stream& stream, const char* data, size_t size);
  void Close(int fd);

  int out_fd_;
  int err_fd_;
  bool tag_;
  Sink sink_;
  std::map<int, Stream> streams_;
};

// Writes all of `size` bytes to `fd`, waiting (bounded, ~10 s) while it is full.
void WriteFully(int fd, const char* data, size_t size);

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_IO_FORWARDER_H_
