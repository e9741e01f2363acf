#include "launcher/agent/io_forwarder.h"

#include <errno.h>
#include <unistd.h>

#include <string>

namespace zmpi::launcher::agent {

void WriteFully(int fd, const char* data, size_t size) {
  int waits = 0;
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n > 0) {
      data += n;
      size -= static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN && waits++ < 100) {
      pollfd p{fd, POLLOUT, 0};
      poll(&p, 1, 100);
      continue;
    }
    return;  // reader gone or stuck: drop the output rather than hang the job
  }
}

void IoForwarder::Add(int fd, int rank, bool is_stderr) {
  Stream& s = streams_[fd];
  s.rank = rank;
  s.is_stderr = is_stderr;
}

void IoForwarder::AppendPollFds(std::vector<pollfd>* fds) const {
  for (const auto& [fd, stream] : streams_) fds->push_back(pollfd{fd, POLLIN, 0});
}

void IoForwarder::Emit(const Stream& stream, const char* data, size_t size) {
  if (sink_) {
    sink_(stream.rank, stream.is_stderr, data, size);
    return;
  }
  int fd = stream.is_stderr ? err_fd_ : out_fd_;
  if (!tag_) {
    WriteFully(fd, data, size);
    return;
  }
  std::string line = "[" + std::to_string(stream.rank) + "] ";
  line.append(data, size);
  if (line.back() != '\n') line.push_back('\n');
  WriteFully(fd, line.data(), line.size());
}

bool IoForwarder::Handle(int fd, short revents) {
  auto it = streams_.find(fd);
  if (it == streams_.end()) return false;
  if ((revents & (POLLIN | POLLHUP | POLLERR)) == 0) return true;
  Stream& stream = it->second;
  auto sink = [this, &stream](const char* d, size_t n) { Emit(stream, d, n); };
  char buf[16384];
  for (int i = 0; i < 4; ++i) {  // bounded, so one chatty rank cannot starve the loop
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) {
      stream.lines.Append(buf, static_cast<size_t>(n), sink);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    Close(fd);  // EOF or error
    return true;
  }
  return true;
}

void IoForwarder::Close(int fd) {
  auto it = streams_.find(fd);
  if (it == streams_.end()) return;
  Stream& stream = it->second;
  stream.lines.Flush([this, &stream](const char* d, size_t n) { Emit(stream, d, n); });
  close(fd);
  streams_.erase(it);
}

void IoForwarder::CloseAll() {
  while (!streams_.empty()) Close(streams_.begin()->first);
}

}  // namespace zmpi::launcher::agent
