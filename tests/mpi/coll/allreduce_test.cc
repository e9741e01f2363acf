#include "mpi/coll/allreduce.h"

#include <cstring>

#include "mpi/coll/op_reducer.h"
#include "tests/mpi/coll/coll_test_util.h"

namespace zmpi::coll::testing {
namespace {

using AllreduceFn = Status (*)(Links&, const void*, void*, size_t, const Reducer&, int);

struct Algo {
  const char* name;
  AllreduceFn fn;
};
const Algo kAlgos[] = {{"recursive doubling", RecursiveDoublingAllreduce},
                       {"rabenseifner", RabenseifnerAllreduce},
                       {"central", CentralAllreduce},
                       {"direct", DirectAllreduce},
                       {"exchange", ExchangeAllreduce}};

const core::Datatype kDouble{MPI_DOUBLE, "MPI_DOUBLE", 8, 8, core::BaseKind::kFloat};

void CheckAffine(const Algo& algo, int p, Delivery d, size_t count, bool in_place) {
  SCOPED_TRACE(std::string(algo.name) + " " + std::to_string(p) + " ranks, count " +
               std::to_string(count) + (in_place ? ", in place, " : ", ") + DeliveryName(d));
  AffineReducer reducer;
  std::vector<std::vector<Affine>> in(p);
  std::vector<std::vector<Affine>> out(p, std::vector<Affine>(count, Affine{0, 0}));
  for (int r = 0; r < p; ++r) {
    in[r] = AffineInput(r, count);
    if (in_place) out[r] = in[r];
  }
  RunAll(p, d, [&](Links& links) {
    int r = links.rank();
    const void* send = in_place ? MPI_IN_PLACE : in[r].data();
    return algo.fn(links, send, out[r].data(), count, reducer, 9);
  });
  const std::vector<Affine> expected = AffineExpected(p, count);
  for (int r = 0; r < p; ++r) EXPECT_TRUE(out[r] == expected) << "rank " << r;
}

// Floating-point sums: every rank must hold the very same bits.
// A commutative op: with separate buffers, some algorithms fold sendbuf in directly.
void CheckDoubleSum(const Algo& algo, int p, Delivery d, size_t count, bool in_place = false) {
  SCOPED_TRACE(std::string(algo.name) + " " + std::to_string(p) + " ranks, count " +
               std::to_string(count) + (in_place ? ", in place, " : ", ") + DeliveryName(d));
  OpReducer reducer(MPI_SUM, kDouble);
  std::vector<std::vector<double>> in(p, std::vector<double>(count));
  std::vector<std::vector<double>> out(p, std::vector<double>(count));
  for (int r = 0; r < p; ++r) {
    for (size_t i = 0; i < count; ++i) in[r][i] = 1.0 / (r + 3) + i * 1e-7 * (r + 1);
    if (in_place) out[r] = in[r];
  }
  RunAll(p, d, [&](Links& links) {
    int r = links.rank();
    const void* send = in_place ? MPI_IN_PLACE : in[r].data();
    return algo.fn(links, send, out[r].data(), count, reducer, 9);
  });
  for (size_t i = 0; i < count; ++i) {
    double sum = 0;
    for (int r = 0; r < p; ++r) sum += in[r][i];
    ASSERT_NEAR(out[0][i], sum, 1e-12) << "element " << i;
  }
  for (int r = 1; r < p; ++r) {
    EXPECT_EQ(std::memcmp(out[r].data(), out[0].data(), count * sizeof(double)), 0)
        << "rank " << r << " differs from rank 0";
  }
}

TEST(AllreduceTest, NonCommutativeKeepsRankOrder) {
  for (const Algo& algo : kAlgos) {
    for (int p : kSizes) {
      for (Delivery d : kDeliveries) {
        for (size_t count : {0, 1, 2, 7, 16, 1000, 4099}) {
          CheckAffine(algo, p, d, count, false);
          CheckAffine(algo, p, d, count, true);
        }
      }
    }
  }
}

TEST(AllreduceTest, DoubleSumIdenticalEverywhere) {
  for (const Algo& algo : kAlgos) {
    for (int p : kSizes) {
      for (Delivery d : kDeliveries) {
        for (size_t count : {1, 5, 333, 10000}) {
          CheckDoubleSum(algo, p, d, count);
          CheckDoubleSum(algo, p, d, count, true);
        }
      }
    }
  }
}

TEST(AllreduceTest, Large) {
  for (const Algo& algo : kAlgos) {
    for (int p : {2, 5, 16}) {
      CheckDoubleSum(algo, p, Delivery::kRendezvous, 1 << 17);
      CheckAffine(algo, p, Delivery::kEager, (1 << 16) + 3, true);
    }
  }
}

}  // namespace
}  // namespace zmpi::coll::testing
