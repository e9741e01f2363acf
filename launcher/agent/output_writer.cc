#include "launcher/agent/output_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

namespace zmpi::launcher::agent {

OutputWriter::OutputWriter(int fd, size_t limit) : fd_(fd), limit_(limit), kind_(Kind::kPlain) {
  struct stat st {};
  int flags = fcntl(fd, F_GETFL);
  if (fstat(fd, &st) != 0 || flags < 0) {
    kind_ = Kind::kPlain;  // a closed descriptor: writes fail and are dropped
  } else if (S_ISSOCK(st.st_mode)) {
    kind_ = Kind::kSocket;
  } else if (flags & O_NONBLOCK) {
    kind_ = Kind::kNonBlocking;
  } else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
    kind_ = Kind::kPollFirst;
  }
}

long OutputWriter::WriteOnce(const char* data, size_t size) {
  ssize_t n;
  switch (kind_) {
    case Kind::kSocket:
      n = send(fd_, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
      break;
    case Kind::kPollFirst: {
      // Writable (or broken: then write() says why). A writable pipe has room for PIPE_BUF
      // bytes and takes a write of that size whole, so this write cannot wait.
      pollfd p{fd_, POLLOUT, 0};
      if (poll(&p, 1, 0) != 1) return 0;
      n = write(fd_, data, std::min<size_t>(size, PIPE_BUF));
      break;
    }
    default:
      n = write(fd_, data, size);
      break;
  }
  if (n > 0) return n;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
  reader_gone_ = reader_gone_ || (n < 0 && errno == EPIPE);
  return -1;
}

void OutputWriter::Write(const char* data, size_t size) {
  if (failed_ || size == 0) return;
  queue_.append(data, size);
  Flush();
}

size_t OutputWriter::Flush() {
  size_t total = 0;
  while (!failed_ && queued() > 0) {
    long n = WriteOnce(queue_.data() + head_, queued());
    if (n < 0) {
      failed_ = true;
      queue_.clear();
      head_ = 0;
      break;
    }
    if (n == 0) break;
    head_ += static_cast<size_t>(n);
    total += static_cast<size_t>(n);
  }
  if (head_ == queue_.size()) {
    queue_.clear();
    head_ = 0;
  } else if (head_ > (64u << 10) && head_ * 2 > queue_.size()) {
    queue_.erase(0, head_);
    head_ = 0;
  }
  return total;
}

bool OutputWriter::Drain(int stall_ms, int max_ms, const std::function<bool()>& stop) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  Clock::time_point last_progress = start;
  while (pending() && !failed_) {
    Clock::time_point now = Clock::now();
    if (now - last_progress >= std::chrono::milliseconds(stall_ms)) return false;
    if (max_ms >= 0 && now - start >= std::chrono::milliseconds(max_ms)) return false;
    if (stop && stop()) return false;
    pollfd p{fd_, POLLOUT, 0};
    poll(&p, 1, 50);
    if (Flush() > 0) last_progress = Clock::now();
  }
  return !pending();
}

}  // namespace zmpi::launcher::agent
