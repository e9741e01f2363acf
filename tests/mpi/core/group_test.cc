#include "mpi/core/group.h"

#include <gtest/gtest.h>

#include "mpi/include/mpi.h"

namespace zmpi::core {
namespace {

std::vector<int> Ranks(const Group& g) { return g.world_ranks(); }

TEST(GroupTest, CompareIdentSimilarUnequal) {
  Group a({3, 1, 2}), b({3, 1, 2}), c({1, 2, 3}), d({1, 2}), e({1, 2, 4});
  EXPECT_EQ(a.Compare(b), MPI_IDENT);
  EXPECT_EQ(a.Compare(c), MPI_SIMILAR);
  EXPECT_EQ(a.Compare(d), MPI_UNEQUAL);
  EXPECT_EQ(c.Compare(e), MPI_UNEQUAL);
  EXPECT_EQ(Group({}).Compare(Group({})), MPI_IDENT);
}

TEST(GroupTest, TranslateRank) {
  Group a({5, 7, 9}), b({9, 5});
  EXPECT_EQ(*a.TranslateRank(0, b), 1);
  EXPECT_EQ(*a.TranslateRank(1, b), MPI_UNDEFINED);
  EXPECT_EQ(*a.TranslateRank(2, b), 0);
  EXPECT_EQ(*a.TranslateRank(MPI_PROC_NULL, b), MPI_PROC_NULL);
  EXPECT_EQ(a.TranslateRank(3, b).status().code(), Code::kRank);
  EXPECT_EQ(a.TranslateRank(-5, b).status().code(), Code::kRank);
}

TEST(GroupTest, UnionKeepsFirstOrderThenNewMembers) {
  Group a({4, 0, 2}), b({1, 2, 3, 0});
  EXPECT_EQ(Ranks(*a.Union(b)), (std::vector<int>{4, 0, 2, 1, 3}));
  EXPECT_EQ(Ranks(*b.Union(a)), (std::vector<int>{1, 2, 3, 0, 4}));
  EXPECT_EQ(Ranks(*a.Union(Group({}))), (std::vector<int>{4, 0, 2}));
}

TEST(GroupTest, IntersectionAndDifferenceKeepFirstOrder) {
  Group a({4, 0, 2, 6}), b({6, 2, 3});
  EXPECT_EQ(Ranks(*a.Intersection(b)), (std::vector<int>{2, 6}));
  EXPECT_EQ(Ranks(*b.Intersection(a)), (std::vector<int>{6, 2}));
  EXPECT_EQ(Ranks(*a.Difference(b)), (std::vector<int>{4, 0}));
  EXPECT_EQ(Ranks(*b.Difference(a)), (std::vector<int>{3}));
  EXPECT_EQ(a.Difference(a)->size(), 0);
  EXPECT_EQ(a.Intersection(Group({}))->size(), 0);
}

TEST(GroupTest, InclExcl) {
  Group a({10, 11, 12, 13, 14});
  EXPECT_EQ(Ranks(**a.Incl({3, 0, 4})), (std::vector<int>{13, 10, 14}));
  EXPECT_EQ((*a.Incl({}))->size(), 0);
  EXPECT_EQ(a.Incl({5}).status().code(), Code::kRank);
  EXPECT_EQ(a.Incl({-1}).status().code(), Code::kRank);
  EXPECT_EQ(a.Incl({1, 1}).status().code(), Code::kRank);
  EXPECT_EQ(Ranks(**a.Excl({3, 0})), (std::vector<int>{11, 12, 14}));
  EXPECT_EQ((*a.Excl({}))->size(), 5);
  EXPECT_EQ(a.Excl({2, 2}).status().code(), Code::kRank);
  EXPECT_EQ(a.Excl({7}).status().code(), Code::kRank);
}

TEST(GroupTest, Ranges) {
  Group a({0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  EXPECT_EQ(Ranks(**a.RangeIncl({0, 9, 3})), (std::vector<int>{0, 3, 6, 9}));
  EXPECT_EQ(Ranks(**a.RangeIncl({8, 2, -3, 1, 1, 1})), (std::vector<int>{8, 5, 2, 1}));
  // A stride that steps past `last` stops before it.
  EXPECT_EQ(Ranks(**a.RangeIncl({0, 8, 5})), (std::vector<int>{0, 5}));
  EXPECT_EQ(Ranks(**a.RangeExcl({0, 9, 2})), (std::vector<int>{1, 3, 5, 7, 9}));
  EXPECT_EQ(a.RangeIncl({0, 5, 0}).status().code(), Code::kArg);
  EXPECT_EQ(a.RangeIncl({5, 0, 1}).status().code(), Code::kArg);
  EXPECT_EQ(a.RangeIncl({0, 10, 1}).status().code(), Code::kRank);
  EXPECT_EQ(a.RangeIncl({0, 4, 2, 4, 6, 1}).status().code(), Code::kRank);  // 4 twice
  EXPECT_EQ(a.RangeExcl({-1, 3, 1}).status().code(), Code::kRank);
}

}  // namespace
}  // namespace zmpi::core
