// OutputWriter: the launcher's own stdout or stderr, written without ever blocking its event
// loop (with its stdout pipe full, zrun stopped enforcing --timeout and
// ignored Ctrl-C). Bytes are queued and written as the descriptor takes them; the loop polls
// events() and calls Flush() when it is writable. The owner bounds the queue through full():
// zrun stops reading ranks' pipes while it is full (the ranks then wait on their own writes,
// as they would writing to a slow terminal), or drops what does not fit when it must keep
// reading (the agents' connections), saying so.
//
// The descriptor's flags are never changed (stdout is often shared with the shell, and
// O_NONBLOCK would stay on the shared description after we exit): sockets are written with
// MSG_DONTWAIT; pipes and terminals only after poll() says they are writable, at most PIPE_BUF
// bytes at a time, which a writable pipe takes whole; regular files never wait.
//
// A reader that went away (EPIPE) marks the writer reader_gone(): the caller ends the job as
// SIGPIPE would have ended a plain program. Other write errors drop the output silently.
#ifndef ZMPI_LAUNCHER_AGENT_OUTPUT_WRITER_H_
#define ZMPI_LAUNCHER_AGENT_OUTPUT_WRITER_H_

#include <poll.h>

#include <cstddef>
#include <functional>
#include <string>

namespace zmpi::launcher::agent {

class OutputWriter {
 public:
  static constexpr size_t kDefaultLimit = 1u << 20;

  explicit OutputWriter(int fd, size_t limit = kDefaultLimit);
  OutputWriter(const OutputWriter&) = delete;
  OutputWriter& operator=(const OutputWriter&) = delete;

  // Queues `data` and writes what the descriptor takes now. Never blocks. Queues even when
  // full() (the caller decides); dropped after a write error.
  void Write(const char* data, size_t size);
  // Writes queued bytes while the descriptor takes them; returns how many it wrote.
  size_t Flush();
  // Flushes, waiting while bytes are written; gives up after `stall_ms` without progress or
  // once `max_ms` passed (-1: no limit), or as soon as `stop` (if set; asked every 50 ms)
  // says so (the launcher got a signal). True if everything was written.
  bool Drain(int stall_ms, int max_ms, const std::function<bool()>& stop = nullptr);

  int fd() const { return fd_; }
  bool pending() const { return queued() > 0; }
  size_t queued() const { return queue_.size() - head_; }
  bool full() const { return queued() >= limit_; }
  // POLLOUT while bytes wait, else 0.
  short events() const { return pending() ? POLLOUT : 0; }
  bool reader_gone() const { return reader_gone_; }

 private:
  enum class Kind { kSocket, kNonBlocking, kPollFirst, kPlain };
  // One write attempt of at most `size` bytes; >0 written, 0 would block, -1 failed.
  long WriteOnce(const char* data, size_t size);

  int fd_;
  size_t limit_;
  Kind kind_;
  std::string queue_;
  size_t head_ = 0;
  bool failed_ = false;
  bool reader_gone_ = false;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_OUTPUT_WRITER_H_
