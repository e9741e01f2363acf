#include "launcher/agent/line_buffer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zmpi::launcher::agent {
namespace {

class Collector {
 public:
  LineBuffer::LineSink sink() {
    return [this](const char* d, size_t n) { lines.emplace_back(d, n); };
  }
  std::vector<std::string> lines;
};

TEST(LineBuffer, WholeLinesPassStraightThrough) {
  LineBuffer b;
  Collector c;
  std::string text = "one\ntwo\n";
  b.Append(text.data(), text.size(), c.sink());
  EXPECT_EQ(c.lines, std::vector<std::string>({"one\n", "two\n"}));
  EXPECT_TRUE(b.empty());
}

TEST(LineBuffer, PartialLinesWaitForTheirEnd) {
  LineBuffer b;
  Collector c;
  b.Append("hel", 3, c.sink());
  EXPECT_TRUE(c.lines.empty());
  b.Append("lo\nwor", 6, c.sink());
  EXPECT_EQ(c.lines, std::vector<std::string>({"hello\n"}));
  b.Flush(c.sink());
  EXPECT_EQ(c.lines, std::vector<std::string>({"hello\n", "wor"}));
  EXPECT_TRUE(b.empty());
}

TEST(LineBuffer, EndlessLineIsCutAtTheLimit) {
  LineBuffer b(4);
  Collector c;
  b.Append("abcdefghij", 10, c.sink());
  EXPECT_EQ(c.lines, std::vector<std::string>({"abcd", "efgh"}));
  b.Append("\n", 1, c.sink());
  EXPECT_EQ(c.lines.back(), "ij\n");
}

TEST(LineBuffer, ByteAtATime) {
  LineBuffer b;
  Collector c;
  std::string text = "a\nbc\n\nd";
  for (char ch : text) b.Append(&ch, 1, c.sink());
  b.Flush(c.sink());
  EXPECT_EQ(c.lines, std::vector<std::string>({"a\n", "bc\n", "\n", "d"}));
}

}  // namespace
}  // namespace zmpi::launcher::agent
