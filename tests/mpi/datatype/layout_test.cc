#include "mpi/datatype/layout.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace zmpi::datatype {
namespace {

Layout Make(std::initializer_list<Run> runs) {
  Layout l;
  for (const Run& r : runs) l.Append(r);
  l.Finish();
  return l;
}

TEST(LayoutTest, TouchingRunsJoin) {
  Layout l = Make({{0, 8}, {8, 8}, {16, 4}});
  ASSERT_EQ(l.runs().size(), 1u);
  EXPECT_EQ(l.runs()[0].len, 20);
  EXPECT_TRUE(l.contiguous());
  EXPECT_EQ(l.size(), 20);
}

TEST(LayoutTest, EqualRunsAtEqualDistancesBecomeOneLoop) {
  Layout l = Make({{0, 8}, {24, 8}, {48, 8}, {72, 8}});
  ASSERT_EQ(l.runs().size(), 1u);
  const datatype::Run& r = l.runs()[0];
  EXPECT_EQ(r.len, 8);
  EXPECT_EQ(r.count0, 4);
  EXPECT_EQ(r.stride0, 24);
  EXPECT_FALSE(l.contiguous());
}

TEST(LayoutTest, RepeatedLoopsNestThenFlatten) {
  Layout row = Make({{0, 8, 3, 16}});
  Layout plane;
  plane.AppendRepeated(row, 5, 100, 0);  // 5 rows 100 bytes apart: a two-level loop
  plane.Finish();
  ASSERT_EQ(plane.runs().size(), 1u);
  EXPECT_EQ(plane.runs()[0].count0, 3);
  EXPECT_EQ(plane.runs()[0].count1, 5);
  EXPECT_EQ(plane.runs()[0].stride1, 100);
  EXPECT_EQ(plane.size(), 8 * 3 * 5);
  Layout dense;
  dense.AppendRepeated(row, 4, 48, 0);  // rows back to back: still one loop
  dense.Finish();
  ASSERT_EQ(dense.runs().size(), 1u);
  EXPECT_EQ(dense.runs()[0].count0, 12);
  EXPECT_EQ(dense.runs()[0].count1, 1);
}

TEST(LayoutTest, ContiguousRepeatCollapsesToOneRun) {
  Layout elem = Make({{0, 4}});
  Layout l;
  l.AppendRepeated(elem, 10, 4, 0);
  l.Finish();
  ASSERT_EQ(l.runs().size(), 1u);
  EXPECT_TRUE(l.contiguous());
  EXPECT_EQ(l.size(), 40);
}

// Pack then unpack a strided layout in pieces of every size, against a byte-by-byte model.
TEST(LayoutTest, PiecewisePackMatchesWholeAndRoundTrips) {
  Layout l = Make({{2, 3}, {10, 5, 2, 7}});  // 3 + 10 bytes per element
  const int64_t extent = 32, count = 5, total = count * l.size();
  std::vector<unsigned char> buf(extent * count);
  std::iota(buf.begin(), buf.end(), 0);
  std::vector<unsigned char> whole(total);
  Pack(l, extent, buf.data(), count, 0, total, whole.data());
  std::vector<unsigned char> expect;
  for (int64_t e = 0; e < count; ++e) {
    for (int64_t b = 2; b < 5; ++b) expect.push_back(buf[e * extent + b]);
    for (int64_t k = 0; k < 2; ++k) {
      for (int64_t b = 0; b < 5; ++b) expect.push_back(buf[e * extent + 10 + 7 * k + b]);
    }
  }
  EXPECT_EQ(whole, expect);
  for (int64_t piece = 1; piece <= total; piece += 3) {
    std::vector<unsigned char> packed(total);
    for (int64_t pos = 0; pos < total; pos += piece) {
      Pack(l, extent, buf.data(), count, pos, std::min(piece, total - pos), packed.data() + pos);
    }
    EXPECT_EQ(packed, whole) << "piece " << piece;
    std::vector<unsigned char> out(buf.size(), 0xee);
    for (int64_t pos = 0; pos < total; pos += piece) {
      Unpack(l, extent, out.data(), count, pos, std::min(piece, total - pos), packed.data() + pos);
    }
    std::vector<unsigned char> again(total);
    Pack(l, extent, out.data(), count, 0, total, again.data());
    EXPECT_EQ(again, whole);
    EXPECT_EQ(out[0], 0xee);  // gaps untouched
  }
}

// Chunks that start and end anywhere (a pipelined transfer's) pack and unpack exactly what
// Walk says, piece by piece, for the shapes CopyRange special-cases: 8- and 16-byte pieces,
// two-level loops, repeated groups; every byte outside the layout stays untouched.
TEST(LayoutTest, ChunksStartingAnywhereMatchTheWalk) {
  Layout column = Make({{8, 8, 300, 64}});                 // halo2d's column
  Layout planes = Make({{0, 16, 5, 48, 3, 400}});          // 16-byte pieces in a 2-level loop
  Layout odd = Make({{1, 3, 40, 7}});                      // 3-byte pieces
  Layout group;                                            // a repeated group of two runs
  group.AppendRepeated(Make({{0, 8}, {24, 4}}), 9, 40, 0);
  group.Finish();
  struct Case {
    const Layout* l;
    int64_t extent, count;
  } cases[] = {{&column, 300 * 64, 2}, {&planes, 1500, 3}, {&odd, 300, 4}, {&group, 400, 3}};
  for (const Case& c : cases) {
    const Layout& l = *c.l;
    const int64_t total = c.count * l.size();
    std::vector<unsigned char> buf(c.extent * c.count + 64);
    for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<unsigned char>(i * 7 + 3);
    std::vector<unsigned char> expect;
    l.Walk(c.extent, c.count, 0, total, [&](int64_t off, int64_t len) {
      for (int64_t b = 0; b < len; ++b) expect.push_back(buf[off + b]);
      return true;
    });
    ASSERT_EQ(static_cast<int64_t>(expect.size()), total);
    for (int64_t chunk : {int64_t{1}, int64_t{5}, int64_t{8}, int64_t{13}, int64_t{100},
                          int64_t{1021}, total}) {
      std::vector<unsigned char> packed(total, 0);
      for (int64_t pos = 0; pos < total; pos += chunk) {
        Pack(l, c.extent, buf.data(), c.count, pos, std::min(chunk, total - pos),
             packed.data() + pos);
      }
      EXPECT_EQ(packed, expect) << "chunk " << chunk << " extent " << c.extent;
      std::vector<unsigned char> out(buf.size(), 0xee);
      for (int64_t pos = total; pos > 0;) {  // backwards: each chunk on its own
        const int64_t from = std::max<int64_t>(0, pos - chunk);
        Unpack(l, c.extent, out.data(), c.count, from, pos - from, packed.data() + from);
        pos = from;
      }
      std::vector<unsigned char> want(buf.size(), 0xee);
      l.Walk(c.extent, c.count, 0, total, [&](int64_t off, int64_t len) {
        for (int64_t b = 0; b < len; ++b) want[off + b] = buf[off + b];
        return true;
      });
      EXPECT_EQ(out, want) << "chunk " << chunk << " extent " << c.extent;
    }
  }
}

TEST(LayoutTest, SegmentsResumeAndMergeAcrossElements) {
  Layout l = Make({{0, 4}, {8, 4}});  // a 2-run loop: {0,4,2,8}
  const int64_t extent = 16;
  std::vector<char> buf(extent * 3);
  int64_t pos = 0;
  iovec iov[2];
  size_t n = Segments(l, extent, buf.data(), 3, &pos, 1 << 20, iov, 2);
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(pos, 8);
  EXPECT_EQ(iov[1].iov_base, buf.data() + 8);
  n = Segments(l, extent, buf.data(), 3, &pos, 6, iov, 2);  // 6 bytes: a piece is cut
  EXPECT_EQ(pos, 14);
  ASSERT_EQ(n, 2u);
  EXPECT_EQ(iov[0].iov_base, buf.data() + 16);
  EXPECT_EQ(iov[1].iov_len, 2u);
  Layout dense = Make({{0, 4}});
  pos = 0;
  n = Segments(dense, 4, buf.data(), 10, &pos, 1 << 20, iov, 2);
  EXPECT_EQ(n, 1u);  // touching elements merge into one segment
  EXPECT_EQ(iov[0].iov_len, 40u);
}

}  // namespace
}  // namespace zmpi::datatype
