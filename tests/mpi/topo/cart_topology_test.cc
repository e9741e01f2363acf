#include "mpi/topo/cart_topology.h"

#include <gtest/gtest.h>

#include <vector>

#include "mpi/include/mpi.h"

namespace zmpi::topo {
namespace {

std::unique_ptr<CartTopology> Grid(std::vector<int> dims, std::vector<int> periods,
                                   int max_size = 1 << 20) {
  auto t = CartTopology::Make(static_cast<int>(dims.size()), dims.data(), periods.data(), max_size);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t.value());
}

TEST(CartTopologyTest, RowMajorCoordsRoundTrip) {
  auto g = Grid({3, 4, 5}, {0, 1, 0});
  EXPECT_EQ(g->size(), 60);
  EXPECT_EQ(g->ndims(), 3);
  int c[3];
  g->Coords(0, c);
  EXPECT_EQ((std::vector<int>(c, c + 3)), (std::vector<int>{0, 0, 0}));
  g->Coords(1, c);  // the last coordinate varies fastest
  EXPECT_EQ((std::vector<int>(c, c + 3)), (std::vector<int>{0, 0, 1}));
  g->Coords(59, c);
  EXPECT_EQ((std::vector<int>(c, c + 3)), (std::vector<int>{2, 3, 4}));
  for (int r = 0; r < 60; ++r) {
    g->Coords(r, c);
    EXPECT_EQ(c[0] * 20 + c[1] * 5 + c[2], r);
    ASSERT_EQ(g->Rank(c).value(), r);
  }
}

TEST(CartTopologyTest, RankWrapsPeriodicAndRejectsOutOfRange) {
  auto g = Grid({3, 4}, {0, 1});
  int c[2] = {1, -1};
  EXPECT_EQ(g->Rank(c).value(), 1 * 4 + 3);
  c[1] = 9;  // 9 mod 4 = 1
  EXPECT_EQ(g->Rank(c).value(), 1 * 4 + 1);
  c[1] = -9;  // -9 mod 4 = 3
  EXPECT_EQ(g->Rank(c).value(), 1 * 4 + 3);
  c[0] = 3;
  c[1] = 0;
  EXPECT_EQ(g->Rank(c).status().code(), Code::kArg);
  c[0] = -1;
  EXPECT_EQ(g->Rank(c).status().code(), Code::kArg);
}

TEST(CartTopologyTest, ShiftNonPeriodicEdgesGiveProcNull) {
  auto g = Grid({4}, {0});
  int src, dst;
  g->Shift(0, 0, 1, &src, &dst);
  EXPECT_EQ(src, MPI_PROC_NULL);
  EXPECT_EQ(dst, 1);
  g->Shift(3, 0, 1, &src, &dst);
  EXPECT_EQ(src, 2);
  EXPECT_EQ(dst, MPI_PROC_NULL);
  g->Shift(1, 0, -1, &src, &dst);
  EXPECT_EQ(src, 2);
  EXPECT_EQ(dst, 0);
  g->Shift(1, 0, 0, &src, &dst);
  EXPECT_EQ(src, 1);
  EXPECT_EQ(dst, 1);
  g->Shift(1, 0, 7, &src, &dst);
  EXPECT_EQ(src, MPI_PROC_NULL);
  EXPECT_EQ(dst, MPI_PROC_NULL);
}

TEST(CartTopologyTest, ShiftPeriodicWraps) {
  auto g = Grid({2, 3}, {0, 1});
  int src, dst;
  // rank 2 = (0, 2): along dimension 1, +1 wraps to (0, 0), -1 is (0, 1).
  g->Shift(2, 1, 1, &src, &dst);
  EXPECT_EQ(dst, 0);
  EXPECT_EQ(src, 1);
  g->Shift(2, 1, 7, &src, &dst);  // 7 mod 3 = 1
  EXPECT_EQ(dst, 0);
  EXPECT_EQ(src, 1);
  g->Shift(2, 1, -2147483647 - 1, &src, &dst);  // INT_MIN: no overflow
  EXPECT_NE(src, MPI_PROC_NULL);
  EXPECT_NE(dst, MPI_PROC_NULL);
  g->Shift(2, 0, 1, &src, &dst);  // non-periodic dimension 0: (1, 2) and nothing
  EXPECT_EQ(dst, 5);
  EXPECT_EQ(src, MPI_PROC_NULL);
  auto ring = Grid({1}, {1});  // a one-process ring is its own neighbour
  ring->Shift(0, 0, 1, &src, &dst);
  EXPECT_EQ(src, 0);
  EXPECT_EQ(dst, 0);
}

TEST(CartTopologyTest, SubKeepsDimensionsAndColorsByTheRest) {
  auto g = Grid({2, 3, 4}, {1, 0, 1});
  const int keep_last[3] = {0, 0, 1};
  auto sub = g->Sub(keep_last);
  EXPECT_EQ(sub->dims(), (std::vector<int>{4}));
  EXPECT_EQ(sub->periods(), (std::vector<int>{1}));
  // Color is the (dim0, dim1) position: ranks 0-3 share one, 4-7 the next.
  EXPECT_EQ(g->SubColor(0, keep_last), g->SubColor(3, keep_last));
  EXPECT_NE(g->SubColor(3, keep_last), g->SubColor(4, keep_last));
  const int keep_first[3] = {1, 0, 0};
  EXPECT_EQ(g->SubColor(1, keep_first), g->SubColor(13, keep_first));  // (0,0,1), (1,0,1)
  EXPECT_EQ(g->Sub(keep_first)->dims(), (std::vector<int>{2}));
  const int keep_none[3] = {0, 0, 0};
  auto point = g->Sub(keep_none);
  EXPECT_EQ(point->ndims(), 0);
  EXPECT_EQ(point->size(), 1);
  for (int r = 0; r < 24; ++r) EXPECT_EQ(g->SubColor(r, keep_none), r);
}

TEST(CartTopologyTest, ZeroDimensionalGrid) {
  auto g = CartTopology::Make(0, nullptr, nullptr, 1);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)->size(), 1);
  EXPECT_EQ((*g)->Rank(nullptr).value(), 0);
}

TEST(CartTopologyTest, MakeRejectsBadShapes) {
  int dims[2] = {2, 3}, periods[2] = {0, 0};
  EXPECT_EQ(CartTopology::Make(-1, dims, periods, 6).status().code(), Code::kArg);
  EXPECT_EQ(CartTopology::Make(2, dims, periods, 5).status().code(), Code::kArg);
  EXPECT_EQ(CartTopology::Make(2, nullptr, periods, 6).status().code(), Code::kArg);
  EXPECT_TRUE(CartTopology::Make(2, dims, periods, 6).ok());
  dims[1] = 0;
  EXPECT_EQ(CartTopology::Make(2, dims, periods, 6).status().code(), Code::kDims);
  dims[1] = -3;
  EXPECT_EQ(CartTopology::Make(2, dims, periods, 6).status().code(), Code::kDims);
  int huge[3] = {65536, 65536, 65536}, p3[3] = {0, 0, 0};  // product overflows int
  EXPECT_EQ(CartTopology::Make(3, huge, p3, 4).status().code(), Code::kArg);
}

TEST(CartTopologyTest, CloneIsIndependentAndEqual) {
  auto g = Grid({2, 2}, {1, 0});
  std::unique_ptr<core::Topology> copy = g->Clone();
  ASSERT_EQ(copy->kind(), core::TopologyKind::kCart);
  auto* c = static_cast<CartTopology*>(copy.get());
  EXPECT_EQ(c->dims(), g->dims());
  EXPECT_EQ(c->periods(), g->periods());
  EXPECT_NE(c, g.get());
}

}  // namespace
}  // namespace zmpi::topo
