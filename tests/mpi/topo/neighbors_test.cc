#include "mpi/topo/neighbors.h"

#include <gtest/gtest.h>

#include <vector>

#include "mpi/include/mpi.h"
#include "mpi/topo/cart_topology.h"
#include "mpi/topo/dist_graph_topology.h"
#include "mpi/topo/graph_topology.h"

namespace zmpi::topo {
namespace {

using V = std::vector<int>;

NeighborList Of(const core::Topology& t, int rank) {
  StatusOr<NeighborList> n = NeighborsOf(&t, rank);
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return *n;
}

std::unique_ptr<CartTopology> Grid(V dims, V periods) {
  auto t = CartTopology::Make(static_cast<int>(dims.size()), dims.data(), periods.data(), 1 << 20);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t.value());
}

TEST(NeighborsTest, NoTopologyIsKTopology) {
  EXPECT_EQ(NeighborsOf(nullptr, 0).status().code(), Code::kTopology);
}

TEST(NeighborsTest, CartesianSourceThenDestinationPerDimension) {
  // 3 x 4, periodic in the second dimension; rank 4 is (1, 0).
  auto g = Grid({3, 4}, {0, 1});
  NeighborList n = Of(*g, 4);
  EXPECT_EQ(n.sources, (V{0, 8, 7, 5}));
  EXPECT_EQ(n.destinations, n.sources);
  // Rank 0 = (0, 0): no -1 neighbor in the non-periodic dimension, the slot stays.
  EXPECT_EQ(Of(*g, 0).sources, (V{MPI_PROC_NULL, 4, 3, 1}));
  // Per dimension the +1 block is sent before the -1 block.
  EXPECT_EQ(n.send_order, (V{1, 0, 3, 2}));
}

TEST(NeighborsTest, CartesianSmallPeriodicDimensionsRepeatNeighbors) {
  // Size 2: the same neighbor both ways; size 1: the process itself both ways.
  auto g = Grid({2, 1}, {1, 1});
  NeighborList n = Of(*g, 0);
  EXPECT_EQ(n.sources, (V{1, 1, 0, 0}));
  EXPECT_EQ(n.send_order, (V{1, 0, 3, 2}));
  // Zero dimensions: no neighbors.
  auto point = Grid({}, {});
  NeighborList none = Of(*point, 0);
  EXPECT_EQ(none.indegree(), 0);
  EXPECT_EQ(none.outdegree(), 0);
  EXPECT_TRUE(none.send_order.empty());
}

TEST(NeighborsTest, GraphNeighborsInOrderBothWays) {
  const int index[3] = {3, 4, 5}, edges[5] = {1, 1, 0, 0, 2};  // multi-edge, self loops
  auto g = GraphTopology::Make(3, index, edges, 3);
  ASSERT_TRUE(g.ok());
  NeighborList n = Of(**g, 0);
  EXPECT_EQ(n.sources, (V{1, 1, 0}));
  EXPECT_EQ(n.destinations, (V{1, 1, 0}));
  EXPECT_EQ(n.send_order, (V{0, 1, 2}));
  EXPECT_EQ(Of(**g, 2).sources, (V{2}));
}

TEST(NeighborsTest, DistGraphSidesAsGiven) {
  const int in[3] = {2, 0, 2}, out[1] = {1}, w_in[3] = {5, 6, 7}, w_out[1] = {9};
  auto g = DistGraphTopology::Make(Adjacency{3, in, w_in}, Adjacency{1, out, w_out}, true);
  NeighborList n = Of(*g, 0);
  EXPECT_EQ(n.sources, (V{2, 0, 2}));
  EXPECT_EQ(n.destinations, (V{1}));
  EXPECT_EQ(n.send_order, (V{0}));
  auto empty = DistGraphTopology::Make(Adjacency{0, nullptr, nullptr},
                                       Adjacency{0, nullptr, nullptr}, false);
  EXPECT_EQ(Of(*empty, 3).indegree(), 0);
}

}  // namespace
}  // namespace zmpi::topo
