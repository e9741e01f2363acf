// IoForwarder: copies ranks' stdout/stderr pipes to the launcher's own stdout/stderr, one whole
// line at a time (optionally prefixed with "[rank] "), so lines of different ranks never mix
// (line_buffer.h: long lines are split into lines, last fragments end with '\n').
//
// Owned by the event loop: it lists its fds for poll() and is told which became ready. It
// owns (and closes) the pipe read ends given to Add(). Writing to the launcher's stdout and
// stderr never blocks (output_writer.h): while either holds its limit, the ranks' pipes are
// not read (the ranks wait on their writes) and the loop stays free for signals and timeouts.
//
// Each rank's stderr passes an OpenMpiGuardFilter (openmpi_guard.h): a rank that loaded Open
// MPI's library shows as one report line (the first such rank; written as the launcher's own
// line, or through the sink as that rank's stderr) instead of Open MPI's help text.
#ifndef ZMPI_LAUNCHER_AGENT_IO_FORWARDER_H_
#define ZMPI_LAUNCHER_AGENT_IO_FORWARDER_H_

#include <poll.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "launcher/agent/line_buffer.h"
#include "launcher/agent/openmpi_guard.h"
#include "launcher/agent/output_writer.h"

namespace zmpi::launcher::agent {

class IoForwarder {
 public:
  // Receives each whole line (or a limit-sized piece) of a rank's output, untagged.
  using Sink = std::function<void(int rank, bool is_stderr, const char* data, size_t size)>;

  IoForwarder(int out_fd, int err_fd, bool tag);
  // Hands lines to `sink` instead of writing them to fds (zrund sends them to zrun).
  explicit IoForwarder(Sink sink) : tag_(false), sink_(std::move(sink)) {}
  ~IoForwarder() { CloseAll(); }
  IoForwarder(const IoForwarder&) = delete;
  IoForwarder& operator=(const IoForwarder&) = delete;

  void Add(int fd, int rank, bool is_stderr);
  // Appends one pollfd per open stream (POLLIN, unless the output is full) and per output
  // with bytes waiting (POLLOUT).
  void AppendPollFds(std::vector<pollfd>* fds) const;
  // Returns true if `fd` is one of ours; reads what a stream has (closing it at EOF), or
  // writes what an output takes.
  bool Handle(int fd, short revents);
  // Streams not yet at EOF.
  size_t open_streams() const { return streams_.size(); }
  // Flushes partial lines and closes every stream.
  void CloseAll();
  // The launcher's own report line (stderr), in order with the ranks' output, never blocking.
  void WriteReport(const std::string& line);
  // A reader of stdout or stderr went away (EPIPE): end the job as SIGPIPE would.
  bool reader_gone() const;
  // Output bytes still queued, and a bounded wait for them (OutputWriter::Drain).
  bool output_pending() const;
  bool DrainOutput(int stall_ms, int max_ms);
  // Bytes written to stdout/stderr by the last Handle() calls since the previous call.
  size_t TakeProgress();

 private:
  struct Stream {
    int rank = 0;
    bool is_stderr = false;
    LineBuffer lines;
    OpenMpiGuardFilter guard;  // stderr only
  };
  void Emit(const Stream& stream, const char* data, size_t size);
  // A line of `stream` from its LineBuffer: through the guard for stderr, then Emit.
  void EmitLine(Stream& stream, const char* data, size_t size);
  // After a read (or at EOF): releases what the guard held; reports a rank that tripped it.
  void EndOfRead(Stream& stream);
  void Close(int fd);
  bool output_full() const;

  std::unique_ptr<OutputWriter> out_;
  std::unique_ptr<OutputWriter> err_;
  bool tag_;
  Sink sink_;
  std::map<int, Stream> streams_;
  size_t progress_ = 0;
  bool guard_reported_ = false;  // one report line per launcher, not one per rank
};

// Writes all of `size` bytes to `fd`, waiting (bounded, ~10 s) while it is full. For the
// agent's own log only; the launcher's output goes through OutputWriter.
void WriteFully(int fd, const char* data, size_t size);

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_IO_FORWARDER_H_
