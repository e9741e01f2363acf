// LineBuffer: reassembles one stream of one rank into whole lines, so that output of different
// ranks never interleaves mid-line. Every piece it emits ends with '\n' and holds at most
// `limit` bytes: a longer line is split into pieces of limit - 1 bytes plus a '\n' (the split
// shows as a line break, never as another rank's text inside the line), and a last fragment
// without '\n' gets one at Flush (so it cannot be glued to the next rank's output).
#ifndef ZMPI_LAUNCHER_AGENT_LINE_BUFFER_H_
#define ZMPI_LAUNCHER_AGENT_LINE_BUFFER_H_

#include <cstddef>
#include <functional>
#include <string>

namespace zmpi::launcher::agent {

class LineBuffer {
 public:
  // Receives each line or piece, always ending with '\n'.
  using LineSink = std::function<void(const char* data, size_t size)>;

  // `limit` >= 2: the largest piece emitted, '\n' included.
  explicit LineBuffer(size_t limit = 64 * 1024) : limit_(limit < 2 ? 2 : limit) {}

  void Append(const char* data, size_t size, const LineSink& sink);
  // Emits what is left (a last line without '\n', which gets one).
  void Flush(const LineSink& sink);
  bool empty() const { return pending_.empty(); }

 private:
  // Emits limit-sized pieces while pending_ cannot be one whole line of at most limit_ bytes.
  void Cut(const LineSink& sink);

  size_t limit_;
  std::string pending_;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_LINE_BUFFER_H_
