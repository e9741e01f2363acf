// Cuts a byte stream (a TCP connection) into frames.
#ifndef ZMPI_LAUNCHER_PROTO_FRAME_READER_H_
#define ZMPI_LAUNCHER_PROTO_FRAME_READER_H_

#include <cstddef>
#include <string>

#include "common/status.h"
#include "launcher/proto/frame.h"

namespace zmpi::launcher::proto {

// Usage: after each read from the socket, Append() the bytes, then call Next() until it
// returns false. The header is validated as soon as its 24 bytes are in, so a lying length
// is refused before its payload is buffered; memory stays below kMaxFrame plus one read.
// After an error the stream is unusable (framing is lost): close the connection.
class FrameReader final {
 public:
  void Append(const void* data, size_t size);
  // true and *frame set when a whole frame was buffered; false if more bytes are needed.
  StatusOr<bool> Next(Frame* frame);
  size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  size_t start_ = 0;
  Status error_;
};

}  // namespace zmpi::launcher::proto

#endif  // ZMPI_LAUNCHER_PROTO_FRAME_READER_H_
