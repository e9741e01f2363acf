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
// is refused before its payload is buffered; memory stays below max_frame() plus one read.
// The limit starts at kMaxPreAuthFrame (a peer that has not authenticated cannot make the
// reader hold more) and is raised with set_max_frame() once the handshake succeeded.
// After an error the stream is unusable (framing is lost): close the connection.
class FrameReader final {
 public:
  void Append(const void* data, size_t size);
  // true and *frame set when a whole frame was buffered; false if more bytes are needed.
  StatusOr<bool> Next(Frame* frame);
  size_t buffered() const { return buffer_.size() - start_; }
  // Bytes the caller may still Append() before Next() must have consumed some: reading more
  // than this cannot help the frame in hand complete.
  size_t room() const { return buffered() >= max_frame_ ? 0 : max_frame_ - buffered(); }
  size_t max_frame() const { return max_frame_; }
  void set_max_frame(size_t max_frame) { max_frame_ = max_frame; }

 private:
  size_t max_frame_ = kMaxPreAuthFrame;
  std::string buffer_;
  size_t start_ = 0;
  Status error_;
};

}  // namespace zmpi::launcher::proto

#endif  // ZMPI_LAUNCHER_PROTO_FRAME_READER_H_
