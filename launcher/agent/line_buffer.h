// LineBuffer: reassembles a byte stream into whole lines so output of different ranks never
// interleaves mid-line. A line longer than the limit is passed on in limit-sized pieces.
#ifndef ZMPI_LAUNCHER_AGENT_LINE_BUFFER_H_
#define ZMPI_LAUNCHER_AGENT_LINE_BUFFER_H_

#include <cstddef>
#include <functional>
#include <string>

namespace zmpi::launcher::agent {

class LineBuffer {
 public:
  // Receives each line including its '\n' (a final piece at Flush may lack it).
  using LineSink = std::function<void(const char* data, size_t size)>;

  explicit LineBuffer(size_t limit = 64 * 1024) : limit_(limit) {}

  void Append(const char* data, size_t size, const LineSink& sink);
  // Emits what is left (a last line without '\n').
  void Flush(const LineSink& sink);
  bool empty() const { return pending_.empty(); }

 private:
  size_t limit_;
  std::string pending_;
};

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_LINE_BUFFER_H_
