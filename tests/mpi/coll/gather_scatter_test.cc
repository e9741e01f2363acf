#include "mpi/coll/gather.h"
#include "mpi/coll/scatter.h"
#include "tests/mpi/coll/coll_test_util.h"

namespace zmpi::coll::testing {
namespace {

using RootedFn = Status (*)(Links&, const void*, void*, size_t, int, int);

struct Algo {
  const char* name;
  RootedFn fn;
};
const Algo kGathers[] = {{"binomial gather", BinomialGather}, {"linear gather", LinearGather}};
const Algo kScatters[] = {{"binomial scatter", BinomialScatter}, {"linear scatter", LinearScatter}};

std::string Trace(const Algo& algo, int p, Delivery d, int root, size_t block, bool in_place) {
  return std::string(algo.name) + " " + std::to_string(p) + " ranks, root " + std::to_string(root) +
         ", block " + std::to_string(block) + (in_place ? ", in place, " : ", ") + DeliveryName(d);
}

void CheckGather(const Algo& algo, int p, Delivery d, int root, size_t block, bool in_place) {
  SCOPED_TRACE(Trace(algo, p, d, root, block, in_place));
  std::vector<std::vector<char>> in(p);
  std::vector<char> expected;
  for (int r = 0; r < p; ++r) {
    in[r] = PatternBuffer(r, block);
    expected.insert(expected.end(), in[r].begin(), in[r].end());
  }
  std::vector<char> out(p * block, '\xee');
  if (in_place) std::copy(in[root].begin(), in[root].end(), out.begin() + root * block);
  RunAll(p, d, [&](Links& links) {
    int r = links.rank();
    const void* send = (in_place && r == root) ? MPI_IN_PLACE : in[r].data();
    return algo.fn(links, send, r == root ? out.data() : nullptr, block, root, 5);
  });
  EXPECT_TRUE(out == expected);
}

void CheckScatter(const Algo& algo, int p, Delivery d, int root, size_t block, bool in_place) {
  SCOPED_TRACE(Trace(algo, p, d, root, block, in_place));
  std::vector<char> in;
  for (int r = 0; r < p; ++r) {
    std::vector<char> b = PatternBuffer(r, block);
    in.insert(in.end(), b.begin(), b.end());
  }
  const std::vector<char> original = in;
  std::vector<std::vector<char>> out(p, std::vector<char>(block, '\xee'));
  RunAll(p, d, [&](Links& links) {
    int r = links.rank();
    void* recv = (in_place && r == root) ? MPI_IN_PLACE : out[r].data();
    return algo.fn(links, r == root ? in.data() : nullptr, recv, block, root, 5);
  });
  EXPECT_TRUE(in == original) << "root's send buffer changed";
  for (int r = 0; r < p; ++r) {
    if (in_place && r == root) {
      EXPECT_TRUE(out[r] == std::vector<char>(block, '\xee'));
    } else {
      EXPECT_TRUE(out[r] == PatternBuffer(r, block)) << "rank " << r;
    }
  }
}

TEST(GatherTest, EverySizeRootAndBlock) {
  for (const Algo& algo : kGathers) {
    for (int p : kSizes) {
      for (Delivery d : kDeliveries) {
        for (int root = 0; root < p; ++root) {
          for (size_t block : {0, 1, 3, 100, 5000}) {
            CheckGather(algo, p, d, root, block, false);
            CheckGather(algo, p, d, root, block, true);
          }
        }
      }
    }
  }
}

TEST(ScatterTest, EverySizeRootAndBlock) {
  for (const Algo& algo : kScatters) {
    for (int p : kSizes) {
      for (Delivery d : kDeliveries) {
        for (int root = 0; root < p; ++root) {
          for (size_t block : {0, 1, 3, 100, 5000}) {
            CheckScatter(algo, p, d, root, block, false);
            CheckScatter(algo, p, d, root, block, true);
          }
        }
      }
    }
  }
}

TEST(GatherScatterTest, LargeBlocks) {
  for (int p : {3, 9, 16}) {
    for (int i = 0; i < 2; ++i) {
      CheckGather(kGathers[i], p, Delivery::kRendezvous, p - 2, 300000, false);
      CheckScatter(kScatters[i], p, Delivery::kRendezvous, 1, 300000, false);
    }
  }
}

}  // namespace
}  // namespace zmpi::coll::testing
