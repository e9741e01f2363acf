#include "launcher/zrund/stdin_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

namespace zmpi::launcher::zrund {

StdinRelay::~StdinRelay() {
  for (auto& [rank, p] : pipes_) {
    if (p.read_fd >= 0) close(p.read_fd);
    Close(&p);
  }
}

void StdinRelay::Close(Pipe* p) {
  if (p->write_fd >= 0) close(p->write_fd);
  p->write_fd = -1;
  p->queued.clear();
}

StatusOr<int> StdinRelay::Open(int rank) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Error(Code::kOther, "pipe2: %s", strerror(errno));
  fcntl(fds[1], F_SETFL, O_NONBLOCK);
  Pipe& p = pipes_[rank];
  p.read_fd = fds[0];
  p.write_fd = fds[1];
  return fds[0];
}

void StdinRelay::Spawned(int rank) {
  auto it = pipes_.find(rank);
  if (it == pipes_.end() || it->second.read_fd < 0) return;
  close(it->second.read_fd);
  it->second.read_fd = -1;
}

Status StdinRelay::Take(const proto::StdinData& piece) {
  auto it = pipes_.find(static_cast<int>(piece.rank));
  if (it == pipes_.end()) {
    return Error(Code::kArg, "zrun sent standard input for rank %u, which does not read it here",
                 piece.rank);
  }
  Pipe& p = it->second;
  if (piece.offset != p.received || p.eof) {
    return Error(Code::kArg, "zrun sent standard input for rank %u out of order", piece.rank);
  }
  p.received += piece.data.size();
  p.eof = piece.eof;
  if (p.write_fd < 0) return OkStatus();  // the rank is gone: zrun was told (eof ack)
  if (p.received - p.written > proto::StdinData::kStdinWindow) {
    return Error(Code::kArg, "zrun sent more standard input than the window for rank %u",
                 piece.rank);
  }
  p.queued += piece.data;
  if (p.eof && p.queued.empty()) Close(&p);
  return OkStatus();
}

void StdinRelay::AppendPollFds(std::vector<pollfd>* fds) const {
  for (const auto& [rank, p] : pipes_) {
    if (p.write_fd >= 0 && !p.queued.empty()) fds->push_back(pollfd{p.write_fd, POLLOUT, 0});
  }
}

std::vector<proto::StdinData> StdinRelay::OnWritable(int fd, uint64_t job_id) {
  std::vector<proto::StdinData> acks;
  for (auto& [rank, p] : pipes_) {
    if (p.write_fd != fd || fd < 0) continue;
    proto::StdinData ack;
    ack.job_id = job_id;
    ack.rank = static_cast<uint32_t>(rank);
    ssize_t n;
    while (!p.queued.empty() && (n = write(fd, p.queued.data(), p.queued.size())) > 0) {
      p.queued.erase(0, static_cast<size_t>(n));
      p.written += static_cast<uint64_t>(n);
    }
    bool gone = !p.queued.empty() && errno != EAGAIN && errno != EINTR;  // EPIPE: rank exited
    if (gone) {
      ack.eof = true;
      Close(&p);
    } else if (p.eof && p.queued.empty()) {
      Close(&p);  // the rank sees EOF
    }
    ack.offset = p.written;
    acks.push_back(ack);
  }
  return acks;
}

}  // namespace zmpi::launcher::zrund
