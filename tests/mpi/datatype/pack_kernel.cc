// pack_kernel: the datatype engine's pack and unpack loops alone, in one process, for the
// shapes halo exchanges send (docs/benchmarks.md, "Pack kernels"). No MPI, no second rank, so
// the figures do not depend on the scheduler: ns per element (minimum over trials, wall-clock)
// and, under callgrind (`--iters 1`), instructions per element.
//
// Each case packs one message in chunks of a ring slot's payload (16 KiB: the stream of a
// rendezvous over shm) into a packed buffer, then unpacks it from there in the same chunks.
//
//   pack_kernel [--iters N] [--trials N] [--large] [--case NAME]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "mpi/datatype/layout.h"
#include "mpi/datatype/type.h"

namespace {

using zmpi::datatype::Piece;
using zmpi::datatype::Type;
using zmpi::datatype::TypeRef;

constexpr int64_t kChunk = 16384;

TypeRef Leaf(int64_t size) {
  return Type::Named(1000 + static_cast<int>(size), size, size, 0, size);
}

struct Case {
  std::string name;
  TypeRef type;
  int64_t count;
  int64_t elements;  // basic elements in the message (the figures are per element)
};

// A column of `rows` elements of `elem` bytes, `stride` elements apart (MPI_Type_vector).
Case Column(const char* name, int64_t elem, int64_t rows, int64_t stride) {
  TypeRef v = Type::Compose({Leaf(elem)}, {Piece{0, 1, 0}}, rows, stride * elem, false);
  v->Commit();
  return {name, v, 1, rows};
}

std::vector<Case> Cases(bool large) {
  const int64_t rows = large ? (4 << 20) / 8 : (64 << 10) / 8;  // a 64 KiB or 4 MiB face
  std::vector<Case> cases;
  cases.push_back(Column("vector-8B", 8, rows, 8));        // halo2d: doubles 64 bytes apart
  cases.push_back(Column("vector-4B", 4, rows * 2, 16));   // floats 64 bytes apart
  cases.push_back(Column("vector-16B", 16, rows / 2, 4));  // complex doubles 64 bytes apart
  {  // one double resized to 64 bytes, count rows: the element loop is the only loop
    TypeRef r = Type::Resized(Leaf(8), 0, 64);
    r->Commit();
    cases.push_back({"resized-8B", r, rows, rows});
  }
  {  // a 3-d face of single doubles: a vector of vectors (subarray {n, n, 1} of an n x n x 8)
    const int64_t n = large ? 724 : 90;
    TypeRef row = Type::Compose({Leaf(8)}, {Piece{0, 1, 0}}, n, 8 * 8, false);
    TypeRef face = Type::Compose({row}, {Piece{0, 1, 0}}, n, n * 8 * 8, false);
    face->Commit();
    cases.push_back({"vector2-8B", face, 1, n * n});
  }
  {  // struct { int; double } (a group of two runs) count rows
    TypeRef s = Type::Compose({Leaf(4), Leaf(8)}, {Piece{0, 1, 0}, Piece{1, 1, 8}}, 1, 0, true);
    s->Commit();
    cases.push_back({"struct-4B8B", s, rows, 2 * rows});
  }
  return cases;
}

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

}  // namespace

int main(int argc, char** argv) {
  int iters = 20, trials = 5;
  bool large = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--iters" && i + 1 < argc) {
      iters = atoi(argv[++i]);
    } else if (a == "--trials" && i + 1 < argc) {
      trials = atoi(argv[++i]);
    } else if (a == "--large") {
      large = true;
    } else if (a == "--case" && i + 1 < argc) {
      only = argv[++i];
    } else {
      fprintf(stderr, "usage: %s [--iters N] [--trials N] [--large] [--case NAME]\n", argv[0]);
      return 2;
    }
  }
  printf("%-14s %10s %12s %12s\n", "case", "elements", "pack ns/el", "unpack ns/el");
  for (const Case& c : Cases(large)) {
    if (!only.empty() && c.name != only) continue;
    const Type& t = *c.type;
    const int64_t total = c.count * t.size();
    const int64_t lo = t.true_lb() < 0 ? t.true_lb() : 0;
    const int64_t span = (c.count - 1) * t.extent() + t.true_lb() + t.true_extent() - lo;
    std::vector<char> mem(static_cast<size_t>(span) + 64, 1);
    char* buf = mem.data() - lo;
    std::vector<char> packed(static_cast<size_t>(total));
    double best_pack = 1e300, best_unpack = 1e300;
    for (int trial = 0; trial < trials; ++trial) {
      double t0 = Now();
      for (int it = 0; it < iters; ++it) {
        for (int64_t pos = 0; pos < total; pos += kChunk) {
          zmpi::datatype::Pack(t.layout(), t.extent(), buf, c.count, pos,
                               std::min(kChunk, total - pos), packed.data() + pos);
        }
      }
      double t1 = Now();
      for (int it = 0; it < iters; ++it) {
        for (int64_t pos = 0; pos < total; pos += kChunk) {
          zmpi::datatype::Unpack(t.layout(), t.extent(), buf, c.count, pos,
                                 std::min(kChunk, total - pos), packed.data() + pos);
        }
      }
      double t2 = Now();
      best_pack = std::min(best_pack, (t1 - t0) / iters / static_cast<double>(c.elements));
      best_unpack = std::min(best_unpack, (t2 - t1) / iters / static_cast<double>(c.elements));
    }
    printf("%-14s %10lld %12.3f %12.3f\n", c.name.c_str(), static_cast<long long>(c.elements),
           best_pack, best_unpack);
  }
  return 0;
}
