#include "launcher/zrun/stdin_sender.h"

#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <string>

namespace zmpi::launcher::zrun {

bool StdinSender::WantRead() const {
  if (eof_ || fd_ < 0) return false;
  if (isatty(fd_) && tcgetpgrp(fd_) != getpgrp()) return false;  // in the background
  bool any = false;
  for (const Target& t : targets_) {
    if (t.gone) continue;
    any = true;
    if (t.sent - t.acked >= proto::StdinData::kStdinWindow) return false;
  }
  return any;
}

StdinSender::Pieces StdinSender::Read() {
  Pieces out;
  uint64_t room = proto::kMaxOutputData;
  for (const Target& t : targets_) {
    if (!t.gone) room = std::min(room, proto::StdinData::kStdinWindow - (t.sent - t.acked));
  }
  std::string buf(static_cast<size_t>(room), '\0');
  ssize_t n = read(fd_, buf.data(), buf.size());
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return out;
  if (n <= 0) {
    eof_ = true;  // end of input, or an error reading it: the readers see EOF
    buf.clear();
  } else {
    buf.resize(static_cast<size_t>(n));
  }
  for (Target& t : targets_) {
    if (t.gone) continue;
    proto::StdinData piece;
    piece.job_id = job_id_;
    piece.rank = static_cast<uint32_t>(t.rank);
    piece.offset = t.sent;
    piece.eof = eof_;
    piece.data = buf;
    t.sent += buf.size();
    out.emplace_back(t.host, std::move(piece));
  }
  return out;
}

void StdinSender::OnAck(const proto::StdinData& ack) {
  for (Target& t : targets_) {
    if (t.rank != static_cast<int>(ack.rank)) continue;
    t.acked = std::max(t.acked, std::min(ack.offset, t.sent));
    if (ack.eof) t.gone = true;
  }
}

}  // namespace zmpi::launcher::zrun
