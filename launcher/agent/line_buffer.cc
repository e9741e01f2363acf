#include "launcher/agent/line_buffer.h"

#include <cstring>

namespace zmpi::launcher::agent {

void LineBuffer::Append(const char* data, size_t size, const LineSink& sink) {
  const char* end = data + size;
  while (data < end) {
    const char* nl = static_cast<const char*>(memchr(data, '\n', end - data));
    if (nl == nullptr) {
      pending_.append(data, end - data);
      while (pending_.size() >= limit_) {  // an endless line: pass it on in pieces
        sink(pending_.data(), limit_);
        pending_.erase(0, limit_);
      }
      return;
    }
    size_t len = static_cast<size_t>(nl - data) + 1;
    if (pending_.empty()) {
      sink(data, len);
    } else {
      pending_.append(data, len);
      sink(pending_.data(), pending_.size());
      pending_.clear();
    }
    data += len;
  }
}

void LineBuffer::Flush(const LineSink& sink) {
  if (pending_.empty()) return;
  sink(pending_.data(), pending_.size());
  pending_.clear();
}

}  // namespace zmpi::launcher::agent
