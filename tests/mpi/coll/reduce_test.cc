#include "mpi/coll/reduce.h"

#include <cstring>

#include "mpi/coll/op_reducer.h"
#include "tests/mpi/coll/coll_test_util.h"

namespace zmpi::coll::testing {
namespace {

using ReduceFn = Status (*)(Links&, const void*, void*, size_t, const Reducer&, int, int);

struct Algo {
  const char* name;
  ReduceFn fn;
};
const Algo kAlgos[] = {{"binomial", BinomialReduce}, {"rabenseifner", RabenseifnerReduce}};

const core::Datatype kLongLong{MPI_LONG_LONG_INT, "MPI_LONG_LONG_INT", 8, 8,
                               core::BaseKind::kSignedInt};

// Non-commutative: the result must be rank 0 op rank 1 op ... whatever the root.
void CheckAffine(const Algo& algo, int p, Delivery d, int root, size_t count, bool in_place) {
  SCOPED_TRACE(std::to_string(p) + " ranks, root " + std::to_string(root) + ", count " +
               std::to_string(count) + (in_place ? ", in place, " : ", ") + DeliveryName(d));
  AffineReducer reducer;
  std::vector<std::vector<Affine>> in(p);
  std::vector<std::vector<Affine>> out(p, std::vector<Affine>(count, Affine{0, 0}));
  for (int r = 0; r < p; ++r) in[r] = AffineInput(r, count);
  if (in_place) out[root] = in[root];
  RunAll(p, d, [&](Links& links) {
    int r = links.rank();
    const void* send = (in_place && r == root) ? MPI_IN_PLACE : in[r].data();
    return algo.fn(links, send, out[r].data(), count, reducer, root, 3);
  });
  EXPECT_TRUE(out[root] == AffineExpected(p, count));
  for (int r = 0; r < p; ++r) {
    EXPECT_TRUE(in[r] == AffineInput(r, count)) << "send buffer of rank " << r << " changed";
  }
}

// Commutative, through the real MPI_SUM kernel.
void CheckSum(const Algo& algo, int p, Delivery d, int root, size_t count, bool in_place) {
  SCOPED_TRACE(std::to_string(p) + " ranks, root " + std::to_string(root) + ", count " +
               std::to_string(count) + (in_place ? ", in place, " : ", ") + DeliveryName(d));
  OpReducer reducer(MPI_SUM, kLongLong);
  std::vector<std::vector<long long>> in(p, std::vector<long long>(count));
  std::vector<std::vector<long long>> out(p, std::vector<long long>(count, -1));
  std::vector<long long> expected(count, 0);
  for (int r = 0; r < p; ++r) {
    for (size_t i = 0; i < count; ++i) {
      in[r][i] = (static_cast<long long>(r) << 33) + i * (r + 1);
      expected[i] += in[r][i];
    }
  }
  if (in_place) out[root] = in[root];
  RunAll(p, d, [&](Links& links) {
    int r = links.rank();
    const void* send = (in_place && r == root) ? MPI_IN_PLACE : in[r].data();
    return algo.fn(links, send, out[r].data(), count, reducer, root, 3);
  });
  EXPECT_TRUE(out[root] == expected);
  for (int r = 0; r < p; ++r) {
    if (r != root) {
      EXPECT_TRUE(out[r] == std::vector<long long>(count, -1)) << "rank " << r;
    }
  }
}

TEST(ReduceTest, NonCommutativeKeepsRankOrder) {
  for (const Algo& algo : kAlgos) {
    for (int p : kSizes) {
      for (Delivery d : kDeliveries) {
        for (int root = 0; root < p; ++root) {
          for (size_t count : {0, 1, 3, 16, 1000}) {
            CheckAffine(algo, p, d, root, count, false);
            CheckAffine(algo, p, d, root, count, true);
          }
        }
      }
    }
  }
}

TEST(ReduceTest, CommutativeSum) {
  for (const Algo& algo : kAlgos) {
    for (int p : kSizes) {
      for (Delivery d : kDeliveries) {
        for (int root = 0; root < p; ++root) {
          for (size_t count : {0, 1, 7, 4096}) {
            CheckSum(algo, p, d, root, count, false);
            CheckSum(algo, p, d, root, count, true);
          }
        }
      }
    }
  }
}

TEST(ReduceTest, Large) {
  for (const Algo& algo : kAlgos) {
    for (int p : {3, 8, 9}) {
      CheckSum(algo, p, Delivery::kRendezvous, 1, 1 << 18, false);
      CheckAffine(algo, p, Delivery::kRendezvous, p - 1, 1 << 17, true);
    }
  }
}

}  // namespace
}  // namespace zmpi::coll::testing
