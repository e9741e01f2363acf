#include "launcher/agent/line_buffer.h"

#include <cstring>

namespace zmpi::launcher::agent {

void LineBuffer::Cut(const LineSink& sink) {
  for (;;) {
    bool whole_line = !pending_.empty() && pending_.back() == '\n';
    if (whole_line ? pending_.size() <= limit_ : pending_.size() < limit_) return;
    std::string piece = pending_.substr(0, limit_ - 1);
    piece.push_back('\n');
    sink(piece.data(), piece.size());
    pending_.erase(0, limit_ - 1);
  }
}

void LineBuffer::Append(const char* data, size_t size, const LineSink& sink) {
  const char* end = data + size;
  while (data < end) {
    const char* nl = static_cast<const char*>(memchr(data, '\n', end - data));
    if (nl == nullptr) {
      pending_.append(data, end - data);
      Cut(sink);
      return;
    }
    size_t len = static_cast<size_t>(nl - data) + 1;
    if (pending_.empty() && len <= limit_) {
      sink(data, len);
    } else {
      pending_.append(data, len);
      Cut(sink);
      sink(pending_.data(), pending_.size());
      pending_.clear();
    }
    data += len;
  }
}

void LineBuffer::Flush(const LineSink& sink) {
  if (pending_.empty()) return;
  pending_.push_back('\n');
  Cut(sink);
  sink(pending_.data(), pending_.size());
  pending_.clear();
}

}  // namespace zmpi::launcher::agent
