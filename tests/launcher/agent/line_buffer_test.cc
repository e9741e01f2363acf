#include "launcher/agent/line_buffer.h"

#include <gtest/gtest.h>

#include <algorithm>
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
  EXPECT_EQ(c.lines, std::vector<std::string>({"hello\n", "wor\n"}));
  EXPECT_TRUE(b.empty());
}

// a long line went out in pieces between which other ranks' lines could
// fall, and a final fragment was glued to the next rank's output. Every piece ends a line.
TEST(LineBuffer, EndlessLineIsCutIntoLinesAtTheLimit) {
  LineBuffer b(4);
  Collector c;
  b.Append("abcdefghij", 10, c.sink());
  EXPECT_EQ(c.lines, std::vector<std::string>({"abc\n", "def\n", "ghi\n"}));
  b.Append("\n", 1, c.sink());
  EXPECT_EQ(c.lines.back(), "j\n");
  EXPECT_TRUE(b.empty());
}

TEST(LineBuffer, WholeLineAtTheLimitPassesWhole) {
  LineBuffer b(4);
  Collector c;
  b.Append("abc\nabcd\n", 9, c.sink());
  EXPECT_EQ(c.lines, std::vector<std::string>({"abc\n", "abc\n", "d\n"}));
}

TEST(LineBuffer, EveryPieceEndsALineAndFitsTheLimit) {
  LineBuffer b(16);
  Collector c;
  std::string text;
  for (int i = 0; i < 200; ++i) text += std::string(static_cast<size_t>(i % 37), 'x') + "\n";
  text += "tail";
  for (size_t pos = 0; pos < text.size(); pos += 5) {
    b.Append(text.data() + pos, std::min<size_t>(5, text.size() - pos), c.sink());
  }
  b.Flush(c.sink());
  std::string joined;
  for (const std::string& line : c.lines) {
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(line.back(), '\n');
    EXPECT_LE(line.size(), 16u);
    EXPECT_EQ(line.find('\n'), line.size() - 1);
    joined += line;
  }
  // Only line breaks were added: at the cuts and after the final fragment.
  std::string without, expected;
  for (char ch : joined)
    if (ch != '\n') without += ch;
  for (char ch : text)
    if (ch != '\n') expected += ch;
  EXPECT_EQ(without, expected);
}

TEST(LineBuffer, FinalFragmentGetsANewline) {
  LineBuffer b;
  Collector c;
  b.Append("abc", 3, c.sink());
  b.Flush(c.sink());
  b.Flush(c.sink());  // nothing left: nothing more
  EXPECT_EQ(c.lines, std::vector<std::string>({"abc\n"}));
}

TEST(LineBuffer, ByteAtATime) {
  LineBuffer b;
  Collector c;
  std::string text = "a\nbc\n\nd";
  for (char ch : text) b.Append(&ch, 1, c.sink());
  b.Flush(c.sink());
  EXPECT_EQ(c.lines, std::vector<std::string>({"a\n", "bc\n", "\n", "d\n"}));
}

}  // namespace
}  // namespace zmpi::launcher::agent
