#include "launcher/agent/io_forwarder.h"

#include <errno.h>
#include <unistd.h>

#include <string>

#include "common/platform/platform.h"
#include "launcher/agent/host_info.h"

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

IoForwarder::IoForwarder(int out_fd, int err_fd, bool tag)
    : out_(std::make_unique<OutputWriter>(out_fd)),
      err_(std::make_unique<OutputWriter>(err_fd)),
      tag_(tag) {}

void IoForwarder::Add(int fd, int rank, bool is_stderr) {
  Stream& s = streams_[fd];
  s.rank = rank;
  s.is_stderr = is_stderr;
}

bool IoForwarder::output_full() const { return out_ != nullptr && (out_->full() || err_->full()); }

void IoForwarder::AppendPollFds(std::vector<pollfd>* fds) const {
  if (!output_full()) {
    for (const auto& [fd, stream] : streams_) fds->push_back(pollfd{fd, POLLIN, 0});
  }
  if (out_ != nullptr) {
    if (out_->pending()) fds->push_back(pollfd{out_->fd(), POLLOUT, 0});
    if (err_->pending()) fds->push_back(pollfd{err_->fd(), POLLOUT, 0});
  }
}

void IoForwarder::Emit(const Stream& stream, const char* data, size_t size) {
  if (sink_) {
    sink_(stream.rank, stream.is_stderr, data, size);
    return;
  }
  OutputWriter* w = stream.is_stderr ? err_.get() : out_.get();
  if (!tag_) {
    w->Write(data, size);
    return;
  }
  std::string line = "[" + std::to_string(stream.rank) + "] ";
  line.append(data, size);
  w->Write(line.data(), line.size());
}

void IoForwarder::EmitLine(Stream& stream, const char* data, size_t size) {
  if (!stream.is_stderr) {
    Emit(stream, data, size);
    return;
  }
  stream.guard.Line(data, size, [this, &stream](const char* d, size_t n) { Emit(stream, d, n); });
}

void IoForwarder::EndOfRead(Stream& stream) {
  if (!stream.is_stderr) return;
  stream.guard.EndOfRead([this, &stream](const char* d, size_t n) { Emit(stream, d, n); });
  if (!stream.guard.tripped() || guard_reported_) return;
  guard_reported_ = true;
  // zmpi's mpicc sits beside zrun and zrund (build and install trees alike).
  StatusOr<std::string> exe = platform::ExecutablePath();
  const std::string mpicc =
      exe.ok() ? exe->substr(0, exe->rfind('/') + 1) + "mpicc" : std::string("zmpi's mpicc");
  const std::string line = OpenMpiGuardReport(stream.rank, HostName(), mpicc);
  if (sink_) {
    sink_(stream.rank, true, line.data(), line.size());
  } else {
    WriteReport(line);
  }
}

bool IoForwarder::Handle(int fd, short revents) {
  if (out_ != nullptr && (fd == out_->fd() || fd == err_->fd())) {
    // Both may be one descriptor number only if stdout and stderr are the same fd number,
    // which they are not; either can be ready.
    if (revents != 0) {
      progress_ += fd == out_->fd() ? out_->Flush() : err_->Flush();
    }
    return true;
  }
  auto it = streams_.find(fd);
  if (it == streams_.end()) return false;
  if ((revents & (POLLIN | POLLHUP | POLLERR)) == 0) return true;
  Stream& stream = it->second;
  auto sink = [this, &stream](const char* d, size_t n) { EmitLine(stream, d, n); };
  char buf[16384];
  for (int i = 0; i < 4 && !output_full(); ++i) {  // bounded: one chatty rank cannot starve
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) {
      stream.lines.Append(buf, static_cast<size_t>(n), sink);
      EndOfRead(stream);
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
  stream.lines.Flush([this, &stream](const char* d, size_t n) { EmitLine(stream, d, n); });
  EndOfRead(stream);
  close(fd);
  streams_.erase(it);
}

void IoForwarder::CloseAll() {
  while (!streams_.empty()) Close(streams_.begin()->first);
}

void IoForwarder::WriteReport(const std::string& line) {
  if (err_ != nullptr) {
    err_->Write(line.data(), line.size());
  } else {
    WriteFully(2, line.data(), line.size());
  }
}

bool IoForwarder::reader_gone() const {
  return out_ != nullptr && (out_->reader_gone() || err_->reader_gone());
}

bool IoForwarder::output_pending() const {
  return out_ != nullptr && (out_->pending() || err_->pending());
}

bool IoForwarder::DrainOutput(int stall_ms, int max_ms) {
  if (out_ == nullptr) return true;
  bool out = out_->Drain(stall_ms, max_ms);
  bool err = err_->Drain(stall_ms, max_ms);
  return out && err;
}

size_t IoForwarder::TakeProgress() {
  size_t p = progress_;
  progress_ = 0;
  return p;
}

}  // namespace zmpi::launcher::agent
