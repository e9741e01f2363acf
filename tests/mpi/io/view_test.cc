// The file view's mapping of a rank's data stream onto file byte runs (mpi/io/view.h).
#include "mpi/io/view.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "mpi/include/mpi.h"

namespace zmpi::io {
namespace {

using datatype::Type;
using datatype::TypeRef;
using Runs = std::vector<std::pair<int64_t, int64_t>>;

TypeRef Int() { return Type::Named(MPI_INT, 4, 4, 0, 4); }
TypeRef Byte() { return Type::Named(MPI_BYTE, 1, 1, 0, 1); }

TypeRef Committed(TypeRef t) {
  t->Commit();
  return t;
}

Runs MapOf(const View& v, int64_t pos, int64_t n) {
  Runs runs;
  v.Map(pos, n, [&](int64_t off, int64_t len) { runs.emplace_back(off, len); });
  return runs;
}

TEST(ViewTest, DefaultViewIsOneRun) {
  View v(0, Committed(Byte()), Committed(Byte()));
  EXPECT_EQ(MapOf(v, 10, 1000), (Runs{{10, 1000}}));
  EXPECT_EQ(MapOf(v, 0, 0), Runs{});
  EXPECT_EQ(v.ByteOffset(77), 77);
  EXPECT_EQ(v.StreamBytesBefore(500), 500);
}

TEST(ViewTest, DisplacementShiftsEverything) {
  View v(100, Committed(Int()), Committed(Int()));
  EXPECT_EQ(MapOf(v, 8, 12), (Runs{{108, 12}}));
  EXPECT_EQ(v.ByteOffset(4), 104);
  EXPECT_EQ(v.StreamBytesBefore(50), 0);
  EXPECT_EQ(v.StreamBytesBefore(140), 40);
}

// Three ints every 4 ranks' worth (resized contiguous), as an interleaved decomposition.
TEST(ViewTest, InterleavedBlocks) {
  TypeRef block = Type::Compose({Int()}, {{0, 3, 0}}, 1, 0, false);
  TypeRef ft = Committed(Type::Resized(block, 0, 4 * 12));
  View v(12, Committed(Int()), ft);  // rank 1 of 4
  EXPECT_EQ(MapOf(v, 0, 36), (Runs{{12, 12}, {60, 12}, {108, 12}}));
  // Starting inside a block and ending inside another.
  EXPECT_EQ(MapOf(v, 4, 16), (Runs{{16, 8}, {60, 8}}));
  EXPECT_EQ(v.ByteOffset(12), 60);
  EXPECT_EQ(v.ByteOffset(16), 64);
  // A file of 3 tiles and a half: rank 1's data before byte 150 are 3 blocks and a part.
  EXPECT_EQ(v.StreamBytesBefore(48 * 3), 36);
  EXPECT_EQ(v.StreamBytesBefore(48 * 3 + 12 + 4), 40);
  EXPECT_EQ(v.StreamBytesBefore(48 * 3 + 40), 48);
}

// A vector filetype (2 of every 5 ints): runs touch across tiles only when they should.
TEST(ViewTest, VectorFiletypeMergesTouchingRuns) {
  TypeRef vec = Committed(Type::Compose({Int()}, {{0, 2, 0}}, 3, 5 * 4, false));  // 2 of 5, x3
  // extent is (2 * 5 + 2) * 4 = 48 bytes: the next tile's first block touches the last one.
  View v(0, Committed(Int()), vec);
  EXPECT_EQ(MapOf(v, 0, 24), (Runs{{0, 8}, {20, 8}, {40, 8}}));
  EXPECT_EQ(MapOf(v, 16, 16), (Runs{{40, 16}}));
  EXPECT_EQ(MapOf(v, 16, 24), (Runs{{40, 16}, {68, 8}}));
  EXPECT_EQ(v.StreamBytesBefore(60), 32);
}

// A struct-like filetype with a hole: an int at 0 and 8 bytes at 8, extent 24.
TEST(ViewTest, HolesAreSkipped) {
  TypeRef st = Type::Compose({Int(), Byte()}, {{0, 1, 0}, {1, 8, 8}}, 1, 0, false);
  TypeRef ft = Committed(Type::Resized(st, 0, 24));
  View v(0, Committed(Byte()), ft);
  EXPECT_EQ(MapOf(v, 0, 24), (Runs{{0, 4}, {8, 8}, {24, 4}, {32, 8}}));
  EXPECT_EQ(MapOf(v, 2, 4), (Runs{{2, 2}, {8, 2}}));
  EXPECT_EQ(v.ByteOffset(12), 24);
  EXPECT_EQ(v.StreamBytesBefore(6), 4);
  EXPECT_EQ(v.StreamBytesBefore(30), 16);
}

}  // namespace
}  // namespace zmpi::io
