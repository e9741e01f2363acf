#include "mpi/datatype/type.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "mpi/datatype/external32.h"
#include "mpi/include/mpi.h"

namespace zmpi::datatype {
namespace {

TypeRef Double() { return Type::Named(MPI_DOUBLE, 8, 8, 0, 8); }
TypeRef Int() { return Type::Named(MPI_INT, 4, 4, 0, 4); }
TypeRef Char() { return Type::Named(MPI_CHAR, 1, 1, 0, 1); }

TEST(TypeTest, VectorOfDoublesIsOneStridedLoop) {
  TypeRef v = Type::Compose({Double()}, {{0, 2, 0}}, 10, 5 * 8, false);  // vector(10, 2, 5)
  v->Commit();
  ASSERT_EQ(v->layout().runs().size(), 1u);
  const datatype::Run& r = v->layout().runs()[0];
  EXPECT_EQ(r.len, 16);
  EXPECT_EQ(r.count0, 10);
  EXPECT_EQ(r.stride0, 40);
  EXPECT_EQ(v->size(), 160);
  EXPECT_EQ(v->lb(), 0);
  EXPECT_EQ(v->extent(), 9 * 40 + 16);
  EXPECT_EQ(v->base(), MPI_DOUBLE);
  EXPECT_FALSE(v->contiguous());
}

TEST(TypeTest, ContiguousOfContiguousIsOneRun) {
  TypeRef c = Type::Compose({Int()}, {{0, 4, 0}}, 1, 0, false);
  TypeRef cc = Type::Compose({c}, {{0, 3, 0}}, 1, 0, false);
  cc->Commit();
  EXPECT_TRUE(cc->contiguous());
  EXPECT_EQ(cc->size(), 48);
  EXPECT_EQ(cc->layout().runs().size(), 1u);
}

TEST(TypeTest, StructPadsExtentAndMixesBase) {
  // struct { int; char } at 0 and 4: size 5, extent rounded to 8 as in MPICH.
  TypeRef s = Type::Compose({Int(), Char()}, {{0, 1, 0}, {1, 1, 4}}, 1, 0, true);
  EXPECT_EQ(s->size(), 5);
  EXPECT_EQ(s->extent(), 8);
  EXPECT_EQ(s->true_extent(), 5);
  EXPECT_EQ(s->base(), 0);
  EXPECT_EQ(s->elements(), 2);
  s->Commit();
  EXPECT_EQ(s->layout().runs().size(), 1u);  // the int and the char touch
  EXPECT_FALSE(s->contiguous());             // extent 8 != size 5
}

TEST(TypeTest, ResizedAndTrueBounds) {
  TypeRef v = Type::Compose({Int()}, {{0, 1, 8}}, 1, 0, false);  // one int at byte 8
  EXPECT_EQ(v->lb(), 8);
  EXPECT_EQ(v->true_lb(), 8);
  TypeRef r = Type::Resized(v, -4, 32);
  EXPECT_EQ(r->lb(), -4);
  EXPECT_EQ(r->extent(), 32);
  EXPECT_EQ(r->true_lb(), 8);
  EXPECT_EQ(r->true_extent(), 4);
  TypeRef neg = Type::Compose({Int()}, {{0, 1, 0}}, 3, -16, false);  // negative stride
  EXPECT_EQ(neg->lb(), -32);
  EXPECT_EQ(neg->extent(), 36);
}

// MPI_LB / MPI_UB markers and resized bounds fix the bounds through every parent.
TEST(TypeTest, MarkersAreStickyBounds) {
  TypeRef lbm = Type::Marker(MPI_LB, false), ubm = Type::Marker(MPI_UB, true);
  EXPECT_EQ(lbm->size(), 0);
  EXPECT_EQ(lbm->extent(), 0);
  EXPECT_EQ(lbm->elements(), 0);
  // { (LB,-3), 4*(CHAR,0), (UB,6) }
  TypeRef evil = Type::Compose({lbm, Char(), ubm}, {{0, 1, -3}, {1, 4, 0}, {2, 1, 6}}, 1, 0, true);
  EXPECT_EQ(evil->size(), 4);
  EXPECT_EQ(evil->lb(), -3);
  EXPECT_EQ(evil->ub(), 6);
  EXPECT_TRUE(evil->lb_marked() && evil->ub_marked());
  EXPECT_EQ(evil->elements(), 4);
  EXPECT_EQ(evil->base(), MPI_CHAR);  // markers have no base type
  EXPECT_EQ(evil->true_lb(), 0);
  EXPECT_EQ(evil->true_extent(), 4);
  int64_t leaves = 0;
  evil->ForEachLeaf(2, [&](const Type& leaf, int64_t n) {
    EXPECT_EQ(leaf.leaf(), MPI_CHAR);
    leaves += n;
  });
  EXPECT_EQ(leaves, 8);
  evil->Commit();
  EXPECT_EQ(evil->layout().size(), 4);
  EXPECT_FALSE(evil->contiguous());
  // Three in a row: markers at -3, 6, 15 (lb) and 6, 15, 24 (ub).
  TypeRef three = Type::Compose({evil}, {{0, 3, 0}}, 1, 0, false);
  EXPECT_EQ(three->lb(), -3);
  EXPECT_EQ(three->ub(), 24);
  // Data beside marked bounds does not move them; unmarked ones it does.
  TypeRef beside = Type::Compose({evil, Int()}, {{0, 1, 0}, {1, 1, 100}}, 1, 0, true);
  EXPECT_EQ(beside->lb(), -3);
  EXPECT_EQ(beside->ub(), 6);
  EXPECT_EQ(beside->true_extent(), 104);
  TypeRef r = Type::Resized(Int(), -4, 16);
  EXPECT_TRUE(r->lb_marked() && r->ub_marked());
  TypeRef rs = Type::Compose({r, Int()}, {{0, 1, 0}, {1, 1, 100}}, 1, 0, true);
  EXPECT_EQ(rs->lb(), -4);
  EXPECT_EQ(rs->ub(), 12);
  // Only an lb marker: ub 0 (extent -10); the padding rounds from the marked lb.
  TypeRef only = Type::Compose({lbm}, {{0, 1, 10}}, 1, 0, true);
  EXPECT_EQ(only->lb(), 10);
  EXPECT_EQ(only->ub(), 0);
  TypeRef pad = Type::Compose({lbm, Int(), Char()}, {{0, 1, 2}, {1, 1, 0}, {2, 1, 4}}, 1, 0, true);
  EXPECT_EQ(pad->lb(), 2);
  EXPECT_EQ(pad->extent(), 4);
  EXPECT_FALSE(pad->ub_marked());
}

TEST(TypeTest, SubarrayPacksTheBlock) {
  // 4 x 5 ints, rows 1..2, columns 1..3 (C order).
  TypeRef t = Type::Grid(Int(), {4, 5}, {{{1, 2}}, {{1, 3}}}, true);
  t->Commit();
  EXPECT_EQ(t->size(), 6 * 4);
  EXPECT_EQ(t->lb(), 0);
  EXPECT_EQ(t->extent(), 20 * 4);
  std::vector<int> a(20);
  for (int i = 0; i < 20; ++i) a[i] = i;
  std::vector<int> packed(6);
  Pack(t->layout(), t->extent(), a.data(), 1, 0, t->size(), packed.data());
  EXPECT_EQ(packed, (std::vector<int>{6, 7, 8, 11, 12, 13}));
  ASSERT_EQ(t->layout().runs().size(), 1u);  // two rows: one loop
  // Fortran order: dimension 0 is the fastest.
  TypeRef f = Type::Grid(Int(), {4, 5}, {{{1, 2}}, {{1, 3}}}, false);
  f->Commit();
  Pack(f->layout(), f->extent(), a.data(), 1, 0, f->size(), packed.data());
  EXPECT_EQ(packed, (std::vector<int>{5, 6, 9, 10, 13, 14}));
}

TEST(TypeTest, ElementsOfPartialMessages) {
  TypeRef pair = Type::Named(MPI_DOUBLE_INT, 16, 8, 8, 12);
  EXPECT_EQ(pair->ElementsIn(32), 4);
  EXPECT_EQ(pair->ElementsIn(40), 5);  // a pair's value without its index
  EXPECT_EQ(pair->ElementsIn(12), -1);
  TypeRef s = Type::Compose({Int(), Double()}, {{0, 2, 0}, {1, 1, 8}}, 1, 0, true);
  EXPECT_EQ(s->size(), 16);
  EXPECT_EQ(s->elements(), 3);
  EXPECT_EQ(s->ElementsIn(16 * 3), 9);
  EXPECT_EQ(s->ElementsIn(16 * 3 + 4), 10);
  EXPECT_EQ(s->ElementsIn(16 * 3 + 8), 11);
  EXPECT_EQ(s->ElementsIn(16 * 3 + 10), -1);
  EXPECT_EQ(s->BytesFor(10), 52);
  EXPECT_EQ(s->BytesFor(11), 56);
  EXPECT_EQ(pair->BytesFor(5), 40);
}

// An array of structs keeps the struct's runs once with a repetition count, not a copy per
// element, and still packs in type-map order (also from the middle of an element).
TEST(TypeTest, ArrayOfStructsIsOneRepeatedGroup) {
  TypeRef s = Type::Compose({Int(), Double()}, {{0, 1, 0}, {1, 1, 8}}, 1, 0, true);
  TypeRef a = Type::Compose({s}, {{0, 1000, 0}}, 1, 0, false);
  a->Commit();
  EXPECT_EQ(a->layout().runs().size(), 2u);
  EXPECT_EQ(a->layout().reps(), 1000);
  EXPECT_EQ(a->layout().rep_stride(), 16);
  EXPECT_EQ(a->size(), 12000);
  TypeRef v = Type::Compose({a}, {{0, 1, 0}}, 3, 20000, false);  // three arrays, apart
  v->Commit();
  EXPECT_EQ(v->layout().reps(), 1);
  EXPECT_LE(v->layout().runs().size(), 6000u);  // copied out (touching runs joined)
  EXPECT_EQ(v->size(), 36000);
  std::vector<char> buf(16 * 1000 * 2);
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<char>(i * 7);
  std::vector<char> whole(24000), piece(24000);
  Pack(a->layout(), a->extent(), buf.data(), 2, 0, 24000, whole.data());
  for (int64_t pos = 0; pos < 24000; pos += 5) {
    Pack(a->layout(), a->extent(), buf.data(), 2, pos, std::min<int64_t>(5, 24000 - pos),
         piece.data() + pos);
  }
  EXPECT_EQ(piece, whole);
  EXPECT_EQ(whole[12], buf[16]);        // element 0, repetition 1, the int
  EXPECT_EQ(whole[12000], buf[16000]);  // element 1 starts one extent on
  EXPECT_EQ(whole[12004], buf[16008]);
}

TEST(TypeTest, UncommittedChildrenCompileForTheParentOnly) {
  TypeRef c = Type::Compose({Int()}, {{0, 2, 0}}, 1, 0, false);
  TypeRef v = Type::Compose({c}, {{0, 1, 0}}, 3, 12, false);
  v->Commit();
  EXPECT_TRUE(v->committed());
  EXPECT_FALSE(c->committed());
  EXPECT_EQ(v->layout().runs().size(), 1u);
}

TEST(External32Test, BigEndianFixedSizes) {
  TypeRef l = Type::Named(MPI_LONG, 8, 8, 0, External32Size(MPI_LONG));
  EXPECT_EQ(l->external_size(), 4);
  TypeRef s = Type::Compose({Int(), Double(), l}, {{0, 1, 0}, {1, 1, 8}, {2, 1, 16}}, 1, 0, true);
  struct {
    int i;
    double d;
    long l;
  } in{0x01020304, 1.5, -2}, out{};
  unsigned char native[20], ext[16];
  memcpy(native, &in.i, 4);
  memcpy(native + 4, &in.d, 8);
  memcpy(native + 12, &in.l, 8);
  ASSERT_EQ(s->external_size(), 16);
  ASSERT_TRUE(ToExternal32(*s, 1, native, ext));
  EXPECT_EQ(ext[0], 1);
  EXPECT_EQ(ext[3], 4);
  EXPECT_EQ(ext[4], 0x3f);  // 1.5 = 0x3ff8000000000000
  EXPECT_EQ(ext[5], 0xf8);
  EXPECT_EQ(ext[12], 0xff);  // -2 in 4 bytes
  EXPECT_EQ(ext[15], 0xfe);
  unsigned char back[20];
  ASSERT_TRUE(FromExternal32(*s, 1, ext, back));
  memcpy(&out.i, back, 4);
  memcpy(&out.d, back + 4, 8);
  memcpy(&out.l, back + 12, 8);
  EXPECT_EQ(out.i, in.i);
  EXPECT_EQ(out.d, in.d);
  EXPECT_EQ(out.l, in.l);
  TypeRef ld = Type::Named(MPI_LONG_DOUBLE, 16, 16, 0, 16);
  long double x = -3.25L, y = 0;
  unsigned char q[16];
  ASSERT_TRUE(ToExternal32(*ld, 1, &x, q));
  EXPECT_EQ(q[0], 0xc0);  // binary128 -3.25: sign, exponent 0x4000, fraction 0xa000...
  EXPECT_EQ(q[1], 0x00);
  EXPECT_EQ(q[2], 0xa0);
  ASSERT_TRUE(FromExternal32(*ld, 1, q, &y));
  EXPECT_EQ(x, y);
}

}  // namespace
}  // namespace zmpi::datatype
