#include "mpi/topo/graph_topology.h"

#include <gtest/gtest.h>

#include <vector>

#include "mpi/topo/dist_graph_topology.h"

namespace zmpi::topo {
namespace {

TEST(GraphTopologyTest, NeighboursFromIndexAndEdges) {
  // The standard's example: 0-{1,3}, 1-{0}, 2-{3}, 3-{0,2}.
  const int index[4] = {2, 3, 4, 6}, edges[6] = {1, 3, 0, 3, 0, 2};
  auto g = GraphTopology::Make(4, index, edges, 4);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ((*g)->nnodes(), 4);
  EXPECT_EQ((*g)->nedges(), 6);
  EXPECT_EQ((*g)->NeighborCount(0), 2);
  EXPECT_EQ((*g)->NeighborCount(1), 1);
  EXPECT_EQ((*g)->Neighbors(3)[0], 0);
  EXPECT_EQ((*g)->Neighbors(3)[1], 2);
  auto copy = (*g)->Clone();
  EXPECT_EQ(static_cast<GraphTopology*>(copy.get())->edges(), (*g)->edges());
}

TEST(GraphTopologyTest, EmptyAndIsolatedNodes) {
  auto empty = GraphTopology::Make(0, nullptr, nullptr, 3);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)->nnodes(), 0);
  const int index[3] = {0, 0, 1}, edges[1] = {2};  // a self loop on node 2
  auto g = GraphTopology::Make(3, index, edges, 3);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)->NeighborCount(0), 0);
  EXPECT_EQ((*g)->NeighborCount(2), 1);
}

TEST(GraphTopologyTest, RejectsBadDescriptions) {
  const int index[2] = {1, 2}, edges[2] = {1, 0};
  EXPECT_EQ(GraphTopology::Make(-1, index, edges, 2).status().code(), Code::kArg);
  EXPECT_EQ(GraphTopology::Make(3, index, edges, 2).status().code(), Code::kArg);
  EXPECT_EQ(GraphTopology::Make(2, nullptr, edges, 2).status().code(), Code::kArg);
  const int decreasing[2] = {2, 1};
  EXPECT_EQ(GraphTopology::Make(2, decreasing, edges, 2).status().code(), Code::kArg);
  const int negative[2] = {-1, 2};
  EXPECT_EQ(GraphTopology::Make(2, negative, edges, 2).status().code(), Code::kArg);
  const int outside[2] = {1, 2};
  EXPECT_EQ(GraphTopology::Make(2, index, outside, 2).status().code(), Code::kArg);
  EXPECT_EQ(GraphTopology::Make(2, index, nullptr, 2).status().code(), Code::kArg);
}

TEST(DistGraphTopologyTest, CheckAndMake) {
  const int ranks[2] = {1, 0}, weights[2] = {5, 0}, negative[2] = {1, -1};
  EXPECT_TRUE(DistGraphTopology::Check({2, ranks, weights}, true, 2).ok());
  EXPECT_TRUE(DistGraphTopology::Check({2, ranks, nullptr}, false, 2).ok());
  EXPECT_TRUE(DistGraphTopology::Check({0, nullptr, nullptr}, true, 2).ok());
  EXPECT_EQ(DistGraphTopology::Check({-1, ranks, nullptr}, false, 2).code(), Code::kArg);
  EXPECT_EQ(DistGraphTopology::Check({2, ranks, nullptr}, false, 1).code(), Code::kArg);
  EXPECT_EQ(DistGraphTopology::Check({2, ranks, nullptr}, true, 2).code(), Code::kArg);
  EXPECT_EQ(DistGraphTopology::Check({2, ranks, negative}, true, 2).code(), Code::kArg);
  EXPECT_EQ(DistGraphTopology::Check({1, nullptr, nullptr}, false, 2).code(), Code::kArg);

  auto t = DistGraphTopology::Make({2, ranks, weights}, {1, ranks, weights}, true);
  EXPECT_TRUE(t->weighted());
  EXPECT_EQ(t->sources(), (std::vector<int>{1, 0}));
  EXPECT_EQ(t->source_weights(), (std::vector<int>{5, 0}));
  EXPECT_EQ(t->destinations(), (std::vector<int>{1}));
  auto u = DistGraphTopology::Make({2, ranks, nullptr}, {0, nullptr, nullptr}, false);
  EXPECT_FALSE(u->weighted());
  EXPECT_TRUE(u->source_weights().empty());
  EXPECT_EQ(u->Clone()->kind(), core::TopologyKind::kDistGraph);
}

}  // namespace
}  // namespace zmpi::topo
