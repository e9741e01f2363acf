#include "mpi/coll/allgather.h"
#include "mpi/coll/alltoall.h"
#include "tests/mpi/coll/coll_test_util.h"

namespace zmpi::coll::testing {
namespace {

using AllgatherFn = Status (*)(Links&, const void*, void*, size_t, int);

void CheckAllgather(AllgatherFn fn, const char* name, int p, Delivery d, size_t block,
                    bool in_place) {
  SCOPED_TRACE(std::string(name) + " " + std::to_string(p) + " ranks, block " +
               std::to_string(block) + (in_place ? ", in place, " : ", ") + DeliveryName(d));
  std::vector<std::vector<char>> in(p);
  std::vector<char> expected;
  for (int r = 0; r < p; ++r) {
    in[r] = PatternBuffer(r, block);
    expected.insert(expected.end(), in[r].begin(), in[r].end());
  }
  std::vector<std::vector<char>> out(p, std::vector<char>(p * block, '\xee'));
  if (in_place) {
    for (int r = 0; r < p; ++r) std::copy(in[r].begin(), in[r].end(), out[r].begin() + r * block);
  }
  RunAll(p, d, [&](Links& links) {
    int r = links.rank();
    return fn(links, in_place ? MPI_IN_PLACE : in[r].data(), out[r].data(), block, 4);
  });
  for (int r = 0; r < p; ++r) EXPECT_TRUE(out[r] == expected) << "rank " << r;
}

TEST(AllgatherTest, Ring) {
  for (int p : kSizes) {
    for (Delivery d : kDeliveries) {
      for (size_t block : {0, 1, 3, 1000, 70000}) {
        CheckAllgather(RingAllgather, "ring", p, d, block, false);
        CheckAllgather(RingAllgather, "ring", p, d, block, true);
      }
    }
  }
}

TEST(AllgatherTest, Bruck) {
  for (int p : kSizes) {
    for (Delivery d : kDeliveries) {
      for (size_t block : {0, 1, 3, 1000, 70000}) {
        CheckAllgather(BruckAllgather, "bruck", p, d, block, false);
        CheckAllgather(BruckAllgather, "bruck", p, d, block, true);
      }
    }
  }
}

TEST(AllgatherTest, RecursiveDoublingOnPowersOfTwo) {
  for (int p : {1, 2, 4, 8, 16}) {
    for (Delivery d : kDeliveries) {
      for (size_t block : {0, 1, 3, 1000, 70000}) {
        CheckAllgather(RecursiveDoublingAllgather, "recursive doubling", p, d, block, false);
        CheckAllgather(RecursiveDoublingAllgather, "recursive doubling", p, d, block, true);
      }
    }
  }
}

void CheckAlltoall(int p, Delivery d, size_t block, bool in_place) {
  SCOPED_TRACE(std::to_string(p) + " ranks, block " + std::to_string(block) +
               (in_place ? ", in place, " : ", ") + DeliveryName(d));
  // Block j of rank i carries the pattern of (i * p + j).
  std::vector<std::vector<char>> in(p);
  for (int i = 0; i < p; ++i) {
    for (int j = 0; j < p; ++j) {
      std::vector<char> b = PatternBuffer(i * p + j, block);
      in[i].insert(in[i].end(), b.begin(), b.end());
    }
  }
  std::vector<std::vector<char>> out(p, std::vector<char>(p * block, '\xee'));
  if (in_place) out = in;
  RunAll(p, d, [&](Links& links) {
    int r = links.rank();
    return PairwiseAlltoall(links, in_place ? MPI_IN_PLACE : in[r].data(), out[r].data(), block, 6);
  });
  for (int j = 0; j < p; ++j) {
    std::vector<char> expected;
    for (int i = 0; i < p; ++i) {
      std::vector<char> b = PatternBuffer(i * p + j, block);
      expected.insert(expected.end(), b.begin(), b.end());
    }
    EXPECT_TRUE(out[j] == expected) << "rank " << j;
  }
}

TEST(AlltoallTest, Pairwise) {
  for (int p : kSizes) {
    for (Delivery d : kDeliveries) {
      for (size_t block : {0, 1, 3, 1000, 40000}) {
        CheckAlltoall(p, d, block, false);
        CheckAlltoall(p, d, block, true);
      }
    }
  }
}

}  // namespace
}  // namespace zmpi::coll::testing
