#include "launcher/proto/frame_reader.h"

namespace zmpi::launcher::proto {

void FrameReader::Append(const void* data, size_t size) {
  if (start_ > 0 && start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  buffer_.append(static_cast<const char*>(data), size);
}

StatusOr<bool> FrameReader::Next(Frame* frame) {
  if (!error_.ok()) return error_;
  if (buffered() < kHeaderSize) return false;
  const uint8_t* head = reinterpret_cast<const uint8_t*>(buffer_.data()) + start_;
  FrameHeader header;
  Status s = DecodeHeader(head, &header);
  if (!s.ok()) {
    error_ = s;
    return s;
  }
  const size_t total = FrameSize(header);
  if (total > max_frame_) {
    error_ = Error(Code::kArg, "%s frame of %zu bytes exceeds the limit of %zu bytes%s",
                   TypeName(header.type).c_str(), total, max_frame_,
                   max_frame_ == kMaxPreAuthFrame ? " before authentication" : "");
    return error_;
  }
  if (buffered() < total) return false;
  StatusOr<Frame> decoded = DecodeFrame(head, total);
  if (!decoded.ok()) {
    error_ = decoded.status();
    return error_;
  }
  *frame = std::move(decoded.value());
  start_ += total;
  if (start_ > (1u << 16) && start_ * 2 > buffer_.size()) {  // compact now and then
    buffer_.erase(0, start_);
    start_ = 0;
  }
  return true;
}

}  // namespace zmpi::launcher::proto
