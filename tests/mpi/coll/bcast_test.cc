#include "mpi/coll/bcast.h"

#include "tests/mpi/coll/coll_test_util.h"

namespace zmpi::coll::testing {
namespace {

using BcastFn = Status (*)(Links&, void*, size_t, int, int);

struct Algo {
  const char* name;
  BcastFn fn;
};
// Chunks of 1000 bytes: many pieces for the sizes below, a short last one, or just one.
Status ChunkedLinear1000(Links& links, void* buf, size_t bytes, int root, int tag) {
  return ChunkedLinearBcast(links, buf, bytes, root, 1000, tag);
}

const Algo kAlgos[] = {{"binomial", BinomialBcast},
                       {"scatter+allgather", ScatterAllgatherBcast},
                       {"linear", LinearBcast},
                       {"chunked linear", ChunkedLinear1000}};

void CheckBcast(const Algo& algo, int p, Delivery d, int root, size_t bytes) {
  SCOPED_TRACE(std::string(algo.name) + " " + std::to_string(p) + " ranks, root " +
               std::to_string(root) + ", " + std::to_string(bytes) + " bytes, " + DeliveryName(d));
  const std::vector<char> expected = PatternBuffer(root, bytes);
  std::vector<std::vector<char>> bufs(p);
  for (int r = 0; r < p; ++r) bufs[r] = r == root ? expected : std::vector<char>(bytes, '\xee');
  RunAll(p, d,
         [&](Links& links) { return algo.fn(links, bufs[links.rank()].data(), bytes, root, 7); });
  for (int r = 0; r < p; ++r) EXPECT_TRUE(bufs[r] == expected) << "rank " << r;
}

TEST(BcastTest, EverySizeRootAndLength) {
  for (const Algo& algo : kAlgos) {
    for (int p : kSizes) {
      for (Delivery d : kDeliveries) {
        for (int root = 0; root < p; ++root) {
          for (size_t bytes : {0, 1, 5, 17, 1000, 65537}) CheckBcast(algo, p, d, root, bytes);
        }
      }
    }
  }
}

TEST(BcastTest, Large) {
  for (const Algo& algo : kAlgos) {
    for (int p : {2, 3, 7, 16}) CheckBcast(algo, p, Delivery::kRendezvous, p / 2, 3 << 20);
  }
}

// Two broadcasts in a row from different roots with their own tags do not mix.
TEST(BcastTest, BackToBack) {
  for (int p : {5, 8}) {
    std::vector<std::vector<char>> a(p, std::vector<char>(300, 0));
    std::vector<std::vector<char>> b(p, std::vector<char>(300, 0));
    a[1] = PatternBuffer(1, 300);
    b[p - 1] = PatternBuffer(p - 1, 300);
    RunAll(p, Delivery::kEager, [&](Links& links) -> Status {
      ZMPI_RETURN_IF_ERROR(BinomialBcast(links, a[links.rank()].data(), 300, 1, 1));
      return ScatterAllgatherBcast(links, b[links.rank()].data(), 300, p - 1, 2);
    });
    for (int r = 0; r < p; ++r) {
      EXPECT_TRUE(a[r] == PatternBuffer(1, 300));
      EXPECT_TRUE(b[r] == PatternBuffer(p - 1, 300));
    }
  }
}

}  // namespace
}  // namespace zmpi::coll::testing
