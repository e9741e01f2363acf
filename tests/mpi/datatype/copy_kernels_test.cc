// The pack/unpack kernels (copy_kernels.h) and the loop nests layout.cc builds over them,
// against a byte-by-byte model: Layout::Walk's pieces, which share no code with the kernels.
// Every element size with a kernel of its own and some without, odd and zero counts, negative
// strides and extents, resized types, buffers at every alignment, chunks cut anywhere.
#include "mpi/datatype/copy_kernels.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mpi/datatype/layout.h"
#include "mpi/datatype/type.h"

namespace zmpi::datatype {
namespace {

TypeRef Leaf(int64_t size) { return Type::Named(2000 + static_cast<int>(size), size, 1, 0, size); }

// Bytes of the memory a message of `count` elements of `t` touches, and where buf lies in it
// (a type may reach below buf: negative displacements, strides or extents).
struct Span {
  int64_t lo = 0, hi = 0;
};
Span SpanOf(const Layout& l, int64_t extent, int64_t count) {
  Span s;
  bool any = false;
  l.Walk(extent, count, 0, count * l.size(), [&](int64_t off, int64_t len) {
    s.lo = any ? std::min(s.lo, off) : off;
    s.hi = any ? std::max(s.hi, off + len) : off + len;
    any = true;
    return true;
  });
  return s;
}

// Packs and unpacks (layout, extent, count) whole and in chunks of several sizes, with the
// memory and the packed buffer at offsets 0-7 from an aligned address, and compares with the
// model: the packed bytes are Walk's pieces in order, the unpacked memory has exactly those
// pieces written and every other byte as it was.
void CheckLayout(const Layout& l, int64_t extent, int64_t count, const std::string& what) {
  const int64_t total = count * l.size();
  const Span span = SpanOf(l, extent, count);
  const int64_t bytes = span.hi - span.lo + 16;
  std::vector<unsigned char> expect;
  std::vector<int64_t> where;  // memory offset (from buf) of each packed byte
  l.Walk(extent, count, 0, total, [&](int64_t off, int64_t len) {
    for (int64_t b = 0; b < len; ++b) where.push_back(off + b);
    return true;
  });
  ASSERT_EQ(static_cast<int64_t>(where.size()), total) << what;
  for (int misalign = 0; misalign < 8; misalign += 3) {
    std::vector<unsigned char> mem(static_cast<size_t>(bytes + 16));
    for (size_t i = 0; i < mem.size(); ++i) mem[i] = static_cast<unsigned char>(i * 31 + 7);
    unsigned char* buf = mem.data() + 8 + misalign - span.lo;
    expect.clear();
    for (int64_t w : where) expect.push_back(buf[w]);
    for (int64_t chunk :
         {total, int64_t{1}, int64_t{3}, int64_t{8}, int64_t{13}, int64_t{64}, int64_t{1000}}) {
      if (chunk <= 0) continue;
      std::vector<unsigned char> store(static_cast<size_t>(total + 16), 0);
      unsigned char* packed = store.data() + (misalign ^ 5);
      for (int64_t pos = 0; pos < total; pos += chunk) {
        Pack(l, extent, buf, count, pos, std::min(chunk, total - pos), packed + pos);
      }
      EXPECT_TRUE(std::equal(expect.begin(), expect.end(), packed))
          << what << ": pack, chunk " << chunk << ", misaligned by " << misalign;
      std::vector<unsigned char> out(mem.size(), 0xa5);
      unsigned char* obuf = out.data() + (buf - mem.data());
      for (int64_t pos = total; pos > 0;) {  // backwards: every chunk on its own
        const int64_t from = std::max<int64_t>(0, pos - chunk);
        Unpack(l, extent, obuf, count, from, pos - from, packed + from);
        pos = from;
      }
      std::vector<unsigned char> want(out.size(), 0xa5);
      for (int64_t i = 0; i < total; ++i)
        want[static_cast<size_t>(obuf - out.data() + where[i])] = packed[i];
      EXPECT_EQ(out, want) << what << ": unpack, chunk " << chunk << ", misaligned by " << misalign;
    }
  }
}

void CheckType(const TypeRef& t, int64_t count, const std::string& what) {
  t->Commit();
  CheckLayout(t->layout(), t->extent(), count, what);
}

// Element sizes with a fixed-size kernel and some that take the generic ones.
constexpr int64_t kSizes[] = {1, 2, 3, 4, 5, 8, 12, 16, 24, 32, 40, 64, 100};

TEST(CopyKernelsTest, VectorsOfEverySizeAndStride) {
  for (int64_t size : kSizes) {
    for (int64_t stride : {1, 2, 3, -2, -5}) {  // in elements; 1: contiguous blocks
      for (int64_t blocklen : {1, 2}) {
        if (blocklen > 1 && stride == 1) continue;  // overlapping blocks: not a vector here
        TypeRef v = Type::Compose({Leaf(size)}, {Piece{0, blocklen, 0}}, 7,
                                  stride * size * blocklen, false);
        for (int64_t count : {0, 1, 2, 3}) {
          CheckType(v, count,
                    "vector size " + std::to_string(size) + " stride " + std::to_string(stride) +
                        " blocklen " + std::to_string(blocklen) + " count " +
                        std::to_string(count));
        }
      }
    }
  }
}

TEST(CopyKernelsTest, ResizedElementsAreOneLoop) {
  for (int64_t size : kSizes) {
    for (int64_t extent : {size * 2 + 1, size * 5, -size * 3, size}) {
      TypeRef r = Type::Resized(Leaf(size), 0, extent);
      for (int64_t count : {0, 1, 5, 33}) {
        CheckType(r, count,
                  "resized size " + std::to_string(size) + " extent " + std::to_string(extent) +
                      " count " + std::to_string(count));
      }
    }
  }
}

// Subarray faces: vectors of vectors (two loop levels), repeated (a third and fourth level:
// repetitions and elements), including levels that merge and negative strides.
TEST(CopyKernelsTest, NestedVectors) {
  for (int64_t size : {4, 8, 16, 3}) {
    TypeRef row = Type::Compose({Leaf(size)}, {Piece{0, 1, 0}}, 5, 3 * size, false);
    for (int64_t outer : {7 * 3 * size, -40 * size, 5 * 3 * size /* merges */}) {
      TypeRef face = Type::Compose({row}, {Piece{0, 1, 0}}, 3, outer, false);
      for (int64_t count : {0, 1, 2, 3}) {
        CheckType(face, count,
                  "face size " + std::to_string(size) + " outer " + std::to_string(outer) +
                      " count " + std::to_string(count));
      }
      TypeRef spaced = Type::Resized(face, 0, 1000 * size);
      CheckType(spaced, 3, "resized face size " + std::to_string(size));
    }
  }
}

TEST(CopyKernelsTest, GroupsOfRuns) {
  for (int64_t a : {1, 4, 8, 12}) {
    for (int64_t b : {2, 8, 16, 40}) {
      // struct { a bytes; b bytes } with a gap, and the same with a strided second block.
      TypeRef s =
          Type::Compose({Leaf(a), Leaf(b)}, {Piece{0, 1, 0}, Piece{1, 1, a + 3}}, 1, 0, false);
      TypeRef v = Type::Compose({Leaf(b)}, {Piece{0, 1, 0}}, 4, 2 * b, false);
      TypeRef g =
          Type::Compose({Leaf(a), v}, {Piece{0, 2, -a * 4}, Piece{1, 1, 64}}, 3, 500, false);
      for (int64_t count : {0, 1, 4, 7}) {
        CheckType(s, count, "struct " + std::to_string(a) + "+" + std::to_string(b));
        CheckType(g, count, "group " + std::to_string(a) + "+" + std::to_string(b));
      }
    }
  }
}

// Layouts off the wire (Layout::FromRuns) may repeat a single run: another loop level.
TEST(CopyKernelsTest, RepeatedSingleRun) {
  Layout l = Layout::FromRuns({datatype::Run{4, 8, 3, 24, 1, 0}}, 4, 100);
  for (int64_t count : {0, 1, 3}) CheckLayout(l, -450, count, "repeated single run");
}

// The kernels themselves, called as layout.cc calls them: every length, zero counts, zero and
// negative strides (a zero stride packs the same piece again), rows that go backwards.
TEST(CopyKernelsTest, KernelsDirectly) {
  for (int64_t len : kSizes) {
    for (int64_t count0 : {0, 1, 3, 4, 9}) {
      for (int64_t count1 : {0, 1, 2}) {
        for (int64_t stride0 : {len, len + 3, -len - 1, int64_t{0}}) {
          const int64_t stride1 = count0 * 200 + 7;
          std::vector<unsigned char> mem(static_cast<size_t>(4096 + 2 * count1 * stride1));
          for (size_t i = 0; i < mem.size(); ++i) mem[i] = static_cast<unsigned char>(i * 13 + 1);
          unsigned char* origin = mem.data() + 2048 + 1;  // odd address
          std::vector<unsigned char> expect;
          for (int64_t i1 = 0; i1 < count1; ++i1) {
            for (int64_t i0 = 0; i0 < count0; ++i0) {
              for (int64_t b = 0; b < len; ++b) {
                expect.push_back(origin[i1 * stride1 + i0 * stride0 + b]);
              }
            }
          }
          std::vector<unsigned char> packed(expect.size() + 3, 0);
          char* end = kernels::PickKernel<true>(len)(reinterpret_cast<char*>(origin), len, count0,
                                                     stride0, count1, stride1,
                                                     reinterpret_cast<char*>(packed.data() + 3));
          const std::string what = "len " + std::to_string(len) + " count0 " +
                                   std::to_string(count0) + " count1 " + std::to_string(count1) +
                                   " stride0 " + std::to_string(stride0);
          EXPECT_EQ(end, reinterpret_cast<char*>(packed.data() + 3 + expect.size())) << what;
          EXPECT_TRUE(std::equal(expect.begin(), expect.end(), packed.begin() + 3)) << what;
          if (stride0 == 0 && count0 > 1) continue;  // unpacking would overlap itself
          std::vector<unsigned char> out(mem.size(), 0x5a);
          unsigned char* oorigin = out.data() + (origin - mem.data());
          kernels::PickKernel<false>(len)(reinterpret_cast<char*>(oorigin), len, count0, stride0,
                                          count1, stride1,
                                          reinterpret_cast<char*>(packed.data() + 3));
          std::vector<unsigned char> want(out.size(), 0x5a);
          size_t at = 0;
          for (int64_t i1 = 0; i1 < count1; ++i1) {
            for (int64_t i0 = 0; i0 < count0; ++i0) {
              for (int64_t b = 0; b < len; ++b) {
                want[static_cast<size_t>(oorigin - out.data() + i1 * stride1 + i0 * stride0 + b)] =
                    expect[at++];
              }
            }
          }
          EXPECT_EQ(out, want) << what;
        }
      }
    }
  }
}

}  // namespace
}  // namespace zmpi::datatype
