#include "mpi/core/matching.h"

#include <gtest/gtest.h>

namespace zmpi::core {
namespace {

std::unique_ptr<Unexpected> Message(int source, int tag) {
  auto u = std::make_unique<Unexpected>();
  u->header.source = source;
  u->header.tag = tag;
  return u;
}

TEST(MatchingTest, WildcardsMatch) {
  EXPECT_TRUE(Matches(MPI_ANY_SOURCE, MPI_ANY_TAG, 3, 9));
  EXPECT_TRUE(Matches(3, MPI_ANY_TAG, 3, 9));
  EXPECT_TRUE(Matches(MPI_ANY_SOURCE, 9, 3, 9));
  EXPECT_FALSE(Matches(2, 9, 3, 9));
  EXPECT_FALSE(Matches(3, 8, 3, 9));
}

TEST(MatchingTest, UnexpectedTakenOldestFirst) {
  MatchQueues q;
  q.AppendUnexpected(Message(1, 5));
  q.AppendUnexpected(Message(2, 5));
  q.AppendUnexpected(Message(1, 6));
  auto a = q.TakeUnexpected(MPI_ANY_SOURCE, MPI_ANY_TAG);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->header.source, 1);
  EXPECT_EQ(a->header.tag, 5);
  // A specific tag skips older non-matching messages without reordering them.
  auto b = q.TakeUnexpected(1, 6);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->header.tag, 6);
  EXPECT_NE(q.PeekUnexpected(2, MPI_ANY_TAG), nullptr);
  auto c = q.TakeUnexpected(MPI_ANY_SOURCE, 5);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->header.source, 2);
  EXPECT_EQ(q.TakeUnexpected(MPI_ANY_SOURCE, MPI_ANY_TAG), nullptr);
  EXPECT_TRUE(q.empty());
}

TEST(MatchingTest, PostedMatchedInPostingOrder) {
  MatchQueues q;
  Request any, specific, other;
  any.rank = MPI_ANY_SOURCE;
  any.tag = MPI_ANY_TAG;
  specific.rank = 4;
  specific.tag = 1;
  other.rank = 5;
  other.tag = 1;
  q.AppendPosted(&specific);
  q.AppendPosted(&any);
  q.AppendPosted(&other);
  EXPECT_EQ(q.TakePosted(5, 1), &any);  // oldest match wins, not the most specific
  EXPECT_EQ(q.TakePosted(5, 1), &other);
  EXPECT_EQ(q.TakePosted(5, 1), nullptr);
  // Taking the last one left the tail right: what is appended now is found after the head.
  Request later;
  later.rank = 5;
  later.tag = 2;
  q.AppendPosted(&later);
  EXPECT_EQ(q.TakePosted(5, 2), &later);
  EXPECT_EQ(q.TakePosted(4, 1), &specific);  // the head itself
  EXPECT_TRUE(q.empty());
  q.AppendPosted(&specific);
  EXPECT_TRUE(q.RemovePosted(&specific));
  EXPECT_FALSE(q.RemovePosted(&specific));
  EXPECT_TRUE(q.empty());
}

TEST(MatchingTest, MatcherCreatesContextsOnDemand) {
  Matcher m;
  m.For(40).AppendUnexpected(Message(0, 0));
  EXPECT_FALSE(m.For(40).empty());
  EXPECT_TRUE(m.For(2).empty());
  EXPECT_TRUE(m.For(41).empty());
}

}  // namespace
}  // namespace zmpi::core
